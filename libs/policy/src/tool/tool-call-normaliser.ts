import { InvalidContextError } from '../errors/invalid-context.error';
import type { NormalisationFailure, NormalisedEnv, NormalisedFile, NormalisedToolCall } from '../normalised.schema';
import { ShellNormaliser } from '../shell/shell-normaliser';
import { resolvePath } from './path-resolver';
import { DecisionContextSchema, type DecisionContext, type DecisionContextInput, type ToolCall } from './tool-call.schema';
import { canonicalToolName, TOOL_KINDS, type ToolName } from './tool-names';

/** File content larger than this is not scanned but refused (fail closed), never cut. */
const MAX_CONTENT_CHARS = 4_194_304;

/** Validates and fills in defaults of a decision context; throws InvalidContextError. */
export function parseContext(context: DecisionContextInput): DecisionContext {
  const plain = plainContext(context);
  if (plain) return plain;
  const parsed = DecisionContextSchema.safeParse(context);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
  throw new InvalidContextError(problems.join('; '), { cause: parsed.error });
}

const CONTEXT_KEYS = new Set(['workspaceRoot', 'cwd', 'homeDir', 'tmpDirs', 'environment', 'pathExists']);
const DEFAULT_TMP_DIRS = ['/tmp', '/var/tmp'] as const;
const isAbsolute = (value: unknown): value is string => typeof value === 'string' && value.startsWith('/') && !value.includes('\0');

/**
 * The context of almost every call (absolute paths, a short environment name, nothing else),
 * checked by hand: the same answer as the schema, without its cost on every cold decision.
 * Anything unusual returns undefined and goes through the schema (and its error messages).
 */
function plainContext(context: DecisionContextInput): DecisionContext | undefined {
  if (typeof context !== 'object' || context === null || Object.getPrototypeOf(context) !== Object.prototype) return undefined;
  for (const key in context) if (!CONTEXT_KEYS.has(key) || (context as Record<string, unknown>)[key] === undefined) return undefined;
  const { workspaceRoot, cwd, homeDir, tmpDirs, environment, pathExists } = context;
  if (!isAbsolute(workspaceRoot) || !isAbsolute(homeDir) || (cwd !== undefined && !isAbsolute(cwd))) return undefined;
  if (tmpDirs !== undefined && !(Array.isArray(tmpDirs) && tmpDirs.every(isAbsolute))) return undefined;
  if (environment !== undefined && !(typeof environment === 'string' && environment.length >= 1 && environment.length <= 64)) return undefined;
  if (pathExists !== undefined && typeof pathExists !== 'function') return undefined;
  return {
    workspaceRoot,
    ...(cwd !== undefined ? { cwd } : {}),
    homeDir,
    tmpDirs: tmpDirs ? [...tmpDirs] : [...DEFAULT_TMP_DIRS],
    environment: environment ?? 'local',
    ...(pathExists !== undefined ? { pathExists } : {}),
  };
}

/**
 * Puts a tool call in canonical form. Never throws for bad agent input: an unparseable command,
 * a missing field or a path through a file descriptor come back as `failure`, which the policy
 * answers with its fail-closed action.
 */
export function normalise(toolCall: ToolCall, context: DecisionContextInput): NormalisedToolCall {
  return normaliseInContext(toolCall, parseContext(context));
}

/** {@link normalise} with a context already validated by {@link parseContext}. */
export function normaliseInContext(toolCall: ToolCall, ctx: DecisionContext): NormalisedToolCall {
  const env: NormalisedEnv = { workspaceRoot: ctx.workspaceRoot, homeDir: ctx.homeDir, tmpDirs: ctx.tmpDirs, environment: ctx.environment };
  if (ctx.cwd !== undefined && ctx.cwd !== ctx.workspaceRoot) env.cwd = ctx.cwd;
  const tool = canonicalToolName(toolCall.tool);
  if (!tool) return failed(`other:${toolCall.tool}`, 'other', env, { kind: 'unknown-tool', reason: `unknown tool '${toolCall.tool}'` });
  const kind = TOOL_KINDS[tool];
  if (kind === 'shell') return normaliseShell(toolCall.input, env);
  if (kind === 'other') return { tool, kind: 'other', env, commands: [], content: stableJson(toolCall.input) };
  return normaliseFile(tool, kind, toolCall.input, env);
}

function normaliseShell(input: Record<string, unknown>, env: NormalisedEnv): NormalisedToolCall {
  const command = input['command'];
  if (typeof command !== 'string') return failed('Bash', 'shell', env, { kind: 'invalid-input', reason: 'Bash input has no command string' });
  const result = ShellNormaliser.normalise(command, { home: env.homeDir, cwd: env.cwd ?? env.workspaceRoot });
  if (!result.ok) return { ...failed('Bash', 'shell', env, { kind: 'unparseable', reason: result.reason }), source: command };
  return { tool: 'Bash', kind: 'shell', env, source: command, commands: result.commands };
}

function normaliseFile(tool: ToolName, kind: 'read' | 'write', input: Record<string, unknown>, env: NormalisedEnv): NormalisedToolCall {
  const raw = firstString(input, ['file_path', 'notebook_path', 'path']) ?? (tool === 'Glob' || tool === 'Grep' ? (env.cwd ?? env.workspaceRoot) : undefined);
  if (raw === undefined) return failed(tool, 'file', env, { kind: 'invalid-input', reason: `${tool} input has no path` });
  const resolved = resolvePath(raw, { cwd: env.cwd ?? env.workspaceRoot, home: env.homeDir });
  if (!resolved.ok) return failed(tool, 'file', env, { kind: 'suspicious-path', reason: resolved.reason });
  const content = kind === 'write' ? writtenContent(input) : firstString(input, ['pattern']);
  if (content !== undefined && content.length > MAX_CONTENT_CHARS) {
    return failed(tool, 'file', env, { kind: 'invalid-input', reason: `${tool} content longer than ${MAX_CONTENT_CHARS} characters` });
  }
  const file: NormalisedFile = { path: resolved.path, access: kind, ...(content !== undefined ? { content } : {}) };
  return { tool, kind: 'file', env, commands: [], file };
}

/** What a write puts into the file: Write's content, Edit's new string, every MultiEdit edit. */
function writtenContent(input: Record<string, unknown>): string | undefined {
  const direct = firstString(input, ['content', 'new_string', 'new_source']);
  if (direct !== undefined) return direct;
  const edits = input['edits'];
  if (!Array.isArray(edits)) return undefined;
  return edits.map((edit: unknown) => (edit && typeof edit === 'object' ? firstString(edit as Record<string, unknown>, ['new_string']) ?? '' : '')).join('\n');
}

function firstString(input: Record<string, unknown>, keys: readonly string[]): string | undefined {
  for (const key of keys) {
    const value = input[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function failed(tool: string, kind: NormalisedToolCall['kind'], env: NormalisedEnv, failure: NormalisationFailure): NormalisedToolCall {
  return { tool, kind, env, commands: [], failure };
}

/** JSON with sorted keys, so equal inputs give equal text (and equal decision keys). */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, inner]) => `${JSON.stringify(key)}:${stableJson(inner)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
