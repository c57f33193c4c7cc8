// Benchmark: what each request type of the load mix (tools/load/scenarios.json) costs in NATS
// messages. The built bridge on a private NATS with its monitoring port; for each type, a few
// agents send BENCH_REQUESTS requests of it one after another; the harness's observer listens
// on `>` (every message published, by subject) and nats-server's /connz gives each connection's
// messages in (its publishes) and out (deliveries to it). Experts answer delegations and
// escalations only in the phases that make them, and their requests count in that type.
// Figures are per request: published messages by subject, deliveries by connection, bytes.
// Each process's CPU µs per request (scheduler ns from /proc, the settle time included) too.
// The idle phase, first, gives the quiet background per second (timers, pull requests); its CPU
// is taken off the later phases' (their messages are not: they are few, and shown by subject).
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { childrenNamed, findOrStartRedis } from '@lighthouse/testing';
import { measured, perRequest, type SchedTotals } from '../sessions/sched-meter';
import { natsCounters, trafficBetween } from '../../load/driver/nats-traffic';
import { loadScenario, fillTemplate, type ToolCall } from '../../load/driver/scenario';
import { AgentClient, issueCredential, type Answer } from '../../e2e/agent-client';
import { startE2eStack } from '../../e2e/e2e-stack';
import { log as benchLog } from '../bridge';

const REQUESTS = Number(process.env['BENCH_REQUESTS'] ?? 40);
const AGENTS = 8;
const QUIET_MS = Number(process.env['BENCH_QUIET_MS'] ?? 1500);
/**
 * BENCH_SUBJECTS=0: no observer on `>` (no messages by subject), so nats-server's CPU per request
 * is not inflated by delivering every message once more to the observer.
 */
const SUBJECTS = process.env['BENCH_SUBJECTS'] !== '0';
const repo = process.env['BENCH_REPO'] ?? join(__dirname, '..', '..', '..');
const log = benchLog('traffic');

/** A subject with its per-message tokens (inbox ids, sequences, ack tokens) folded to `*`. */
export function subjectShape(subject: string): string {
  if (subject.startsWith('_INBOX')) return `${subject.split('.')[0]}.*`;
  if (subject.startsWith('$JS.ACK.')) return subject.split('.').slice(0, 4).join('.') + '.*';
  return subject
    .split('.')
    .map((t) => (/\d/.test(t) && t.length >= 8 ? '*' : t))
    .join('.');
}

class Tally {
  bySubject = new Map<string, { n: number; bytes: number }>();
  total = 0;
  last = performance.now();
  add(subject: string, bytes: number): void {
    const key = subjectShape(subject);
    const row = this.bySubject.get(key) ?? { n: 0, bytes: 0 };
    row.n += 1;
    row.bytes += bytes;
    this.bySubject.set(key, row);
    this.total += 1;
    this.last = performance.now();
  }
  reset(): void {
    this.bySubject = new Map();
    this.total = 0;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const r2 = (x: number) => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const scenario = loadScenario(repo);
  const redis = await findOrStartRedis();
  const stack = await startE2eStack({ repo, redisUrl: redis.url, log, env: { LH_LOG_LEVEL: 'warn' } });
  let observer: NatsConnection | undefined;
  try {
    const monitorUrl = stack.stack.natsMonitorUrl;
    if (!monitorUrl) throw new Error('the stack has no NATS monitoring endpoint');
    const roles = scenario.agents.expertRoles;
    const issue = async (id: string, withRoles?: string[]) => {
      const client = new AgentClient(stack.gatewayUrl, id, await issueCredential(stack.gatewayUrl, stack.adminSecret, id, withRoles));
      const started = await client.start();
      if (started.status !== 201) throw new Error(`session for ${id}: ${started.status}`);
      return client;
    };
    const agents = await Promise.all(Array.from({ length: AGENTS }, (_, i) => issue(`traffic-${i}`, roles)));
    const experts = await Promise.all(roles.map(async (role, i) => {
      const expert = await issue(`traffic-expert-${i}`, roles);
      const reg = await expert.change('POST', '/experts', { role, capabilities: ['load-test'], capacity: scenario.agents.expertCapacity, status: 'available' });
      if (reg.status !== 201) throw new Error(`expert ${role}: ${reg.status} ${JSON.stringify(reg.body)}`);
      return expert;
    }));
    log(`bridge up; ${AGENTS} agents and ${experts.length} experts with sessions`);
    observer = await connect({ ...stack.natsObserver, name: 'traffic-observer' });
    const tally = new Tally();
    if (SUBJECTS) {
      const sub = observer.subscribe('>');
      void (async () => {
        for await (const m of sub) tally.add(m.subject, m.data.length);
      })();
    }
    // Every service and the NATS and Redis the stack started (a shared Redis is not the requests' alone).
    const pids: Record<string, number> = { ...stack.pids };
    for (const p of childrenNamed(process.pid, ['nats-server', 'redis-server'])) pids[p.name] = p.pid;
    await sleep(QUIET_MS);
    let seq = 0;
    const unique = () => `${Date.now().toString(36)}-${++seq}`;
    let answering = false;
    let expertRequests = 0;
    const expertLoop = async (expert: AgentClient) => {
      while (answering) {
        const next = await expert.signedGet<{ delegation: { id: string; kind: string } | null }>(`/delegations/next?waitMs=1000`);
        expertRequests += 1;
        const d = next.status === 200 ? next.body.delegation : null;
        if (!d) continue;
        const claimed = await expert.change<{ claimEpoch: number }>('POST', `/delegations/${d.id}/claim`, {});
        expertRequests += 1;
        if (claimed.status !== 200) continue;
        const result = d.kind === 'validation' ? { decision: 'deny', reason: 'traffic bench expert' } : { verdict: 'approve', findings: [] };
        await expert.change('POST', `/delegations/${d.id}/complete`, { epoch: claimed.body.claimEpoch, result });
        expertRequests += 1;
      }
    };
    const validate = (agent: AgentClient, kind: 'repeat' | 'new' | 'dangerous' | 'escalate', i: number) => {
      const calls = scenario.commands[kind];
      let call = calls[i % calls.length] as ToolCall;
      if (kind === 'new' || kind === 'escalate') call = fillTemplate(call, unique());
      return agent.change('POST', '/validate', { ...call, cwd: scenario.agents.cwd });
    };
    const gone: string[] = [];
    const phases: Array<{ name: string; experts?: boolean; run: (agent: AgentClient, i: number) => Promise<Answer<unknown>> }> = [
      { name: 'idle (per second)', run: async () => ({ status: 200, body: {} }) as Answer<unknown> },
      { name: 'heartbeat', run: (a) => a.change('POST', '/sessions/heartbeat') },
      { name: 'session.create', run: (a) => a.start() },
      { name: 'validate.repeat', run: (a, i) => validate(a, 'repeat', i) },
      { name: 'validate.new', run: (a, i) => validate(a, 'new', i) },
      { name: 'validate.dangerous', run: (a, i) => validate(a, 'dangerous', i) },
      { name: 'validate.escalate', experts: true, run: (a, i) => validate(a, 'escalate', i) },
      {
        name: 'delegate (create + wait, expert next/claim/complete)',
        experts: true,
        run: async (a, i) => {
          const role = roles[i % roles.length] as string;
          const created = await a.change<{ id: string }>('POST', '/delegations', { target: { role }, title: fillTemplate(scenario.delegation.title, unique()), body: scenario.delegation.body, deadlineSeconds: 300 });
          if (created.status !== 201) return created;
          gone.push(created.body.id);
          return a.get(`/delegations/${created.body.id}/wait?waitMs=10000`);
        },
      },
      { name: 'list_experts', run: (a, i) => a.get(`/experts?role=${roles[i % roles.length]}&limit=20`) },
      { name: 'list_delegations', run: (a) => a.get('/delegations?scope=mine&limit=20') },
      { name: 'get_gone_delegation', run: (a) => a.get(`/delegations/${randomUUID()}`) },
    ];
    const results: Record<string, unknown> = {};
    /** Each process's CPU ns per second at rest (the idle phase), taken off the phases after it. */
    let idleNsPerS: Record<string, number> = {};
    for (const phase of phases) {
      const idle = phase.name.startsWith('idle');
      if (phase.experts) {
        answering = true;
        expertRequests = 0;
      }
      const loops = phase.experts ? experts.map(expertLoop) : [];
      await sleep(200);
      tally.reset();
      const before = await natsCounters(monitorUrl);
      const began = performance.now();
      const statuses: Record<string, number> = {};
      const cpu: SchedTotals = {};
      await measured(pids, cpu, async () => {
        if (idle) await sleep(5000);
        else
          for (let i = 0; i < REQUESTS; i++) {
            const answer = await phase.run(agents[i % AGENTS] as AgentClient, i);
            statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          }
        answering = false;
        await Promise.all(loops);
        // Until nothing more has been published for a while (appends, followers, journal),
        // at most 5 s: a timer's steady traffic is the idle phase's figure.
        const settleBy = performance.now() + 5000;
        if (!SUBJECTS) await sleep(QUIET_MS);
        while (performance.now() - tally.last < QUIET_MS && performance.now() < settleBy) await sleep(100);
      });
      const after = await natsCounters(monitorUrl);
      const elapsedS = (performance.now() - began) / 1000;
      const per = idle ? elapsedS : REQUESTS;
      if (idle) idleNsPerS = Object.fromEntries(Object.entries(cpu).map(([name, t]) => [name, t.cpuNs / elapsedS]));
      else for (const [name, t] of Object.entries(cpu)) t.cpuNs = Math.max(0, t.cpuNs - (idleNsPerS[name] ?? 0) * elapsedS);
      const deliveries: Record<string, number> = {};
      const published: Record<string, number> = {};
      let inMsgs = 0;
      let outMsgs = 0;
      let bytes = 0;
      for (const [name, d] of Object.entries(trafficBetween(before, after, ['traffic-observer']))) {
        inMsgs += d.inMsgs;
        outMsgs += d.outMsgs;
        bytes += d.inBytes + d.outBytes;
        if (d.outMsgs) deliveries[name] = r2(d.outMsgs / per);
        if (d.inMsgs) published[name] = r2(d.inMsgs / per);
      }
      const bySubject = Object.fromEntries([...tally.bySubject].sort((x, y) => y[1].n - x[1].n).map(([s, row]) => [s, r2(row.n / per)]));
      results[phase.name] = {
        statuses,
        ...(phase.experts ? { expert_requests_per_request: r2(expertRequests / REQUESTS) } : {}),
        seen_per_request: r2(tally.total / per),
        clients_in_per_request: r2(inMsgs / per),
        clients_out_per_request: r2(outMsgs / per),
        bytes_per_request: Math.round(bytes / per),
        published_by_connection: published,
        delivered_to_connection: deliveries,
        cpu_us_per_request: Object.fromEntries(Object.entries(perRequest(cpu, per)).map(([name, x]) => [name, x.cpu_us])),
        ...(SUBJECTS ? { by_subject: bySubject } : {}),
      };
      log(`${phase.name}: ${JSON.stringify(results[phase.name])}`);
    }
    process.stdout.write(`${JSON.stringify({ bench: 'traffic', requests: REQUESTS, phases: results })}\n`);
  } finally {
    await observer?.close();
    await stack.stop();
    await redis.stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
