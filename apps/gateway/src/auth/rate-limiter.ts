import { takeToken, type BucketRule, type TokenBucket } from '@lighthouse/auth';
import { LRUCache } from 'lru-cache';

/**
 * Per-key token buckets in this process's memory, bounded by an LRU (an evicted key starts
 * again with a full bucket, which only ever errs towards allowing). Per replica: with N gateway
 * replicas an agent spread across all of them gets up to N times the rate; the limit protects
 * the bridge from a runaway agent, it is not a quota.
 */
export class RateLimiter {
  private readonly buckets: LRUCache<string, TokenBucket>;

  constructor(
    private readonly rule: BucketRule,
    maxKeys = 100_000,
  ) {
    this.buckets = new LRUCache({ max: maxKeys });
  }

  /** Undefined when allowed; otherwise the whole seconds after which a retry can pass. */
  take(key: string, nowMs = Date.now()): number | undefined {
    const result = takeToken(this.buckets.get(key), nowMs, this.rule);
    this.buckets.set(key, result.bucket);
    return result.allowed ? undefined : result.retryAfterSeconds;
  }
}
