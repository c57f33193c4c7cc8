import { z } from 'zod';
import { DecisionValueSchema } from '../engine/decision.schema';

/** One row of the policy test corpus (libs/policy/corpus/*.yaml). */
export const CorpusCaseSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9.-]*$/),
    /** Row of shared/policy/seed-patterns.md this case exercises (0: general behaviour). */
    seed: z.number().int().min(0).max(36),
    /** caught: the category's plain form; near-miss: harmless look-alike; evasion: disguised form. */
    kind: z.enum(['caught', 'near-miss', 'evasion']),
    command: z.string().optional(),
    tool: z.string().optional(),
    input: z.record(z.string(), z.unknown()).optional(),
    expect: DecisionValueSchema,
    /** The rule expected to decide (checked when given). */
    rule: z.string().optional(),
    context: z.strictObject({ environment: z.string().optional(), existing: z.array(z.string()).optional() }).optional(),
    /** Generate wrapper/quoting/variable/base64 variants of this command (default: caught rows). */
    variants: z.boolean().optional(),
    note: z.string().optional(),
  })
  .refine((row) => (row.command === undefined) !== (row.tool === undefined), { message: 'give either command or tool (+ input)' });
export type CorpusCase = z.infer<typeof CorpusCaseSchema>;

/** One corpus file: a description and its cases. */
export const CorpusFileSchema = z.strictObject({
  description: z.string(),
  cases: z.array(CorpusCaseSchema).min(1),
});
