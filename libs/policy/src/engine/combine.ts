import { z } from 'zod';
import type { Prediction } from '../pattern/pattern-model.schema';
import { DecisionValueSchema, type Decision } from './decision.schema';

/** The speed layer's answer after the policy and pattern tiers. */
export const CombinedDecisionSchema = z.strictObject({
  decision: DecisionValueSchema,
  /** Which tier settled it. */
  tier: z.enum(['policy', 'pattern']),
  reason: z.string(),
  ruleId: z.string().optional(),
  category: z.string().optional(),
  escalateTo: z.string().optional(),
  /** The pattern model's confidence when it was consulted. */
  confidence: z.number().optional(),
});
export type CombinedDecision = z.infer<typeof CombinedDecisionSchema>;

/** How {@link combine} tightens. */
export const CombineOptionsSchema = z.strictObject({
  /** What a confident "deny" prediction turns a policy allow into. */
  tightenTo: z.enum(['escalate', 'deny']).default('escalate'),
  /** Role a tightened call escalates to (the policy's `defaults.escalateTo`, typically). */
  escalateTo: z.string().optional(),
});
export type CombineOptions = z.input<typeof CombineOptionsSchema>;

/**
 * Merges the policy decision with the pattern model's prediction under the never-loosen rule:
 * - a policy deny stays deny, whatever the model says;
 * - fail-closed answers (unparseable input, unknown tool) stay with the policy;
 * - a policy escalate may be settled by a confident prediction (allow or deny);
 * - a policy allow may only be tightened, by a confident deny, to `tightenTo`;
 * - a deferring (or missing) prediction changes nothing.
 */
export function combine(policy: Decision, prediction: Prediction | undefined, options: CombineOptions = {}): CombinedDecision {
  const { tightenTo, escalateTo } = CombineOptionsSchema.parse(options);
  const base = fromPolicy(policy, prediction);
  if (!prediction || prediction.decision === 'defer' || policy.decision === 'deny') return base;
  if (policy.basis === 'fail-closed' || policy.basis === 'unknown-tool') return base;
  const confidence = prediction.confidence.toFixed(2);
  if (policy.decision === 'escalate') {
    const { escalateTo: _settled, ...rest } = base;
    return { ...rest, decision: prediction.decision, tier: 'pattern', reason: `pattern model (${confidence}) settled the escalation: ${policy.reason}` };
  }
  if (prediction.decision === 'deny') {
    const role = tightenTo === 'escalate' && escalateTo !== undefined ? { escalateTo } : {};
    const reason = `pattern model (${confidence}) flags a call the policy allowed: ${policy.reason}`;
    return { ...base, ...role, decision: tightenTo, tier: 'pattern', reason };
  }
  return base;
}

function fromPolicy(policy: Decision, prediction: Prediction | undefined): CombinedDecision {
  return {
    decision: policy.decision,
    tier: 'policy',
    reason: policy.reason,
    ...(policy.ruleId !== undefined ? { ruleId: policy.ruleId } : {}),
    ...(policy.category !== undefined ? { category: policy.category } : {}),
    ...(policy.escalateTo !== undefined ? { escalateTo: policy.escalateTo } : {}),
    ...(prediction ? { confidence: prediction.confidence } : {}),
  };
}
