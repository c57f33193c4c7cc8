import type { NormalisedCommand, NormalisedEnv } from '../normalised.schema';
import { resolvePath } from '../tool/path-resolver';
import type { Effect, EffectKind } from './effect.schema';
import { globReaches, isHistoryPath, isSecretPath, locationOf, under, type Location } from './path-classes';

const GLOB_CHARS = /[*?[]/;
/** A `..` segment anywhere in a path as written. */
const DOT_DOT_SEGMENT = /(?:^|\/)\.\.(?:\/|$)/;

/** What one shell line has done so far, as seen by the commands after it. */
export interface LineState {
  /** Symbolic links made earlier in the line: link path → target. */
  readonly links: Map<string, string>;
  /** Files written earlier in the line from a download (path → url or program). */
  readonly fetched: Set<string>;
  /** Files written earlier in the line by a redirection, tee or echo. */
  readonly written: Set<string>;
  /** Files written earlier in the line holding sensitive data: path → what (`secret`, `env`, `home`, `system`). */
  readonly tainted: Map<string, string>;
  /** Text of scripts written earlier in the line (here-documents, echo/printf), by path. */
  readonly scripts: Map<string, string>;
  /** Git remotes added or pointed elsewhere earlier in the line (`git remote add x URL`). */
  readonly remotes: Set<string>;
  /** Analyses a shell line for the effects of a command that will run it (set by the effect model). */
  analyse?: (script: string, scope: CommandScope, via: string) => void;
}

export const newLineState = (): LineState => ({ links: new Map(), fetched: new Set(), written: new Set(), tainted: new Map(), scripts: new Map(), remotes: new Set() });

/** A path argument of a command, resolved (through links made earlier in the line) and classified. */
export interface ResolvedArg {
  readonly path?: string;
  readonly location: Location;
  readonly via?: string;
}

/** Resolves and classifies the paths of one command. */
export class CommandScope {
  readonly effects: Effect[] = [];

  constructor(
    readonly command: NormalisedCommand,
    readonly env: NormalisedEnv,
    readonly line: LineState,
    readonly label: string,
    /** The whole shell line as written (some tools' options do not survive canonical flags). */
    readonly source: string = '',
  ) {}

  /** Resolves `arg` like the kernel would, following symlinks made earlier in the line. */
  resolve(arg: string): ResolvedArg {
    const relative = !arg.startsWith('/') && !arg.startsWith('~');
    if (arg.includes('$') || arg === '' || (relative && this.command.cwd === undefined)) return { location: 'unknown' };
    const resolved = resolvePath(arg, { cwd: this.command.cwd ?? this.env.cwd ?? this.env.workspaceRoot, home: this.env.homeDir });
    if (!resolved.ok) return { location: 'unknown' };
    const linked = this.throughLinks(resolved.path);
    const via = linked !== resolved.path ? 'symlink' : DOT_DOT_SEGMENT.test(arg) ? '..' : undefined;
    return { path: linked, location: locationOf(linked, this.env), ...(via ? { via } : {}) };
  }

  private throughLinks(path: string): string {
    for (const [link, target] of this.line.links) {
      if (path === link) return target;
      if (under(path, link)) return `${target.replace(/\/$/, '')}${path.slice(link.length)}`;
    }
    return path;
  }

  add(kind: EffectKind, cls: string, risky: boolean, extra?: { target?: string; via?: string; detail?: string }): void {
    if (this.effects.length >= MAX_EFFECTS_PER_COMMAND) return;
    const target = extra?.target;
    for (const e of this.effects) if (e.kind === kind && e.class === cls && e.target === target) return;
    const effect: Effect = { kind, class: cls, risky, command: this.label };
    // Keys in the order the caller gave them, only those with a value (the reply is compared byte for byte).
    if (extra) for (const key in extra) {
      const value = extra[key as keyof typeof extra];
      if (value !== undefined) (effect as Record<string, unknown>)[key] = value;
    }
    this.effects.push(effect);
  }

  /** Records a read of `arg`; a secret read is `read:secret`. */
  read(arg: string): ResolvedArg {
    const ref = this.resolve(arg);
    const guess = ref.path ?? arg.replace(/^~(?=\/)/, this.env.homeDir).replace(/\$\([^)]*\)|\$\{?\w+\}?|\$\(…\)/g, 'x');
    const globbed = GLOB_CHARS.test(guess) ? globReaches(guess, this.env) : undefined;
    const secret = isSecretPath(guess) || globbed === 'secret';
    const history = !secret && (isHistoryPath(guess) || globbed === 'history');
    const contentRead = !METADATA_ONLY.has(this.command.program);
    const cls = /^\/etc\/g?shadow-?$/.test(guess) ? 'shadow' : secret ? 'secret' : history ? 'history' : ref.location;
    this.add('read', cls, (secret || history) && contentRead, { ...target(ref) });
    return ref;
  }
}

/** Programs that look at a file's name, size or metadata, not its content. */
const METADATA_ONLY = new Set(['ls', 'stat', 'du', 'file', 'wc', 'test', '[', 'realpath', 'readlink', 'dirname', 'basename', 'mkdir', 'touch', 'chmod', 'find', 'exa', 'eza', 'tree']);

/** Bound on effects listed per command (a reply must stay small). */
export const MAX_EFFECTS_PER_COMMAND = 24;

export function target(ref: ResolvedArg): { target?: string; via?: string } {
  return { ...(ref.path ? { target: ref.path } : {}), ...(ref.via ? { via: ref.via } : {}) };
}

/** Flag values by canonical name (`--output=x` → x). */
export function flagValues(command: NormalisedCommand, names: readonly string[]): string[] {
  // A loop without per-flag slices or arrays: it runs several times for every command of a call.
  const out: string[] = [];
  for (const flag of command.flags) {
    const eq = flag.indexOf('=');
    if (eq > 0 && namedBefore(flag, eq, names)) out.push(flag.slice(eq + 1));
  }
  return out;
}

export function hasFlag(command: NormalisedCommand, names: readonly string[]): boolean {
  for (const flag of command.flags) {
    if (names.includes(flag)) return true;
    const eq = flag.indexOf('=');
    if (eq >= 0 && namedBefore(flag, eq, names)) return true;
  }
  return false;
}

/** `flag.slice(0, end)` is one of `names`, without making that slice. */
function namedBefore(flag: string, end: number, names: readonly string[]): boolean {
  for (const name of names) if (name.length === end && flag.startsWith(name)) return true;
  return false;
}
