// Benchmark of the gateway alone: its own CPU per request on the agents' hot routes, against
// GET /health/live in the same run. The gateway runs in this process on a private NATS; a child
// process answers for the speed layer and the registry with canned replies (their cost is not
// the gateway's) and sends the requests one after another, so this process's CPU time is the
// gateway's (and the little the bus adds). Figures are µs of gateway CPU per request and the
// client's p50 latency.
import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { fork } from 'node:child_process';
import { deriveAuthKeys, sessionKeyOf, signToken } from '@lighthouse/auth';
import { loadConfig } from '@lighthouse/config';
import { SUBJECTS, RPC } from '@lighthouse/contracts';
import { createLogger } from '@lighthouse/observability';
import { startNats } from '@lighthouse/testing';
import { FrameCodec } from '@lighthouse/transport';
import { connect } from 'nats';
import { createGateway } from '../../../apps/gateway/src/gateway.app';
import { gatewayConfigShape } from '../../../apps/gateway/src/gateway.config';
import { prepare, send } from '../../e2e/agent-client';

const N = Number(process.env['BENCH_REQUESTS'] ?? 3000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const codec = new FrameCodec();
/** Processes to end if the run fails half-way. */
const cleanups: Array<() => void> = [];

interface Job { url: string; secret: string; natsUrl: string; route: string; n: number }

async function client(job: Job): Promise<number[]> {
  const keys = deriveAuthKeys(job.secret);
  const now = Math.floor(Date.now() / 1000);
  const sid = randomBytes(16).toString('base64url');
  const token = signToken({ sub: `hot-${process.pid}-${job.route}`, sid, aud: 'lighthouse', iat: now, exp: now + 900, sat: now }, keys);
  const sessionKey = sessionKeyOf(keys, sid).toString('base64url');
  const samples: number[] = [];
  const credential = `lhc_${randomBytes(32).toString('base64url')}`;
  for (let i = 0; i < job.n; i++) {
    const prepared =
      job.route === 'live' ? prepare(job.url, 'GET', '/health/live')
      : job.route === 'whoami' ? prepare(job.url, 'GET', '/whoami', { token })
      : job.route === 'validate' ? prepare(job.url, 'POST', '/validate', { token, sessionKey, body: { tool: 'Bash', input: { command: 'git status' }, cwd: '/workspace/project' } })
      : job.route === 'heartbeat' ? prepare(job.url, 'POST', '/sessions/heartbeat', { token, sessionKey })
      : prepare(job.url, 'POST', '/sessions', { body: { agentId: `hot-${i % 50}`, credential } });
    const started = process.hrtime.bigint();
    const answer = await send(prepared);
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
    if (answer.status >= 300) throw new Error(`${job.route}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return samples;
}

async function responder(natsUrl: string): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  const answer = (subject: string, reply: (data: unknown) => unknown) =>
    nc.subscribe(subject, { callback: (_e, msg) => { const req = codec.decodeRequest(msg.data); msg.respond(codec.encode({ id: req.id, response: reply(req.data), isDisposed: true })); } });
  answer(SUBJECTS.session.revocations, () => ({ revocations: [] }));
  const iso = new Date(Date.now() + 600_000).toISOString();
  answer(RPC.speed.validate.subject, () => ({ decisionId: randomUUID(), decision: 'allow', tier: 'memory', ruleId: 'git-status', reason: 'read-only git', confidence: 1, latencyMs: 0.01, delegationId: null, basis: 'rule', effects: [{ kind: 'read', class: 'workspace', target: '/workspace/project/.git', risky: false, command: 'git status' }] }));
  const sessionId = randomBytes(16).toString('base64url');
  answer(RPC.session.heartbeat.subject, () => ({ agentId: 'hot-agent', sessionId, idleExpiresAt: iso, sessionExpiresAt: iso }));
  answer(RPC.session.create.subject, (d) => ({ agentId: (d as { agentId: string }).agentId, sessionId: randomBytes(16).toString('base64url'), token: 'x'.repeat(200), tokenExpiresAt: iso, sessionExpiresAt: iso, idleTimeoutSeconds: 600, sessionKey: randomBytes(32).toString('base64url'), audience: 'lighthouse' }));
  await nc.flush();
}

async function main(): Promise<void> {
  if (process.argv[2] === 'child') {
    const job = JSON.parse(process.argv[3] as string) as Job & { responderOnly?: boolean };
    if (job.responderOnly) {
      await responder(job.natsUrl);
      process.send?.('ready');
      return;
    }
    const samples = await client(job).catch((error: Error) => { process.stderr.write(`${error.message}\n`); process.exit(1); });
    process.send?.(samples);
    process.exit(0);
  }
  const nats = await startNats();
  const secret = randomBytes(32).toString('base64url');
  const responderChild = fork(__filename, ['child', JSON.stringify({ natsUrl: nats.url, responderOnly: true })]);
  cleanups.push(() => responderChild.kill(), () => void nats.stop());
  await new Promise((resolve) => responderChild.once('message', resolve));
  const config = loadConfig(gatewayConfigShape, { NATS_URL: nats.url, LH_TOKEN_SECRET: secret, LH_LOG_LEVEL: 'silent', LH_RATE_LIMIT_RPS: '100000', LH_RATE_LIMIT_BURST: '100000' });
  const app = await createGateway(config, createLogger('gateway-hot', 'silent'));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = await app.getUrl();
  const routes = (process.env['BENCH_ROUTES'] ?? 'live,whoami,validate,heartbeat,create').split(',');
  const results: Record<string, { cpu_us: number[]; p50_us: number[] }> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const route of routes) {
      const child = fork(__filename, ['child', JSON.stringify({ url, secret, natsUrl: nats.url, route, n: N })]);
      const cpu0 = process.cpuUsage();
      const samples = await new Promise<number[]>((resolve, reject) => { child.once('message', (m) => resolve(m as number[])); child.once('exit', (code) => code && reject(new Error(`client ${route} exited ${code}`))); });
      const cpu = process.cpuUsage(cpu0);
      const measured = samples.slice(Math.floor(N / 5)); // the first fifth warms up
      const sorted = [...measured].sort((a, b) => a - b);
      const r = (results[route] ??= { cpu_us: [], p50_us: [] });
      r.cpu_us.push(Math.round((cpu.user + cpu.system) / N));
      r.p50_us.push(Math.round(sorted[Math.floor(sorted.length / 2)] as number));
    }
  }
  await app.close();
  responderChild.kill();
  await nats.stop();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const out = Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { cpu_us_per_request: median(v.cpu_us), p50_us: median(v.p50_us), rounds: v }]));
  process.stdout.write(`${JSON.stringify({ bench: 'gateway-hot', requests: N, ...out })}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  for (const cleanup of cleanups) cleanup();
  setTimeout(() => process.exit(1), 1000);
});
