// The `service` part of the reservations bench: the same question through the built bridge.
// BENCH_HOLDERS agents open sessions; BENCH_SERVICE_CALLS validations (POST /validate, signed,
// one at a time) of calls no reservation forbids (writes into free modules, shell lines, reads:
// the same validation before and after) are timed three times: with no reservations, with every
// agent holding ten (BENCH_RESERVATIONS in all, granted through POST /reservations), and again
// after every grant is released (before/with/after, so a drift of the machine shows). Each phase
// reports the end-to-end time and the speed layer's own `latencyMs`.
import { findOrStartRedis } from '@lighthouse/testing';
import type { ReservationGrant, ValidateRequest, ValidationResult } from '@lighthouse/contracts';
import type { AgentClient } from '../../e2e/agent-client';
import { startE2eStack } from '../../e2e/e2e-stack';
import { log as logFor, msSummary, msValues, openAgents, stopOnCrash } from '../bridge';

const log = logFor('reservations');
const CALLS = Number(process.env['BENCH_SERVICE_CALLS'] ?? 2000);
/** Distinct calls of a phase, and the unrecorded rounds over them before it. */
const DISTINCT = 300;
const WARM_ROUNDS = Number(process.env['BENCH_SERVICE_WARM_ROUNDS'] ?? 3);

export interface ServiceOptions {
  repo: string;
  holders: number;
  reservations: number;
  patternOf: (r: number) => string;
}

/** A call no reservation of the set forbids: modules 100-149 are never reserved; reads and `git status` write nothing. */
function freeCallOf(i: number): ValidateRequest {
  const file = `pkg-${(i * 7) % 100}/src/mod-${100 + (i % 50)}/file-${i % 37}.ts`;
  const shapes: ValidateRequest[] = [
    { tool: 'Write', input: { file_path: `/workspace/${file}`, content: 'export const x = 1;\n' } },
    { tool: 'Edit', input: { file_path: `/workspace/${file}`, old_string: 'a', new_string: 'b' } },
    { tool: 'Bash', input: { command: `sed -i s/a/b/ ${file}` }, cwd: '/workspace' },
    { tool: 'Bash', input: { command: `cat pkg-${i % 100}/src/mod-${i % 100}/index.ts` }, cwd: '/workspace' },
    { tool: 'Bash', input: { command: 'git status' }, cwd: '/workspace' },
    { tool: 'Read', input: { file_path: `/workspace/pkg-${i % 100}/src/mod-${i % 100}/index.ts` } },
  ];
  return shapes[i % shapes.length] as ValidateRequest;
}

async function phase(agents: AgentClient[], label: string): Promise<Record<string, unknown>> {
  // Let what the previous step set going (the decision journal draining into the store, the followers) settle first.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  // Warm, unrecorded: the memory tier holds every call, and the code this phase runs (the reservation check, idle while the book is empty) is compiled.
  for (let round = 0; round < WARM_ROUNDS; round++) {
    for (let i = 0; i < DISTINCT; i++) await (agents[(i * 31) % agents.length] as AgentClient).change('POST', '/validate', freeCallOf(i));
  }
  const endToEnd: number[] = [];
  const service: number[] = [];
  const tiers: Record<string, number> = {};
  for (let i = 0; i < CALLS; i++) {
    const agent = agents[(i * 31) % agents.length] as AgentClient;
    const started = process.hrtime.bigint();
    const answer = await agent.change<ValidationResult>('POST', '/validate', freeCallOf(i % DISTINCT));
    endToEnd.push(Number(process.hrtime.bigint() - started));
    if (answer.status !== 200) throw new Error(`${label}: HTTP ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
    if (answer.body.tier === 'reservation') throw new Error(`${label}: a free call was denied by a reservation: ${answer.body.reason}`);
    service.push(answer.body.latencyMs);
    tiers[answer.body.tier] = (tiers[answer.body.tier] ?? 0) + 1;
  }
  const e2e = msSummary(endToEnd);
  return { end_to_end: { p50_ms: e2e.p50_ms, p99_ms: e2e.p99_ms, n: e2e.n }, in_service: msValues(service), tiers };
}

/** Through the service: before, with and after the reservation set. */
export async function throughService(options: ServiceOptions): Promise<Record<string, unknown>> {
  const redis = await findOrStartRedis();
  // Holders never go quiet for an hour here: the set stays live however long granting 10 000 takes.
  const stack = await startE2eStack({ repo: options.repo, redisUrl: redis.url, env: { LH_LOG_LEVEL: 'warn', LH_RESERVATION_LEASE_MS: '3600000' } });
  stopOnCrash(async () => {
    await stack.stop();
    await redis.stop();
  });
  try {
    log(`bridge up at ${stack.gatewayUrl}; opening ${options.holders} agent sessions`);
    const agents = await openAgents(stack.gatewayUrl, stack.adminSecret, options.holders, 'rv');
    const before = await phase(agents, 'before');
    log(`before: ${JSON.stringify(before)}`);

    const perAgent = Math.ceil(options.reservations / options.holders);
    const grants: Array<{ agent: AgentClient; epoch: number }> = [];
    for (let a = 0; a < agents.length; a += 50) {
      const batch = await Promise.all(
        agents.slice(a, a + 50).map(async (agent, k) => {
          const first = (a + k) * perAgent;
          const paths = Array.from({ length: perAgent }, (_, j) => options.patternOf(first + j));
          const answer = await agent.change<ReservationGrant>('POST', '/reservations', { paths, mode: 'exclusive', reason: 'bench', ttlSeconds: 3600 });
          if (answer.status !== 201) throw new Error(`reserving for ${agent.agentId}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
          return { agent, epoch: answer.body.epoch };
        }),
      );
      grants.push(...batch);
    }
    // The speed layer follows the store: wait until it denies a write into the last reservation.
    const last = options.patternOf(options.reservations - 10).replace(/\/\*\*$/, '/probe.ts');
    const outsider = agents[0] as AgentClient;
    for (const deadline = Date.now() + 60_000; ; ) {
      const answer = await outsider.change<ValidationResult>('POST', '/validate', { tool: 'Write', input: { file_path: `/workspace/${last}`, content: 'x' } });
      if (answer.body.tier === 'reservation') break;
      if (Date.now() > deadline) throw new Error(`the speed layer does not deny ${last} a minute after it was reserved`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    log(`${grants.length * perAgent} reservations granted and enforced`);
    const during = await phase(agents, 'with');
    log(`with: ${JSON.stringify(during)}`);

    for (let g = 0; g < grants.length; g += 50) {
      await Promise.all(grants.slice(g, g + 50).map(async ({ agent, epoch }) => {
        const answer = await agent.change('POST', '/reservations/release', { epoch });
        if (answer.status !== 200) throw new Error(`releasing for ${agent.agentId}: ${answer.status}`);
      }));
    }
    const after = await phase(agents, 'after');
    const inService = (p: Record<string, unknown>) => p['in_service'] as { p50_ms: number; p99_ms: number };
    const added = (key: 'p50_ms' | 'p99_ms') => Math.round((inService(during)[key] - inService(before)[key]) * 1000) / 1000;
    return { calls: CALLS, reservations: grants.length * perAgent, holders: agents.length, before, with_reservations: during, after, added_in_service: { p50_ms: added('p50_ms'), p99_ms: added('p99_ms') } };
  } finally {
    await stack.stop();
    await redis.stop();
  }
}
