import { z } from 'zod';
import { ActorSchema } from './delegations';
import { ReservationConflictSchema } from './reservations';

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

/** `reservation`: a write into a path another live agent holds (never cached, never trained on). */
export const TierSchema = z.enum(['memory', 'shared', 'policy', 'pattern', 'expert', 'fallback', 'reservation']);
export type Tier = z.infer<typeof TierSchema>;

/** What a call can do, by kind (the speed layer's effect model). */
export const EffectKindSchema = z.enum(['read', 'write', 'delete', 'egress', 'exec', 'privilege', 'persistence', 'process', 'system', 'destroy']);
export type EffectKind = z.infer<typeof EffectKindSchema>;

/**
 * One effect of one command (or file call), with its resolved target and data flow. `class`
 * refines the kind: a location for reads, writes and deletes (`workspace`, `tmp`, `home`,
 * `system`, `root`, `device`, `unknown`, or `secret`/`history`/`env` for sensitive reads), what
 * flows out for egress (`plain`, `local`, `env`, `secret`, `home`, `system`), what runs for exec
 * (`fetched`, `written`, `inline`, `stdin`, `opaque`, `remote`), the store or system for destroy
 * (`cluster`, `container`, `cloud`, `database`, `cache`, `package`, `vcs`, `logs`, `disk`).
 * Policy rules match `kind:class` tags. Secrets are redacted before an effect leaves the policy.
 */
export const EffectSchema = z.strictObject({
  kind: EffectKindSchema,
  class: z.string().max(64),
  /** The resolved path, host or resource. */
  target: z.string().max(1024).optional(),
  /** How it was reached when not directly: `symlink`, `..`, `inline-code`, `pipe`, `file`, `remote`. */
  via: z.string().max(64).optional(),
  /** True when the effect model alone makes the call need a judge (no rule needed). */
  risky: z.boolean(),
  /** The command (canonical text) or `Tool path` that has the effect. */
  command: z.string().max(4096),
  /** Why, in a few words. */
  detail: z.string().max(512).optional(),
});
export type Effect = z.infer<typeof EffectSchema>;

/** Most effects a reply or an event carries. */
export const MAX_REPLY_EFFECTS = 64;

/**
 * On what the answer rests: a policy `rule`; an `expert`'s (or operator's) ruling; `no-risk-seen`
 * (no rule matched and the effect model saw nothing risky: not a judgement, so the hook defers to
 * Claude Code's own permission rules); the `pattern` model; `fail-closed` (unparseable input,
 * unknown tool, no ruling in time); or `default` / `dynamic-command` (no rule, but a risky
 * effect or a command computed at run time).
 */
export const ValidationBasisSchema = z.enum(['rule', 'expert', 'no-risk-seen', 'pattern', 'fail-closed', 'default', 'dynamic-command', 'unknown-tool', 'reservation']);
export type ValidationBasis = z.infer<typeof ValidationBasisSchema>;

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
  basis: ValidationBasisSchema,
  /** What the call can do, as the effect model sees it (secrets redacted). */
  effects: z.array(EffectSchema).max(MAX_REPLY_EFFECTS),
  /** Who gave the ruling the answer rests on: an expert's agent id, or `human.<operator>` from the console; absent for the policy's own answers. */
  ruledBy: z.string().max(128).nullable().optional(),
  /** The reservation in the way, when a write was denied because another agent holds the path. */
  reservation: ReservationConflictSchema.optional(),
});
export type ValidationResult = z.infer<typeof ValidationResultSchema>;

export const ValidateMessageSchema = z.strictObject({ actor: ActorSchema, request: ValidateRequestSchema });
export type ValidateMessage = z.infer<typeof ValidateMessageSchema>;
