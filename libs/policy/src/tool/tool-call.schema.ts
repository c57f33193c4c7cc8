import { z } from 'zod';

const AbsolutePathSchema = z.string().min(1).startsWith('/', { message: 'must be an absolute path' }).refine((path) => !path.includes('\0'), {
  message: 'must not contain a NUL byte',
});

/** One tool call an agent wants to make: `{ tool: 'Bash', input: { command: 'git status' } }`. */
export const ToolCallSchema = z.strictObject({
  tool: z.string().min(1).max(256),
  input: z.record(z.string(), z.unknown()),
});
export type ToolCall = z.infer<typeof ToolCallSchema>;

/**
 * Where a call runs: relative paths resolve against `cwd` (the workspace root when unset), `~`
 * against `homeDir`; `workspaceRoot` is what rules call the workspace.
 * `environment` is matched by rules (e.g. `pod` makes sudo a deny); `pathExists` lets rules
 * that care whether a redirection overwrites an existing file ask the shadow filesystem.
 */
export const DecisionContextSchema = z.strictObject({
  workspaceRoot: AbsolutePathSchema,
  cwd: AbsolutePathSchema.optional(),
  homeDir: AbsolutePathSchema,
  tmpDirs: z.array(AbsolutePathSchema).default(['/tmp', '/var/tmp']),
  environment: z.string().min(1).max(64).default('local'),
  pathExists: z.custom<(path: string) => boolean>((value) => typeof value === 'function', 'must be a function').optional(),
});
export type DecisionContext = z.infer<typeof DecisionContextSchema>;
/** The context as callers write it (defaults optional). */
export type DecisionContextInput = z.input<typeof DecisionContextSchema>;
