import { takeToken, type BucketRule, type TokenBucket } from '@lighthouse/auth';
import { LighthouseError } from '@lighthouse/contracts';

/** How many messages an agent may send: a burst, then a sustained rate (token bucket per sender). */
export interface SendQuotaRule {
  /** Messages per second a sender earns back. */
  ratePerSecond: number;
  /** Messages a sender may send at once after a quiet while. */
  burst: number;
}

/**
 * Each sender's message quota, in this replica's memory: one token bucket per agent, at most
 * `maxSenders` of them (the least recently used goes first; a sender forgotten starts again with a
 * full burst, which errs towards allowing). Per replica: N router replicas let one agent through
 * up to N times the rate; what bounds the router's memory is the book's retention, the quota
 * keeps any one agent from filling it (and the store) for everyone else.
 */
export class SendQuota {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly rule: BucketRule;

  constructor(
    rule: SendQuotaRule,
    private readonly maxSenders = 100_000,
  ) {
    if (!(rule.ratePerSecond > 0) || !(rule.burst >= 1)) throw new RangeError('a send quota needs a positive rate and a burst of at least one');
    this.rule = { ratePerSecond: rule.ratePerSecond, burst: rule.burst };
  }

  /** Takes one message from `sender`'s quota, or throws RATE_LIMITED saying when the next one passes. */
  take(sender: string, nowMs: number): void {
    const result = takeToken(this.buckets.get(sender), nowMs, this.rule);
    this.buckets.delete(sender);
    this.buckets.set(sender, result.bucket);
    for (const oldest of this.buckets.keys()) {
      if (this.buckets.size <= this.maxSenders) break;
      this.buckets.delete(oldest);
    }
    if (!result.allowed) {
      const { retryAfterSeconds } = result;
      throw new LighthouseError('RATE_LIMITED', `${sender} sent more messages than its quota (${this.rule.burst} at once, ${this.rule.ratePerSecond} a second); retry in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }

  /** Senders whose buckets are held (for tests and metrics). */
  get size(): number {
    return this.buckets.size;
  }
}
