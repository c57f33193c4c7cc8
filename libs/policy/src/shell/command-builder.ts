import type { NormalisedCommand, Redirect } from '../normalised.schema';
import { parseArgs, type ParsedArgs } from './flag-parser';
import { programName, type Field } from './wrapper-unwrapper';

/** Everything known about one simple command once wrappers are peeled off. */
export interface Invocation {
  readonly argv: readonly Field[];
  readonly assigns: readonly { readonly name: string; readonly value: string }[];
  readonly redirects: readonly Redirect[];
  readonly redirectsUnresolved: boolean;
  readonly stdin?: string;
  readonly variables: readonly string[];
  readonly via: readonly string[];
  readonly inSubstitution: boolean;
  readonly cwd?: string;
  /** Arguments also arrive on stdin (`xargs cmd`). */
  readonly stdinArgs: boolean;
}

/** The words standing for what xargs / find feed in at run time. */
export const STDIN_ARG = '$(xargs)';
/** Stands for the path `find -exec` substitutes for `{}`. */
export const FIND_MATCH = '$(find)';

const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** Builds the canonical command: flags sorted and de-duplicated, git refspecs and dd operands read. */
export function buildCommand(invocation: Invocation): NormalisedCommand {
  const [head, ...rest] = invocation.argv;
  const word = head?.text ?? '';
  const dynamicProgram = (head?.unresolved ?? false) || head?.glob === true;
  const program = dynamicProgram ? word : canonicalProgram(word);
  const args = rest.map((field) => field.text);
  if (invocation.stdinArgs) args.push(STDIN_ARG);
  const parsed = canonicalArgs(program, program === 'find' ? collapseFindExec(args) : args);
  const operands = program === 'dd' ? ddOperands(parsed.positionals) : [];
  const flags = sortedUnique(parsed.flags);
  const globalFlags = sortedUnique(parsed.globalFlags);
  const canonical = renderArgs(parsed, flags, globalFlags);
  // Built key by key in the canonical key order (replies and decision keys serialise it); no spread copies on the hot path.
  const cmd = { program } as { -readonly [K in keyof NormalisedCommand]: NormalisedCommand[K] };
  if (word.includes('/') && !dynamicProgram) cmd.programPath = word;
  cmd.dynamicProgram = dynamicProgram;
  if (parsed.subcommand !== undefined) cmd.subcommand = parsed.subcommand;
  cmd.args = canonical;
  cmd.positionals = parsed.positionals;
  cmd.flags = flags;
  cmd.globalFlags = globalFlags;
  cmd.redirects = operands.length > 0 ? [...invocation.redirects, ...operands] : invocation.redirects.slice();
  cmd.pipedFrom = [];
  cmd.pipedTo = [];
  cmd.viaWrapper = invocation.via.slice();
  cmd.inSubstitution = invocation.inSubstitution;
  cmd.unresolved = dynamicProgram || invocation.stdinArgs || rest.some((field) => field.unresolved) || invocation.redirectsUnresolved;
  cmd.variables = sortedUnique(invocation.variables);
  cmd.assigns = invocation.assigns.slice();
  if (invocation.cwd !== undefined) cmd.cwd = invocation.cwd;
  if (invocation.stdin !== undefined) cmd.stdin = invocation.stdin;
  cmd.text = canonical.length > 0 ? `${program} ${canonical.join(' ')}` : program;
  return cmd;
}

/** `/usr/bin/git` → `git`; `.` is `source`. */
export function canonicalProgram(word: string): string {
  const name = programName(word);
  return name === '.' ? 'source' : name;
}

/** The commands `find … -exec cmd {} ;` runs, with `{}` standing for a found path. */
export function findExecCommands(args: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < args.length; i++) {
    if (!FIND_EXEC.has(args[i] ?? '')) continue;
    const end = findSegmentEnd(args, i + 1);
    out.push(args.slice(i + 1, end).map((arg) => arg.split('{}').join(FIND_MATCH)));
    i = end;
  }
  return out;
}

function canonicalArgs(program: string, args: readonly string[]): ParsedArgs {
  const parsed = parseArgs(program, args);
  return program === 'git' && parsed.subcommand === 'push' ? canonicalPush(parsed) : parsed;
}

/**
 * `git push origin +main`, `HEAD:refs/heads/main` and `:main` say force, target branch and delete
 * in the refspec; rewrite them as `--force` / `--delete` plus the plain branch name.
 */
function canonicalPush(parsed: ParsedArgs): ParsedArgs {
  const [remote, ...specs] = parsed.positionals;
  if (remote === undefined || specs.length === 0) return parsed;
  const flags = [...parsed.flags];
  const refs = specs.map((spec) => {
    let ref = spec;
    if (ref.startsWith('+')) {
      flags.push('--force');
      ref = ref.slice(1);
    }
    const colon = ref.lastIndexOf(':');
    if (colon === 0) flags.push('--delete');
    if (colon >= 0) ref = ref.slice(colon + 1);
    return ref.replace(/^refs\/heads\//, '');
  });
  return { ...parsed, flags, positionals: [remote, ...refs] };
}

function collapseFindExec(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!FIND_EXEC.has(arg)) {
      out.push(arg);
      continue;
    }
    const end = findSegmentEnd(args, i + 1);
    out.push(`${arg}=${args.slice(i + 1, end).join(' ')}`);
    i = end;
  }
  return out;
}

function findSegmentEnd(args: readonly string[], from: number): number {
  for (let j = from; j < args.length; j++) if (args[j] === ';' || args[j] === '+') return j;
  return args.length;
}

function ddOperands(positionals: readonly string[]): Redirect[] {
  return positionals.flatMap((operand): Redirect[] => {
    if (operand.startsWith('of=')) return [{ op: 'of=', target: operand.slice(3) }];
    if (operand.startsWith('if=')) return [{ op: 'if=', target: operand.slice(3) }];
    return [];
  });
}

/** Global flags, subcommand, flags, positionals; `flags` and `globalFlags` already sorted and de-duplicated (and not changed here). */
function renderArgs(parsed: ParsedArgs, flags: readonly string[], globalFlags: readonly string[]): string[] {
  const out = globalFlags.slice();
  if (parsed.subcommand !== undefined) out.push(parsed.subcommand);
  for (const flag of flags) out.push(flag);
  for (const positional of parsed.positionals) out.push(positional);
  return out;
}

/** A sorted copy without duplicates (most lists are empty, one item, or already in order). */
function sortedUnique(values: readonly string[]): string[] {
  let ordered = true;
  for (let i = 1; i < values.length && ordered; i++) ordered = (values[i - 1] as string) < (values[i] as string);
  return ordered ? values.slice() : [...new Set(values)].sort();
}
