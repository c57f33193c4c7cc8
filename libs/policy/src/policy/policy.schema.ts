import { z } from 'zod';
import { TOOL_NAMES } from '../tool/tool-names';

/** What a rule or default does with a matching call. */
export const ActionSchema = z.enum(['allow', 'deny', 'escalate']);
export type Action = z.infer<typeof ActionSchema>;

/** An expert role an escalation goes to (`security_architect`). */
export const RoleSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, 'roles are lower_snake_case');

const Pattern = z.string().min(1, 'empty pattern');
/** Globs (or `@set` references); a list matches when any entry matches. */
const GlobList = z.array(Pattern).min(1, 'an empty list can never match');
/** RE2 regular expressions; a list matches when any finds a match. */
const RegexList = z.array(Pattern).min(1, 'an empty list can never match');

/** Paths a rule looks at; a list is shorthand for `{ match: [...] }`. */
export const PathConditionSchema = z.union([
  GlobList,
  z.strictObject({
    match: GlobList,
    /** Paths matching these do not count (`.env.example`, `*.pub`). */
    except: z.array(Pattern).optional(),
    /** A path that is not statically known (`$DIR`, xargs input) counts as matching. */
    unresolved: z.boolean().optional(),
    /** Only paths the context says exist count. */
    existing: z.boolean().optional(),
  }),
]);
export type PathCondition = z.infer<typeof PathConditionSchema>;

/** Conditions of one rule: all given conditions must hold. */
export const WhenSchema = z.strictObject({
  tool: z.array(z.enum(TOOL_NAMES)).min(1, 'an empty list can never match').optional(),
  program: GlobList.optional(),
  subcommand: GlobList.optional(),
  /** Any positional argument matches any glob. */
  args: GlobList.optional(),
  /** Any regex finds a match in the canonical arguments joined by spaces. */
  argsRegex: RegexList.optional(),
  /** Any of these canonical flags is present (`--force`, `--size=0`, `--pid=host`). */
  flags: GlobList.optional(),
  /** All of these flags are present. */
  flagsAll: GlobList.optional(),
  /** Any of these flags given before the subcommand (`git -c k=v …` → `-c`). */
  globalFlags: GlobList.optional(),
  /** Any path the call touches: file tools' path, commands' path arguments and redirections. */
  paths: PathConditionSchema.optional(),
  /** Any path the call reads: like `paths`, less what a command only writes (the destination of `cp`/`mv`/`install`/`rsync`/`ditto`). */
  reads: PathConditionSchema.optional(),
  /** Any path the call writes: file writes, `>`/`>>`, tee, cp/mv targets, dd `of=`, … */
  writes: PathConditionSchema.optional(),
  /** Any path emptied by a truncating redirection (`>`, `&>`, `>|`). */
  truncates: PathConditionSchema.optional(),
  /** The command's output flows into one of these programs (pipe or substitution). */
  pipedTo: GlobList.optional(),
  pipedFrom: GlobList.optional(),
  /** The command was reached through one of these wrappers (sudo, bash -c, eval, xargs…). */
  wrapper: GlobList.optional(),
  inSubstitution: z.boolean().optional(),
  /** Some word of the command is not statically known. */
  unresolved: z.boolean().optional(),
  /** Any referenced variable name matches any regex. */
  variables: RegexList.optional(),
  /** Any regex finds a match in the content: written file content, the command line, here-documents. */
  content: RegexList.optional(),
  /** Any effect of the command (`kind:class`, e.g. `delete:home`, `egress:secret`, `exec:fetched`) matches a glob. */
  effects: GlobList.optional(),
  /** Like `effects`, counting only the effects the model judges risky (a delete in the workspace is not). */
  riskyEffects: GlobList.optional(),
  /** The context's environment is one of these (`local`, `pod`, …). */
  environment: z.array(Pattern).min(1, 'an empty list can never match').optional(),
});
export type When = z.infer<typeof WhenSchema>;

/** One rule: when its conditions hold for a command (or file call), `action` applies. */
export const RuleSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'rule ids are lower-case words joined by . _ -'),
  category: z.string().min(1),
  action: ActionSchema,
  reason: z.string().min(1),
  escalateTo: RoleSchema.optional(),
  /** Secrets: matches of this rule's content patterns are redacted from the decision. */
  redact: z.boolean().optional(),
  when: WhenSchema,
});
export type Rule = z.infer<typeof RuleSchema>;

/** What applies when no rule decides, and the fail-closed answers. */
export const PolicyDefaultsSchema = z.strictObject({
  /** Decision when no rule matches and the effect model sees a risky effect. */
  action: ActionSchema.default('escalate'),
  /** Decision when no rule matches and the effect model sees nothing risky (basis `no-risk-seen`); `action` when unset. */
  noRiskSeen: ActionSchema.optional(),
  /** Fail-closed decision for input that cannot be normalised (never allow). */
  unparseable: z.enum(['deny', 'escalate']).default('escalate'),
  /** Decision floor for a command whose name is computed at run time (`$X -rf /`). */
  dynamicCommand: z.enum(['deny', 'escalate']).default('escalate'),
  /** Decision for a tool the policy language does not know. */
  unknownTool: ActionSchema.default('escalate'),
  /** Role for escalations whose rule names none. */
  escalateTo: RoleSchema.optional(),
});

/** A whole policy document. */
export const PolicyDocumentSchema = z.strictObject({
  version: z.literal(1),
  description: z.string().optional(),
  defaults: PolicyDefaultsSchema.prefault({}),
  /** Named lists, spliced into any glob list with `@name`. */
  sets: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'set names are lower_snake_case'), z.array(Pattern).min(1)).default({}),
  rules: z.array(RuleSchema),
});
export type PolicyDocument = z.infer<typeof PolicyDocumentSchema>;
