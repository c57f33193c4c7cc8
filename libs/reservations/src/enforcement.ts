import { posix } from 'node:path';
import { LighthouseError } from '@lighthouse/contracts';
import { effectsOf, type NormalisedToolCall } from '@lighthouse/policy';
import { parsePattern, type ParsedPattern } from './glob-pattern';
import type { Held, ReservationBook } from './reservation-book';

/** A path a call changes: written (that path), or deleted or moved away (`below`: it and everything under it). */
export interface WriteTarget {
  /** Absolute, resolved. */
  readonly path: string;
  readonly below: boolean;
}

/** Most targets one call is checked for (a line that changes more is checked on its first ones and the rest is refused by size elsewhere). */
const MAX_TARGETS = 4096;
const MOVERS = new Set(['mv', 'git-mv']);

/**
 * What a normalised call changes on disk, unbounded by the reply's effect cap: every write and
 * delete of the effect model, and the sources of `mv` (moved away: gone from where they were).
 * Reads are never targets.
 */
export function writeTargetsOf(call: NormalisedToolCall): WriteTarget[] {
  const out: WriteTarget[] = [];
  for (const effect of effectsOf(call).flat()) {
    if ((effect.kind === 'write' || effect.kind === 'delete') && effect.target) out.push({ path: effect.target, below: effect.kind === 'delete' });
    if (out.length >= MAX_TARGETS) return out;
  }
  for (const command of call.commands) {
    const mover = MOVERS.has(command.program) || (command.program === 'git' && command.subcommand === 'mv');
    if (!mover) continue;
    const operands = command.program === 'git' ? command.positionals.slice(1) : command.positionals;
    const cwd = command.cwd ?? call.env.cwd ?? call.env.workspaceRoot;
    for (const source of operands.slice(0, -1)) out.push({ path: posix.resolve(cwd, source), below: true });
  }
  return out.slice(0, MAX_TARGETS);
}

/** The path relative to the workspace root, '' for the root itself, or undefined outside it. */
export function workspacePathOf(absolute: string, root: string): string | undefined {
  const base = root.length > 1 && root.endsWith('/') ? root.slice(0, -1) : root;
  const path = posix.normalize(absolute);
  if (path === base) return '';
  const prefix = base === '/' ? '/' : `${base}/`;
  return path.startsWith(prefix) ? path.slice(prefix.length).replace(/\/$/, '') : undefined;
}

/** What stands in the way of a write: the reservation and the workspace path the call touches. */
export interface HeldAgainst {
  held: Held;
  path: string;
}

export interface EnforcementOptions {
  /** The operator's workspace root (reservation patterns are relative to it). */
  root: string;
  /** Strict: a caller holding nothing on a path may not change it while anyone holds it. */
  strict: boolean;
  now: number;
}

const EVERYTHING = parsePattern('**');

/**
 * The first reservation that forbids `caller` these changes: another live agent's exclusive
 * reservation covering a target, or in strict mode anyone's when the caller holds none covering
 * it. Targets outside the workspace are never reserved.
 */
export function heldAgainst(book: ReservationBook, caller: string, targets: readonly WriteTarget[], options: EnforcementOptions): HeldAgainst | undefined {
  if (book.size === 0) return undefined;
  const { now } = options;
  const live = (h: Held) => h.expiresAtMs > now;
  for (const target of targets) {
    const path = workspacePathOf(target.path, options.root);
    if (path === undefined) continue;
    const { query: q, widened } = queryOf(path);
    const below = target.below || widened;
    const exclusive = book.index.find(q, (h) => h.holder !== caller && h.mode === 'exclusive' && live(h), below);
    if (exclusive) return { held: exclusive, path: path || '.' };
    if (!options.strict) continue;
    if (book.index.find(q, (h) => h.holder === caller && live(h), below)) continue;
    const anyone = book.index.find(q, (h) => h.holder !== caller && live(h), below);
    if (anyone) return { held: anyone, path: path || '.' };
  }
  return undefined;
}

/**
 * The path as a query: its own glob characters (a shell's `rm src/*.ts`) count as a glob; a
 * path the pattern grammar refuses is checked by its nearest directory it accepts (a wider
 * question, never a narrower one); the workspace root is everything.
 */
function queryOf(path: string): { query: ParsedPattern; widened: boolean } {
  for (let p = path; p !== ''; p = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '') {
    try {
      return { query: parsePattern(p), widened: p !== path };
    } catch (error) {
      if (!(error instanceof LighthouseError)) throw error;
    }
  }
  return { query: EVERYTHING, widened: true };
}
