import { join } from 'node:path';
import { startLocalStack, type LocalStack } from '../driver/local-stack';
import { bundleK6Script, SCRIPT_DIR } from './testing/load-k6-script';
import { runVu, type VuResult } from './testing/vu-runner';

// The k6 script's VU functions run for real against the local stack, without k6: each VU in a
// worker thread with synchronous HTTP (testing/vu-runner.ts). setup() issues the credentials;
// three experts (one per role) and two mix agents run for 15 s; every step must succeed and
// every kind of operation must be seen, delegations coming back completed.
const repo = join(__dirname, '..', '..', '..');

describe('the k6 script against a local stack', () => {
  let stack: LocalStack;
  let results: VuResult[];

  beforeAll(async () => {
    stack = await startLocalStack({ repo, log: () => undefined });
    const code = await bundleK6Script();
    const env = { LH_GATEWAY_URL: stack.gatewayUrl, LH_ADMIN_SECRET: stack.adminSecret, LH_AGENTS: '5', LH_THINK: '0.1-0.2' };
    const setup = await runVu({ code, env, scriptDir: SCRIPT_DIR, vu: 0, exec: 'setup', seed: 1 });
    if (setup.error) throw new Error(setup.error);
    const vus = [1, 2, 3].map((vu) => ({ vu, exec: 'expert' })).concat([4, 5].map((vu) => ({ vu, exec: 'agent' })));
    results = await Promise.all(vus.map(({ vu, exec }) => runVu({ code, env, scriptDir: SCRIPT_DIR, vu, exec, data: setup.returned, forMs: 15_000, seed: vu * 7919 })));
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
  }, 60_000);

  const metric = (name: string) => results.flatMap((r) => r.metrics.filter((m) => m.name === name));
  const byOp = (op: string) => metric('lh_op_ms').filter((m) => m.tags?.['op'] === op);

  it('runs every VU to the end without an exception', () => {
    for (const r of results) expect(r.error).toBeUndefined();
    for (const r of results) expect(r.iterations).toBeGreaterThan(2);
  });

  it('opens every session, registers the experts and takes every step of the mix with no unexpected answer', () => {
    expect(byOp('session.create')).toHaveLength(5);
    expect(byOp('expert.register')).toHaveLength(3);
    for (const op of ['validate.repeat', 'validate.new', 'validate.dangerous', 'delegation.create', 'delegation.next', 'delegation.claim', 'delegation.complete', 'experts.list', 'delegations.list']) {
      expect([op, byOp(op).length]).toEqual([op, expect.any(Number)]);
      expect(byOp(op).length).toBeGreaterThan(0);
    }
    expect(metric('lh_unexpected_errors')).toEqual([]);
  });

  it('brings every delegation back completed, and feeds the targets their own trends', () => {
    const roundTrips = byOp('delegation.round_trip');
    expect(roundTrips.length).toBe(byOp('delegation.create').length);
    expect(metric('lh_target_delegation_round_trip_p99')).toHaveLength(roundTrips.length);
    expect(metric('lh_target_validate_p99').length).toBe(byOp('validate.repeat').length + byOp('validate.new').length + byOp('validate.dangerous').length);
  });
});
