import { z } from 'zod';

/** What a call can do, by kind. */
export const EffectKindSchema = z.enum(['read', 'write', 'delete', 'egress', 'exec', 'privilege', 'persistence', 'process', 'system', 'destroy']);
export type EffectKind = z.infer<typeof EffectKindSchema>;

/**
 * One effect of one command (or file call), with its resolved target and data flow. `class`
 * refines the kind: a location for reads, writes and deletes (`workspace`, `tmp`, `home`,
 * `system`, `root`, `device`, `unknown`, or `secret` for a secret read), what flows out for
 * egress (`plain`, `env`, `secret`, `home`, `system`), what runs for exec (`fetched`, `written`,
 * `inline`, `stdin`, `opaque`, `remote`), the kind of store or system for destroy (`cluster`,
 * `container`, `cloud`, `database`, `cache`, `package`). Rules match `kind:class` tags.
 */
export const EffectSchema = z.strictObject({
  kind: EffectKindSchema,
  class: z.string(),
  /** The resolved path, host or resource (secrets redacted). */
  target: z.string().optional(),
  /** How it was reached when not directly: `symlink`, `..`, `inline-code`, `pipe`, `file`. */
  via: z.string().optional(),
  /** True when the effect model alone makes this call need a judge (no rule needed). */
  risky: z.boolean(),
  /** The command (canonical text) or `Tool path` that has the effect. */
  command: z.string(),
  /** Why, in a few words. */
  detail: z.string().optional(),
});
export type Effect = z.infer<typeof EffectSchema>;

/** The tag rules match: `kind:class`. */
export function effectTag(effect: Pick<Effect, 'kind' | 'class'>): string {
  return `${effect.kind}:${effect.class}`;
}
