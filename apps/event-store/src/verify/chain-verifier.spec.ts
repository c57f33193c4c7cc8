import type { VerifyReport } from '@lighthouse/event-log';
import { ChainVerifier } from './chain-verifier';

const intact: VerifyReport = { ok: true, segments: 1, records: 3, lastSequence: 3, chainHead: 'ab'.repeat(32), problems: [], checkpoint: { lastSequence: 3, chainHead: 'ab'.repeat(32), keyId: 1 } };
const broken: VerifyReport = {
  ok: false, segments: 1, records: 2, lastSequence: 2, chainHead: 'cd'.repeat(32),
  problems: [{ kind: 'checkpoint_forged', severity: 'error', segment: 'checkpoint', offset: 0, message: 'checkpoint HMAC does not match' }],
};

function verifierOf(reports: VerifyReport[], minIntervalMs = 60_000) {
  let now = 1_000_000;
  const verdicts: boolean[] = [];
  let runs = 0;
  const verifier = new ChainVerifier({
    run: async () => reports[Math.min(runs++, reports.length - 1)] as VerifyReport,
    minIntervalMs,
    onVerdict: (ok) => verdicts.push(ok),
    now: () => now,
  });
  return { verifier, verdicts, runs: () => runs, advance: (ms: number) => (now += ms) };
}

describe('ChainVerifier', () => {
  it('answers the checkpoint as read and an intact verdict', async () => {
    const { verifier, verdicts } = verifierOf([intact]);
    const result = await verifier.latest();
    expect(result).toMatchObject({ ok: true, records: 3, checkpoint: { authentic: true, lastSequence: 3, keyId: 1 }, problems: [], problemCount: 0 });
    expect(verdicts).toEqual([true]);
  });

  it('runs at most once per interval and once at a time, however often it is asked', async () => {
    const { verifier, runs, advance } = verifierOf([intact]);
    await Promise.all([verifier.latest(), verifier.latest(), verifier.latest()]);
    expect(runs()).toBe(1);
    advance(59_000);
    await verifier.latest();
    expect(runs()).toBe(1);
    advance(2_000);
    await verifier.latest();
    expect(runs()).toBe(2);
  });

  it('answers the last result without running again however old it is, once there has been one', async () => {
    const { verifier, runs, advance } = verifierOf([intact]);
    await verifier.last();
    advance(10 * 3600_000);
    expect((await verifier.last()).ok).toBe(true);
    expect(runs()).toBe(1);
  });

  it('repeats a failed run once and reports a forged checkpoint as not authentic, with the problem', async () => {
    const { verifier, verdicts, runs } = verifierOf([broken]);
    const result = await verifier.latest();
    expect(runs()).toBe(2);
    expect(result).toMatchObject({ ok: false, checkpoint: { authentic: false, lastSequence: null, problem: 'checkpoint HMAC does not match' }, problemCount: 1 });
    expect(verdicts).toEqual([false]);
  });

  it('a failure the repeat does not see is not reported', async () => {
    const { verifier, verdicts } = verifierOf([broken, intact]);
    expect((await verifier.latest()).ok).toBe(true);
    expect(verdicts).toEqual([true]);
  });

  it('lists at most 20 problems and counts them all', async () => {
    const many: VerifyReport = { ...broken, problems: Array.from({ length: 50 }, (_, i) => ({ kind: 'hmac_mismatch' as const, severity: 'error' as const, segment: 's', offset: i, sequence: i, message: 'x' })) };
    const result = await verifierOf([many]).verifier.latest();
    expect(result.problems).toHaveLength(20);
    expect(result.problemCount).toBe(50);
  });
});
