import { z } from 'zod';
import { EffectSchema } from '../effects/effect.schema';
import { NormalisedToolCallSchema } from '../normalised.schema';

/** The three answers of every tier. */
export const DecisionValueSchema = z.enum(['allow', 'deny', 'escalate']);
export type DecisionValue = z.infer<typeof DecisionValueSchema>;

/**
 * Why the policy tier decided: a rule matched; no rule matched and the effect model saw nothing
 * risky (`no-risk-seen`: an allow that is not a judgement, so the hook defers); no rule matched
 * but an effect is risky (`default`); the command name is computed at run time; the input could
 * not be normalised (fail-closed); or the tool is unknown.
 */
export const DecisionBasisSchema = z.enum(['rule', 'no-risk-seen', 'default', 'dynamic-command', 'fail-closed', 'unknown-tool']);
export type DecisionBasis = z.infer<typeof DecisionBasisSchema>;

/** The policy tier's answer for one tool call. */
export const DecisionSchema = z.strictObject({
  decision: DecisionValueSchema,
  basis: DecisionBasisSchema,
  ruleId: z.string().optional(),
  category: z.string().optional(),
  /** Human-readable; names the command that caused the decision. Secrets are redacted. */
  reason: z.string(),
  escalateTo: z.string().optional(),
  /** Canonical text of the deciding command (or `Tool /path`). */
  command: z.string().optional(),
  /** The normalised call, with secrets redacted. */
  normalised: NormalisedToolCallSchema,
  /** What the effect model says the call can do (bounded, secrets redacted). */
  effects: z.array(EffectSchema),
});
export type Decision = z.infer<typeof DecisionSchema>;

const STRICTNESS: Readonly<Record<DecisionValue, number>> = { allow: 0, escalate: 1, deny: 2 };

/** deny > escalate > allow. */
export function strictness(decision: DecisionValue): number {
  return STRICTNESS[decision];
}
