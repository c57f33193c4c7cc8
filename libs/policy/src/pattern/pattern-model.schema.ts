import { z } from 'zod';
import { NormalisedToolCallSchema } from '../normalised.schema';

/** One past decision to learn from; give the normalised call or its features. */
export const TrainingExampleSchema = z
  .strictObject({
    normalised: NormalisedToolCallSchema.optional(),
    features: z.array(z.string()).optional(),
    decision: z.enum(['allow', 'deny']),
    source: z.enum(['policy', 'expert']),
    /** Whose evidence this is (the expert who ruled, or the agent whose call the policy answered). */
    agent: z.string().min(1).max(128).optional(),
  })
  .refine((example) => example.normalised !== undefined || example.features !== undefined, { message: 'give normalised or features' });
export type TrainingExample = z.infer<typeof TrainingExampleSchema>;

/** Tuning of the pattern model; all fields have defaults. */
export const PatternModelOptionsSchema = z.strictObject({
  /** Below this confidence the model defers. */
  threshold: z.number().min(0.5).max(1).default(0.8),
  /** How many policy examples one expert ruling counts as. */
  expertWeight: z.number().positive().default(5),
  /** Laplace smoothing. */
  alpha: z.number().positive().default(1),
  /** Evidence needed before confidence can approach the posterior: confidence × n/(n + priorSupport). */
  priorSupport: z.number().nonnegative().default(1),
  /**
   * Largest share of the rulings behind an allow that one agent may hold: beyond it, that agent's
   * weight is cut to this share of the evidence (one expert alone can never make the model allow).
   */
  maxAgentShare: z.number().gt(0).max(1).default(0.5),
});
export type PatternModelOptions = z.input<typeof PatternModelOptionsSchema>;

const ClassCountsSchema = z.strictObject({ docs: z.number().nonnegative(), tokens: z.number().nonnegative() });

const CountsStateSchema = z.strictObject({
  classes: z.strictObject({ allow: ClassCountsSchema, deny: ClassCountsSchema }),
  features: z.array(z.tuple([z.string(), z.number().nonnegative(), z.number().nonnegative()])),
});

/**
 * Serialised model: options; every decision's counts (policy and rulings: evidence to tighten);
 * the rulings' counts alone (evidence to settle toward allow) with each anchor's weight by agent.
 */
export const PatternModelStateSchema = z.strictObject({
  version: z.literal(2),
  options: PatternModelOptionsSchema,
  all: CountsStateSchema,
  rulings: CountsStateSchema,
  /** Anchor feature → [agent, weight] pairs, sorted. */
  rulingAgents: z.array(z.tuple([z.string(), z.array(z.tuple([z.string(), z.number().nonnegative()]))])),
});
export type PatternModelState = z.infer<typeof PatternModelStateSchema>;

/** What the model says about a call: a decision it is confident in, or `defer`. */
export const PredictionSchema = z.strictObject({
  decision: z.enum(['allow', 'deny', 'defer']),
  confidence: z.number().min(0).max(1),
});
export type Prediction = z.infer<typeof PredictionSchema>;
