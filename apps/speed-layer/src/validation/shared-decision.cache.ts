import type { Redis } from 'ioredis';
import { z } from 'zod';

const CachedSchema = z.strictObject({
  decision: z.enum(['allow', 'deny']),
  reason: z.string(),
  ruleId: z.string().nullable(),
  source: z.enum(['expert']),
  /** The expert who ruled; a ruling without one (from before rulings named their expert) is not reused. */
  by: z.string().min(1),
});
export type SharedDecision = z.infer<typeof CachedSchema>;

/**
 * Expert rulings shared by every replica, in Redis, keyed by the policy's version and the
 * command's decision key (a new policy never reuses an old ruling). Redis is an optimisation:
 * when it is slow or down, lookups answer "unknown" at once and validation goes on locally.
 */
export class SharedDecisionCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly policyVersion: string,
    private readonly ttlSeconds: number,
  ) {}

  private key(decisionKey: string): string {
    return `${this.prefix}ruling:${this.policyVersion}:${decisionKey}`;
  }

  async get(decisionKey: string): Promise<SharedDecision | undefined> {
    if (this.redis.status !== 'ready') return undefined;
    try {
      const raw = await this.redis.get(this.key(decisionKey));
      if (!raw) return undefined;
      const parsed = CachedSchema.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  /** Shares a ruling for the configured lifetime, or `ttlSeconds` (a human's "allow this pattern for a time"). */
  set(decisionKey: string, ruling: Omit<SharedDecision, 'source'>, ttlSeconds?: number): void {
    if (this.redis.status !== 'ready') return;
    const value: SharedDecision = { ...ruling, source: 'expert' };
    this.redis.set(this.key(decisionKey), JSON.stringify(value), 'EX', ttlSeconds ?? this.ttlSeconds).catch(() => undefined);
  }
}
