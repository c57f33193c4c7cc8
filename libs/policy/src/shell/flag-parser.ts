import { programSpec, type ProgramSpec } from './program-specs';

/** Arguments of one command split into subcommand, canonical flags and positionals. */
export interface ParsedArgs {
  readonly subcommand?: string;
  /** Flags before the subcommand (`git -c k=v push` → `-c=k=v`). */
  readonly globalFlags: string[];
  /** Canonical flags, `name` or `name=value`, in order of appearance. */
  readonly flags: string[];
  readonly positionals: string[];
}

/** The grammar of a program nobody described: every flag is a plain switch. */
const NO_SPEC: ProgramSpec = {};

interface Cursor {
  readonly args: readonly string[];
  index: number;
}

/**
 * Splits `args` of `program` the way getopt-style tools read them: `--` ends options, `-abc` is
 * `-a -b -c` unless one of them takes a value (then the rest, or the next argument, is it),
 * `--long=value` keeps its value, and aliases map to one canonical spelling.
 */
export function parseArgs(program: string, args: readonly string[]): ParsedArgs {
  const spec = programSpec(program) ?? NO_SPEC;
  const out = { globalFlags: [] as string[], flags: [] as string[], positionals: [] as string[], subcommand: undefined as string | undefined };
  const cursor: Cursor = { args, index: 0 };
  let optionsEnded = false;
  for (; cursor.index < args.length; cursor.index++) {
    const arg = args[cursor.index] ?? '';
    const beforeSub = spec.subcommands === true && out.subcommand === undefined;
    if (optionsEnded || arg === '-' || !arg.startsWith('-')) {
      if (beforeSub) out.subcommand = arg;
      else out.positionals.push(arg);
    } else if (arg === '--') {
      // Kept as a flag: `git checkout -- file` (discard changes) differs from `git checkout branch`.
      optionsEnded = true;
      out.flags.push('--');
    } else {
      const sub = beforeSub ? undefined : out.subcommand;
      const target = beforeSub ? out.globalFlags : out.flags;
      target.push(...readFlag(cursor, arg, spec, sub, beforeSub));
    }
  }
  return out;
}

/** Canonical spelling of one flag name of `program` (used for policy rules too). */
export function canonicalFlag(program: string, subcommand: string | undefined, flag: string): string {
  const spec = programSpec(program);
  if (!spec) return flag;
  const [name = flag, value] = splitValue(flag);
  const canonical = aliasOf(spec, subcommand, name);
  return value === undefined ? canonical : `${canonical}=${value}`;
}

function readFlag(cursor: Cursor, arg: string, spec: ProgramSpec, sub: string | undefined, global: boolean): string[] {
  const values = valueFlags(spec, sub, global);
  if (arg.startsWith('--') || spec.singleDash === true) {
    const [name = arg, inline] = splitValue(arg);
    const value = inline ?? (values.has(name) ? takeNext(cursor) : undefined);
    return [render(aliasOf(spec, sub, name), value)];
  }
  const out: string[] = [];
  for (let i = 1; i < arg.length; i++) {
    const name = `-${arg[i]}`;
    if (values.has(name)) {
      const rest = arg.slice(i + 1);
      out.push(render(aliasOf(spec, sub, name), rest !== '' ? rest : takeNext(cursor)));
      break;
    }
    out.push(aliasOf(spec, sub, name));
  }
  return out;
}

/** Value-taking flags by spec, then by subcommand ('' for none or one without its own list, '\0' for global flags): built once. */
const VALUE_FLAGS = new WeakMap<ProgramSpec, Map<string, ReadonlySet<string>>>();

function valueFlags(spec: ProgramSpec, sub: string | undefined, global: boolean): ReadonlySet<string> {
  const own = !global && sub ? spec.subValue?.[sub] : undefined;
  // Only subcommands the spec lists get an entry of their own, so the memo stays as small as the specs.
  const key = global ? '\0' : own && Object.hasOwn(spec.subValue ?? {}, sub ?? '') ? (sub as string) : '';
  let bySub = VALUE_FLAGS.get(spec);
  if (!bySub) {
    bySub = new Map();
    VALUE_FLAGS.set(spec, bySub);
  }
  const known = bySub.get(key);
  if (known) return known;
  const built = global ? new Set(spec.globalValue ?? []) : new Set([...(spec.globalValue ?? []), ...(spec.value ?? []), ...((key && spec.subValue?.[key]) || [])]);
  bySub.set(key, built);
  return built;
}

function aliasOf(spec: ProgramSpec, sub: string | undefined, name: string): string {
  return (sub && spec.subAliases?.[sub]?.[name]) || spec.aliases?.[name] || name;
}

function takeNext(cursor: Cursor): string | undefined {
  if (cursor.index + 1 >= cursor.args.length) return undefined;
  cursor.index++;
  return cursor.args[cursor.index];
}

function splitValue(flag: string): [string, string | undefined] {
  const eq = flag.indexOf('=');
  return eq > 0 ? [flag.slice(0, eq), flag.slice(eq + 1)] : [flag, undefined];
}

function render(name: string, value: string | undefined): string {
  return value === undefined ? name : `${name}=${value}`;
}
