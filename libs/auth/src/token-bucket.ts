/** A token bucket's state: tokens left (fractional) and when they were counted. */
export interface TokenBucket {
  readonly tokens: number;
  readonly updatedMs: number;
}

export interface BucketRule {
  /** Tokens added per second (the sustained request rate). */
  ratePerSecond: number;
  /** Bucket size (the largest burst). */
  burst: number;
}

export type TakeResult =
  | { allowed: true; bucket: TokenBucket }
  | { allowed: false; bucket: TokenBucket; retryAfterSeconds: number };

/** Takes one token if there is one; otherwise says how many whole seconds until there is. */
export function takeToken(bucket: TokenBucket | undefined, nowMs: number, rule: BucketRule): TakeResult {
  const start = bucket ?? { tokens: rule.burst, updatedMs: nowMs };
  const elapsedSeconds = Math.max(0, nowMs - start.updatedMs) / 1000;
  const tokens = Math.min(rule.burst, start.tokens + elapsedSeconds * rule.ratePerSecond);
  if (tokens >= 1) return { allowed: true, bucket: { tokens: tokens - 1, updatedMs: nowMs } };
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - tokens) / rule.ratePerSecond));
  return { allowed: false, bucket: { tokens, updatedMs: nowMs }, retryAfterSeconds };
}
