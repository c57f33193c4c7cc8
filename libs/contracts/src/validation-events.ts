import { z } from 'zod';
import { AgentIdSchema } from './events';
import { TierSchema, ValidationResultSchema } from './validation';

/**
 * `validation.decided`: one answer of the speed layer, journaled before it is answered. Only
 * first-hand answers (a rule's or an expert's) carry `training`, which teaches the pattern model.
 */
export const ValidationDecidedSchema = ValidationResultSchema.extend({
  /** Time to decide, up to (not including) the write of this event; the answer's own latency includes it. */
  latencyMs: ValidationResultSchema.shape.latencyMs,
  tool: z.string().min(1).max(64),
  /** The normalised command's key (null when the answer came before normalising). */
  decisionKey: z.string().nullable(),
  /** `agent`: whose evidence it is (the expert who ruled, or the agent whose call the policy answered). */
  training: z.strictObject({ features: z.array(z.string()), source: TierSchema, agent: z.string().min(1).max(128).optional() }).nullable(),
  /** The expert whose ruling the answer rests on (first hand, shared or remembered); null for the policy's own answers; absent in older events. */
  ruledBy: AgentIdSchema.nullable().optional(),
});
export type ValidationDecided = z.infer<typeof ValidationDecidedSchema>;
