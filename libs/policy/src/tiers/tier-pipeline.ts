/**
 * The speed layer's tier order, as a pure function: given what the tiers consulted so far have
 * found, which tier answers, or which to consult next. The service does the consulting (maps,
 * Redis, the delegation router); this decides the order and every hand-off:
 *
 *   memory (by raw request) → memory (by decision key, once normalised) → policy, with the
 *   pattern model combined in → shared expert rulings (Redis) → an expert → fail closed.
 *
 * A tier not yet consulted is `undefined` in the facts; a consulted one is `true` (it has an
 * answer) or `false` (it passed the question on).
 */
export interface TierFacts {
  /** A final answer cached for exactly this raw request. */
  memory?: boolean;
  /** A final answer cached under the normalised call's decision key. */
  keyedMemory?: boolean;
  /** The policy's decision with the pattern model combined in, and which of them settled it. */
  policy?: { decision: 'allow' | 'deny' | 'escalate'; settledBy: 'policy' | 'pattern' };
  /** A ruling an expert gave another replica, shared in Redis. */
  shared?: boolean;
  /** An expert ruled in time (false: timeout, breaker open, no ruling). */
  expert?: boolean;
}

/** The tiers the service consults, in order. */
export type ConsultedTier = 'memory' | 'policy' | 'shared' | 'expert';

/** The tier that answers; `fallback` is the fail-closed deny when no tier could. */
export type AnsweringTier = 'memory' | 'policy' | 'pattern' | 'shared' | 'expert' | 'fallback';

export type TierStep = { consult: ConsultedTier } | { answer: AnsweringTier };

/** The next step of the tier pipeline for what is known so far. */
export function nextTier(facts: TierFacts): TierStep {
  if (facts.memory === undefined) return { consult: 'memory' };
  if (facts.memory) return { answer: 'memory' };
  // Consulting the policy normalises the call, which gives the decision key the memory is keyed by.
  if (facts.keyedMemory === undefined && facts.policy === undefined) return { consult: 'policy' };
  if (facts.keyedMemory) return { answer: 'memory' };
  if (facts.policy === undefined) return { consult: 'policy' };
  if (facts.policy.decision !== 'escalate') return { answer: facts.policy.settledBy };
  if (facts.shared === undefined) return { consult: 'shared' };
  if (facts.shared) return { answer: 'shared' };
  if (facts.expert === undefined) return { consult: 'expert' };
  return facts.expert ? { answer: 'expert' } : { answer: 'fallback' };
}
