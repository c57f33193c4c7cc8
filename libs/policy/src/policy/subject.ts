import { effectsOf } from '../effects/effect-model';
import { effectTag, type Effect } from '../effects/effect.schema';
import { copyDestination } from '../effects/file-effects';
import type { NormalisedCommand, NormalisedEnv, NormalisedToolCall } from '../normalised.schema';
import { isTruncatingRedirect, isWriteRedirect } from '../shell/redirect-evaluator';
import { resolvePath } from '../tool/path-resolver';
import { PATH_TOKENS } from './glob';

/** A path a subject touches, in every spelling rules can match; `resolved` unset when unknown. */
export interface PathRef {
  readonly resolved?: string;
  readonly spellings: readonly string[];
}

/** What one rule is matched against: one shell command, or one non-shell tool call. */
export interface Subject {
  readonly tool: string;
  readonly command?: NormalisedCommand;
  readonly paths: readonly PathRef[];
  /** The paths it reads: `paths` less what a command only writes (a copy's destination). */
  readonly reads: readonly PathRef[];
  readonly writes: readonly PathRef[];
  readonly truncates: readonly PathRef[];
  readonly content: string;
  readonly environment: string;
  /** How reasons name it: the command line or `Write /path`. */
  readonly label: string;
  /** What the effect model says this subject can do. */
  readonly effects: readonly Effect[];
  /** `kind:class` of each effect, for rules. */
  readonly effectTags: readonly string[];
  /** `kind:class` of each risky effect. */
  readonly riskyTags: readonly string[];
  /** Some effect needs a judge even when no rule matched. */
  readonly risky: boolean;
}

/** Programs whose arguments are text, not paths (`echo /etc/shadow` reads nothing). */
const TEXT_ARGS = new Set(['echo', 'printf', 'true', 'false', ':', 'export', 'local', 'declare', 'readonly', 'typeset', 'alias', 'kill', 'pkill', 'killall']);
const COPY_LIKE = new Set(['cp', 'mv', 'install', 'ln', 'rsync', 'scp']);
const EDITS_IN_PLACE = new Set(['sed', 'perl']);
const WRITES_OPERANDS = new Set(['tee', 'truncate', 'shred', 'touch']);

/** The subjects of a normalised call, in order; `modelEffects: false` skips the effect model (features need only paths). */
export function subjectsOf(call: NormalisedToolCall, modelEffects = true): Subject[] {
  const effects = modelEffects ? effectsOf(call) : [];
  if (call.kind === 'shell') return call.commands.map((command, index) => withEffects(commandSubject(call, command), effects[index]));
  const base = { tool: call.tool, environment: call.env.environment, truncates: [] };
  if (call.file) {
    const ref = pathRef(call.file.path, call.env.cwd ?? call.env.workspaceRoot, call.env);
    const writes = call.file.access === 'write' ? [ref] : [];
    return [withEffects({ ...base, paths: [ref], reads: [ref], writes, content: call.file.content ?? '', label: `${call.tool} ${call.file.path}` }, effects[0])];
  }
  return [withEffects({ ...base, paths: [], reads: [], writes: [], content: call.content ?? '', label: call.tool }, effects[0])];
}

/** Completes a freshly built subject with its effects in place (one pass, no copy: it runs for every command of every call). */
function withEffects<T extends object>(subject: T, list: readonly Effect[] = []): T & Pick<Subject, 'effects' | 'effectTags' | 'riskyTags' | 'risky'> {
  const effectTags: string[] = [];
  const riskyTags: string[] = [];
  for (const effect of list) {
    const tag = effectTag(effect);
    effectTags.push(tag);
    if (effect.risky) riskyTags.push(tag);
  }
  return Object.assign(subject, { effects: list, effectTags, riskyTags, risky: riskyTags.length > 0 });
}

function commandSubject(call: NormalisedToolCall, command: NormalisedCommand): Omit<Subject, 'effects' | 'effectTags' | 'riskyTags' | 'risky'> {
  return new CommandSubject(call, command);
}

/**
 * A shell command as rules see it. Paths and content are worked out on first use: most commands
 * meet no candidate rule that looks at them, and resolving every argument of every command of a
 * cold call would be spent for nothing.
 */
class CommandSubject implements Omit<Subject, 'effects' | 'effectTags' | 'riskyTags' | 'risky'> {
  readonly tool: string;
  readonly environment: string;
  readonly label: string;
  private pathsMemo?: readonly PathRef[];
  private readsMemo?: readonly PathRef[];
  private writesMemo?: readonly PathRef[];
  private truncatesMemo?: readonly PathRef[];
  private contentMemo?: string;

  constructor(
    private readonly call: NormalisedToolCall,
    readonly command: NormalisedCommand,
  ) {
    this.tool = call.tool;
    this.environment = call.env.environment;
    this.label = command.text || command.assigns.map((assign) => `${assign.name}=…`).join(' ') || 'redirection';
  }

  get paths(): readonly PathRef[] {
    return (this.pathsMemo ??= this.refs(pathArgs(this.command)));
  }

  get reads(): readonly PathRef[] {
    return (this.readsMemo ??= copyDestination(this.command) === undefined ? this.paths : this.refs(pathArgs(this.command, true)));
  }

  get writes(): readonly PathRef[] {
    return (this.writesMemo ??= this.refs(writtenArgs(this.command)));
  }

  get truncates(): readonly PathRef[] {
    const { redirects } = this.command;
    return (this.truncatesMemo ??= redirects.length === 0 ? NO_REFS : this.refs(redirects.filter(isTruncatingRedirect).map((redirect) => redirect.target)));
  }

  get content(): string {
    const { command } = this;
    if (this.contentMemo !== undefined) return this.contentMemo;
    // The assignments, the command line and its stdin, one per line (built without intermediate arrays: this runs for most commands of a cold call).
    let text = '';
    for (const assign of command.assigns) text += `${assign.name}=${assign.value}\n`;
    return (this.contentMemo = `${text}${command.text}\n${command.stdin ?? ''}`);
  }

  private refs(args: readonly string[]): readonly PathRef[] {
    if (args.length === 0) return NO_REFS;
    const { cwd } = this.command;
    const { env } = this.call;
    return args.map((arg) => pathRef(arg, cwd, env));
  }
}

/** `skipDestination`: leave out the positional a copy only writes (see {@link copyDestination}). */
function pathArgs(command: NormalisedCommand, skipDestination = false): string[] {
  const out: string[] = [];
  const skipped = skipDestination ? copyDestination(command) : undefined;
  if (!TEXT_ARGS.has(command.program)) command.positionals.forEach((arg, index) => index === skipped || pushWithDerived(out, arg));
  for (const list of [command.flags, command.globalFlags]) {
    for (const flag of list) {
      const eq = flag.indexOf('=');
      if (eq > 0 && eq < flag.length - 1) pushWithDerived(out, flag.slice(eq + 1));
    }
  }
  for (const redirect of command.redirects) if (!/^(\d+|-)$/.test(redirect.target)) out.push(redirect.target);
  return out;
}

/** `arg`, then what it names besides: `@file` (curl data) and `key=/path` (dd if=, --opt=/path in positionals). */
function pushWithDerived(out: string[], arg: string): void {
  out.push(arg);
  if (arg.startsWith('@') && arg.length > 1) {
    out.push(arg.slice(1));
    return;
  }
  if (!arg.includes('=')) return;
  const kv = /^[A-Za-z_][\w.-]*=(.+)$/.exec(arg);
  if (kv?.[1]) out.push(kv[1]);
}

function writtenArgs(command: NormalisedCommand): string[] {
  const out: string[] = [];
  for (const redirect of command.redirects) if (isWriteRedirect(redirect)) out.push(redirect.target);
  const { program, positionals } = command;
  if (WRITES_OPERANDS.has(program)) out.push(...positionals);
  if (program === 'curl' || program === 'wget') out.push(...flagValues(command, ['--output', '--output-document']));
  if (COPY_LIKE.has(program)) {
    const targets = flagValues(command, ['-t', '--target-directory']);
    out.push(...(targets.length > 0 ? targets : positionals.slice(positionals.length > 1 ? -1 : positionals.length)));
  }
  if (EDITS_IN_PLACE.has(program) && command.flags.some((flag) => flag === '--in-place' || flag === '-i')) {
    const scripted = program === 'perl' || command.flags.some((flag) => /^(-e|-f|--expression|--file)=/.test(flag));
    out.push(...(scripted ? positionals : positionals.slice(1)));
  }
  return out;
}

function flagValues(command: NormalisedCommand, names: readonly string[]): string[] {
  return command.flags.flatMap((flag) => {
    const eq = flag.indexOf('=');
    return eq > 0 && names.includes(flag.slice(0, eq)) ? [flag.slice(eq + 1)] : [];
  });
}

const NO_REFS: readonly PathRef[] = Object.freeze([]);
const UNRESOLVED: PathRef = Object.freeze({ spellings: Object.freeze([]) as readonly string[] });

/** Resolves one argument; anything computed at run time (`$…`) or relative to an unknown cwd is unresolved. */
export function pathRef(arg: string, cwd: string | undefined, env: NormalisedEnv): PathRef {
  const relative = !arg.startsWith('/') && !arg.startsWith('~');
  if (arg.includes('$') || (relative && cwd === undefined)) return UNRESOLVED;
  const resolved = resolvePath(arg, { cwd: cwd ?? env.cwd ?? env.workspaceRoot, home: env.homeDir });
  if (!resolved.ok) return UNRESOLVED;
  return new ResolvedRef(resolved.path, env);
}

/**
 * A resolved path whose spellings are spelled out on first use: most paths of a cold call are
 * turned away by a matcher's literal prefilter on the resolved path alone (see
 * `PathMatcher.rejectsResolved`), and never need the placeholder spellings.
 */
class ResolvedRef implements PathRef {
  private spellingsMemo?: readonly string[];

  constructor(
    readonly resolved: string,
    private readonly env: NormalisedEnv,
  ) {}

  get spellings(): readonly string[] {
    return (this.spellingsMemo ??= spellings(this.resolved, this.env));
  }
}

function spellings(path: string, env: NormalisedEnv): string[] {
  const out = [path];
  addSpelling(out, path, env.workspaceRoot, PATH_TOKENS.workspace);
  addSpelling(out, path, env.homeDir, PATH_TOKENS.home);
  for (const tmp of env.tmpDirs) addSpelling(out, path, tmp, PATH_TOKENS.tmp);
  return out;
}

function addSpelling(out: string[], path: string, root: string, token: string): void {
  const base = root.length > 1 ? root.replace(/\/+$/, '') : '';
  if (path === root || path === base) out.push(token);
  else if (path.startsWith(`${base}/`)) out.push(token + path.slice(base.length));
}
