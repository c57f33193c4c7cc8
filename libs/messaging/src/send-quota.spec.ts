import { SendQuota } from './send-quota';

const refusal = (quota: SendQuota, sender: string, nowMs: number) => {
  try {
    quota.take(sender, nowMs);
    return undefined;
  } catch (error) {
    return error as { code: string; retryAfterSeconds?: number; message: string };
  }
};

describe('the send quota (a token bucket per sender)', () => {
  it('given a burst of 3 and 0.5 a second, when mallory sends 4 at once, then the 4th is RATE_LIMITED with retry after 2 s; 2 s later one more passes, not two', () => {
    const quota = new SendQuota({ ratePerSecond: 0.5, burst: 3 });
    expect([0, 0, 0].map((t) => refusal(quota, 'mallory', t))).toEqual([undefined, undefined, undefined]);
    expect(refusal(quota, 'mallory', 0)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: 2, message: expect.stringContaining('mallory') });
    expect(refusal(quota, 'mallory', 2000)).toBeUndefined();
    expect(refusal(quota, 'mallory', 2000)).toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('given mallory spent her quota, when ana sends, then ana passes: the quota is per sender', () => {
    const quota = new SendQuota({ ratePerSecond: 1, burst: 1 });
    quota.take('mallory', 0);
    expect(refusal(quota, 'mallory', 0)).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refusal(quota, 'ana', 0)).toBeUndefined();
  });

  it('given a flood over a minute, then what passes is the burst plus the rate times the time, whatever the flood', () => {
    const quota = new SendQuota({ ratePerSecond: 1, burst: 30 });
    let passed = 0;
    for (let t = 0; t <= 60_000; t += 10) if (!refusal(quota, 'mallory', t)) passed++;
    expect(passed).toBe(30 + 60);
  });

  it('holds at most maxSenders buckets (the least recently used are forgotten), and refuses a rule without rate or burst', () => {
    const quota = new SendQuota({ ratePerSecond: 1, burst: 1 }, 100);
    for (let i = 0; i < 1000; i++) quota.take(`agent-${i}`, 0);
    expect(quota.size).toBe(100);
    expect(() => new SendQuota({ ratePerSecond: 0, burst: 1 })).toThrow(RangeError);
    expect(() => new SendQuota({ ratePerSecond: 1, burst: 0 })).toThrow(RangeError);
  });
});
