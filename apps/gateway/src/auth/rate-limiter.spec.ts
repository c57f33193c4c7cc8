import { RateLimiter } from './rate-limiter';

describe('rate limiter', () => {
  it('limits each key on its own', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 2 });
    expect([limiter.take('a', 0), limiter.take('a', 0), limiter.take('a', 0)]).toEqual([undefined, undefined, 1]);
    expect(limiter.take('b', 0)).toBeUndefined();
    expect(limiter.take('a', 1000)).toBeUndefined();
  });

  it('forgets the least recently used keys beyond its bound', () => {
    const limiter = new RateLimiter({ ratePerSecond: 1, burst: 1 }, 2);
    limiter.take('a', 0);
    limiter.take('b', 0);
    limiter.take('c', 0);
    expect(limiter.take('a', 0)).toBeUndefined();
    expect(limiter.take('c', 0)).toBe(1);
  });
});
