import { LRUCache } from 'lru-cache';
import { EffectSchema, MAX_REPLY_EFFECTS } from '@lighthouse/contracts';
import { z } from 'zod';
import { UncacheableDecisionError } from '../errors/uncacheable-decision.error';

/**
 * What the memory tier remembers: a final allow/deny and where it came from. Escalations are
 * never cached (they are not answers), and neither are pattern-model guesses.
 */
export const CachedDecisionSchema = z.strictObject({
  decision: z.enum(['allow', 'deny']),
  source: z.enum(['policy', 'expert']),
  reason: z.string(),
  ruleId: z.string().optional(),
  category: z.string().optional(),
  /** On what the answer rests (`rule`, `no-risk-seen`, `expert`): a hit answers the same basis. */
  basis: z.enum(['rule', 'no-risk-seen', 'expert']).optional(),
  /** The call's effects, so a hit can show them without normalising again. */
  effects: z.array(EffectSchema).max(MAX_REPLY_EFFECTS).optional(),
  /** For an expert's ruling: the agent who gave it. */
  ruledBy: z.string().optional(),
});
export type CachedDecision = z.infer<typeof CachedDecisionSchema>;

/** Size, TTL, key namespace and clock of a memory tier. */
export const MemoryTierOptionsSchema = z.strictObject({
  /** Most entries kept; the least recently used go first. */
  max: z.number().int().positive().default(10_000),
  /** Entries older than this are forgotten (no TTL when unset). */
  ttlMs: z.number().int().positive().optional(),
  /** Prefix for every key, e.g. the policy digest, so a new policy never reuses old answers. */
  namespace: z.string().default(''),
  /** Clock for TTLs (tests); defaults to performance.now. */
  clock: z.custom<{ now(): number }>((value) => typeof (value as { now?: unknown } | null)?.now === 'function').optional(),
});
export type MemoryTierOptions = z.input<typeof MemoryTierOptionsSchema>;

/** Counters of one memory tier. */
export interface MemoryTierStats {
  readonly hits: number;
  readonly misses: number;
  readonly size: number;
  readonly max: number;
  readonly hitRate: number;
}

/**
 * The first validation tier: recent decisions by decision key, in an LRU with an optional TTL.
 * The caller decides what is worth caching (final policy or expert answers); this class only
 * refuses what can never be an answer.
 */
export class MemoryTier {
  private readonly cache: LRUCache<string, CachedDecision>;
  private readonly namespace: string;
  private readonly max: number;
  private hits = 0;
  private misses = 0;

  constructor(options: MemoryTierOptions = {}) {
    const parsed = MemoryTierOptionsSchema.parse(options);
    this.namespace = parsed.namespace;
    this.max = parsed.max;
    this.cache = new LRUCache<string, CachedDecision>({
      max: parsed.max,
      ...(parsed.ttlMs !== undefined ? { ttl: parsed.ttlMs } : {}),
      // An injected clock is read on every check (lru-cache otherwise caches `now` for 1 ms of real time).
      ...(parsed.clock ? { perf: parsed.clock, ttlResolution: 0 } : {}),
    });
  }

  get(key: string): CachedDecision | undefined {
    const found = this.cache.get(this.namespace + key);
    if (found) this.hits++;
    else this.misses++;
    return found;
  }

  /** Remembers a final decision (for `ttlMs` when given); throws UncacheableDecisionError for anything else. */
  set(key: string, decision: CachedDecision, ttlMs?: number): void {
    const parsed = CachedDecisionSchema.safeParse(decision);
    if (!parsed.success) {
      throw new UncacheableDecisionError(`only allow/deny from policy or expert can be cached: ${parsed.error.message}`, { cause: parsed.error });
    }
    this.cache.set(this.namespace + key, parsed.data, ttlMs ? { ttl: ttlMs } : undefined);
  }

  delete(key: string): boolean {
    return this.cache.delete(this.namespace + key);
  }

  clear(): void {
    this.cache.clear();
  }

  stats(): MemoryTierStats {
    const lookups = this.hits + this.misses;
    return { hits: this.hits, misses: this.misses, size: this.cache.size, max: this.max, hitRate: lookups === 0 ? 0 : this.hits / lookups };
  }
}
