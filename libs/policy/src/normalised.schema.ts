import { z } from 'zod';

/** A redirection or dd-style output operand of one command, target already expanded. */
export const RedirectSchema = z.strictObject({
  op: z.enum(['>', '>>', '<', '<>', '<&', '>&', '>|', '<<', '<<-', '<<<', '&>', '&>>', 'of=', 'if=']),
  fd: z.string().optional(),
  target: z.string(),
});
export type Redirect = z.infer<typeof RedirectSchema>;

/**
 * One simple command in canonical form. Wrappers are peeled off (`viaWrapper`), quoting and
 * static expansions are resolved, flags are canonical (`--force`, `--size=0`). Whatever could
 * not be resolved statically stays visible as `$NAME` / `$(…)` text with `unresolved: true`.
 */
export const NormalisedCommandSchema = z.strictObject({
  /** Basename of the program (`git`), '' for an assignment- or redirection-only statement. */
  program: z.string(),
  /** The program word as written when it was a path (`/usr/bin/git`). */
  programPath: z.string().optional(),
  /** The command word itself is computed at run time (`$X -rf /`). */
  dynamicProgram: z.boolean(),
  subcommand: z.string().optional(),
  /** Every argument after the program, expanded, in order. */
  args: z.array(z.string()),
  positionals: z.array(z.string()),
  flags: z.array(z.string()),
  globalFlags: z.array(z.string()),
  redirects: z.array(RedirectSchema),
  /** Programs upstream in the same pipeline (or whose output this substitution receives). */
  pipedFrom: z.array(z.string()),
  /** Programs downstream: pipeline stages, or the command a substitution's output feeds. */
  pipedTo: z.array(z.string()),
  /** Wrappers peeled off, outermost first: `sudo bash -c 'x'` → ['sudo', 'bash']. */
  viaWrapper: z.array(z.string()),
  inSubstitution: z.boolean(),
  unresolved: z.boolean(),
  /** Variables the command's words referenced (resolved or not). */
  variables: z.array(z.string()),
  /** Prefix assignments and `env NAME=value` (the command's extra environment). */
  assigns: z.array(z.strictObject({ name: z.string(), value: z.string() })),
  /** Absolute working directory when statically known (after `cd`). */
  cwd: z.string().optional(),
  /** Literal here-document / here-string input. */
  stdin: z.string().optional(),
  /** `program args…` as one line, for reasons and content patterns. */
  text: z.string(),
});
export type NormalisedCommand = z.infer<typeof NormalisedCommandSchema>;

/** The environment a call was normalised in; part of the decision key. */
export const NormalisedEnvSchema = z.strictObject({
  workspaceRoot: z.string(),
  /** Where relative paths resolve when that is not the workspace root (a cwd outside it). */
  cwd: z.string().optional(),
  homeDir: z.string(),
  tmpDirs: z.array(z.string()),
  environment: z.string(),
});
export type NormalisedEnv = z.infer<typeof NormalisedEnvSchema>;

/** Why a call could not be normalised; the policy's fail-closed action applies. */
export const NormalisationFailureSchema = z.strictObject({
  kind: z.enum(['unparseable', 'suspicious-path', 'invalid-input', 'unknown-tool']),
  reason: z.string(),
});
export type NormalisationFailure = z.infer<typeof NormalisationFailureSchema>;

/** A file operation (Write, Edit, Read, …) with its path resolved. */
export const NormalisedFileSchema = z.strictObject({
  path: z.string(),
  access: z.enum(['read', 'write']),
  content: z.string().optional(),
});
export type NormalisedFile = z.infer<typeof NormalisedFileSchema>;

/** A whole tool call in canonical form: what the policy, the cache key and the model read. */
export const NormalisedToolCallSchema = z.strictObject({
  /** Canonical tool name (`Bash`, `Write`, …) or `other:<name>`. */
  tool: z.string(),
  kind: z.enum(['shell', 'file', 'other']),
  env: NormalisedEnvSchema,
  /** The shell source as given. */
  source: z.string().optional(),
  commands: z.array(NormalisedCommandSchema),
  file: NormalisedFileSchema.optional(),
  /** Text of other tools' input (JSON), for content patterns. */
  content: z.string().optional(),
  failure: NormalisationFailureSchema.optional(),
});
export type NormalisedToolCall = z.infer<typeof NormalisedToolCallSchema>;
