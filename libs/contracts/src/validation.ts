import { z } from 'zod';
import { ActorSchema } from './delegations';

/**
 * One tool call an agent is about to make, as Claude Code's PreToolUse hook describes it:
 * `Bash` with `{ command }`, `Write` with `{ file_path, content }`, `Edit`, `Read`, …
 */
export const ValidateRequestSchema = z.strictObject({
  tool: z.string().min(1).max(64),
  input: z.record(z.string(), z.unknown()),
  /** The agent's working directory, for resolving relative paths. */
  cwd: z.string().min(1).max(4096).optional(),
});
export type ValidateRequest = z.infer<typeof ValidateRequestSchema>;

export const DecisionSchema = z.enum(['allow', 'deny', 'escalate']);
export type DecisionValue = z.infer<typeof DecisionSchema>;

export const TierSchema = z.enum(['memory', 'shared', 'policy', 'pattern', 'expert', 'fallback']);
export type Tier = z.infer<typeof TierSchema>;

/** The speed layer's answer: what to do, which tier decided, why, how sure, how fast. */
export const ValidationResultSchema = z.strictObject({
  decisionId: z.uuid(),
  decision: DecisionSchema,
  tier: TierSchema,
  ruleId: z.string().nullable(),
  reason: z.string(),
  confidence: z.number().min(0).max(1),
  latencyMs: z.number().min(0),
  /** The expert delegation that decided (or was asked), when the answer came from escalation. */
  delegationId: z.uuid().nullable(),
});
export type ValidationResult = z.infer<typeof ValidationResultSchema>;

export const ValidateMessageSchema = z.strictObject({ actor: ActorSchema, request: ValidateRequestSchema });
export type ValidateMessage = z.infer<typeof ValidateMessageSchema>;
