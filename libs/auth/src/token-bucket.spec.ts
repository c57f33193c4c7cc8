import { takeToken, type TokenBucket } from './token-bucket';

const rule = { ratePerSecond: 2, burst: 3 };

function drain(count: number, nowMs: number, start?: TokenBucket): { allowed: number; bucket?: TokenBucket; retryAfter?: number } {
  let bucket = start;
  let allowed = 0;
  let retryAfter: number | undefined;
  for (let i = 0; i < count; i++) {
    const result = takeToken(bucket, nowMs, rule);
    bucket = result.bucket;
    if (result.allowed) allowed++;
    else retryAfter = result.retryAfterSeconds;
  }
  return { allowed, bucket, retryAfter };
}

describe('token bucket', () => {
  it('allows a full burst, then refuses with a retry time', () => {
    const { allowed, retryAfter } = drain(5, 0);
    expect(allowed).toBe(3);
    expect(retryAfter).toBe(1);
  });

  it('refills at the configured rate, never above the burst', () => {
    const empty = drain(3, 0).bucket;
    expect(drain(5, 1000, empty).allowed).toBe(2);
    expect(drain(10, 60_000, empty).allowed).toBe(3);
  });

  it('says how long until a token at a slow rate', () => {
    const slow = { ratePerSecond: 0.1, burst: 1 };
    const first = takeToken(undefined, 0, slow);
    const second = takeToken(first.bucket, 0, slow);
    expect(second).toMatchObject({ allowed: false, retryAfterSeconds: 10 });
  });

  it('does not refill when the clock goes backwards', () => {
    const empty = drain(3, 10_000).bucket;
    expect(drain(1, 0, empty).allowed).toBe(0);
  });
});
