import { SHELLS, WRAPPERS, type WrapperSpec } from './wrapper-specs';

/** One word of a command line after expansion; `unresolved` when not statically known. */
export interface Field {
  readonly text: string;
  readonly unresolved: boolean;
  /** An unquoted pathname pattern: as a command name it is as unknown as a variable. */
  readonly glob?: boolean;
}

/** What a wrapper runs: another argv, a script to parse, or nothing we can see. */
export type UnwrapStep =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'exec';
      readonly wrapper: string;
      readonly argv: readonly Field[];
      readonly env: readonly Field[];
      readonly stdinArgs: boolean;
    }
  | { readonly kind: 'script'; readonly wrapper: string; readonly script: Field; readonly params: readonly Field[] };

interface Scan {
  index: number;
  scriptFlag: boolean;
  script?: Field;
  split?: Field;
  noExec: boolean;
  seen: Set<string>;
  readonly values: Map<string, string>;
  readonly env: Field[];
}

/** Basename of a command word: `/usr/bin/git` → `git`. */
export function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** If `argv` is a known wrapper, what it runs. */
export function unwrap(argv: readonly Field[]): UnwrapStep {
  const head = argv[0];
  if (!head || head.unresolved || head.glob) return { kind: 'none' };
  const wrapper = programName(head.text);
  const spec = WRAPPERS[wrapper];
  if (!spec) return { kind: 'none' };
  const scan = scanOptions(argv, spec);
  return decide(argv, spec, wrapper, scan);
}

function decide(argv: readonly Field[], spec: WrapperSpec, wrapper: string, scan: Scan): UnwrapStep {
  if (scan.script) return { kind: 'script', wrapper, script: scan.script, params: [] };
  if (scan.split) return { kind: 'script', wrapper, script: scan.split, params: [] };
  const rest = argv.slice(scan.index);
  if (spec.shell) {
    const [script, ...params] = rest;
    return scan.scriptFlag && script ? { kind: 'script', wrapper, script, params } : { kind: 'none' };
  }
  if (spec.join) return rest.length > 0 ? { kind: 'script', wrapper, script: joinFields(rest), params: [] } : { kind: 'none' };
  const blocked = spec.execNeeds !== undefined && (spec.execNeeds === 'never' || !scan.seen.has(spec.execNeeds));
  if (scan.noExec || blocked || rest.length === 0) return { kind: 'none' };
  if (spec.parallel) {
    const step = parallelScript(rest, wrapper, scan);
    if (step) return step;
  }
  const inner = spec.stdinArgs ? replaceInput(rest, scan) : rest;
  return { kind: 'exec', wrapper, argv: inner, env: scan.env, stdinArgs: spec.stdinArgs === true };
}

/** `xargs -I{} sh -c 'rm {}'`: the replacement token stands for stdin input, unknown here. */
function replaceInput(argv: readonly Field[], scan: Scan): readonly Field[] {
  const token = scan.values.get('-I') ?? scan.values.get('--replace') ?? (scan.seen.has('-i') ? '{}' : undefined);
  if (!token) return argv;
  return argv.map((field) => (field.text.includes(token) ? { text: field.text.split(token).join('$(xargs)'), unresolved: true } : field));
}

/** `:::` and `:::+` give arguments; `::::` and `::::+` name files whose lines are arguments. */
const PARALLEL_INPUT = /^::::?\+?$/;
/** At most this many argument runs of one parallel line are judged. */
const PARALLEL_RUNS = 16;

/**
 * GNU parallel runs its command through a shell once per argument, the argument put in place of
 * `{}` or appended (shell-quoted); with no command each argument is a command line itself
 * (`parallel ::: 'rm -rf ~'`). Without `:::` the arguments come from stdin, like xargs.
 */
function parallelScript(rest: readonly Field[], wrapper: string, scan: Scan): UnwrapStep | undefined {
  const at = rest.findIndex((field) => PARALLEL_INPUT.test(field.text));
  if (at < 0) return undefined;
  const command = rest.slice(0, at);
  const inputs: Field[] = [];
  let fromFiles = false;
  let group = rest[at]?.text ?? ':::';
  for (const field of rest.slice(at + 1)) {
    if (PARALLEL_INPUT.test(field.text)) group = field.text;
    else if (group.startsWith('::::')) fromFiles = true;
    else inputs.push(field);
  }
  const token = scan.values.get('-I') ?? scan.values.get('--replace') ?? '{}';
  const head = command.map((field) => field.text).join(' ');
  const runs = inputs.slice(0, PARALLEL_RUNS).map((input) => {
    const arg = command.length === 0 || input.unresolved || input.glob ? input.text : shellQuote(input.text);
    if (command.length === 0) return arg;
    return head.includes(token) ? head.split(token).join(arg) : `${head} ${arg}`;
  });
  if (fromFiles && command.length > 0) runs.push(head.includes(token) ? head.split(token).join('$(xargs)') : `${head} $(xargs)`);
  if (runs.length === 0) return { kind: 'none' };
  const unresolved = fromFiles || command.some((field) => field.unresolved) || inputs.some((field) => field.unresolved);
  return { kind: 'script', wrapper, script: { text: runs.join('\n'), unresolved }, params: [] };
}

function shellQuote(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.split("'").join("'\\''")}'`;
}

function scanOptions(argv: readonly Field[], spec: WrapperSpec): Scan {
  const scan: Scan = { index: 1, scriptFlag: false, noExec: false, seen: new Set(), values: new Map(), env: [] };
  const values = new Set(spec.value ?? []);
  for (; scan.index < argv.length; scan.index++) {
    const field = argv[scan.index] as Field;
    if (field.text === '--') {
      scan.index++;
      break;
    }
    if (spec.env && /^[A-Za-z_][A-Za-z0-9_]*=/.test(field.text)) scan.env.push(field);
    else if (isOption(field.text, spec)) readOption(argv, scan, spec, values);
    else break;
  }
  scan.index += spec.leading ?? 0;
  if (spec.scanAll && !scan.script) scan.script = lookAheadScript(argv.slice(scan.index), spec);
  return scan;
}

/** `su root -c cmd`, `flock FILE -c cmd`: the script option may follow positionals. */
function lookAheadScript(rest: readonly Field[], spec: WrapperSpec): Field | undefined {
  for (const [index, field] of rest.entries()) {
    const names = spec.scriptValue ?? [];
    if (names.includes(field.text)) return rest[index + 1];
    const long = names.find((name) => name.startsWith('--') && field.text.startsWith(`${name}=`));
    if (long) return { text: field.text.slice(long.length + 1), unresolved: field.unresolved };
  }
  return undefined;
}

function isOption(text: string, spec: WrapperSpec): boolean {
  if (text.length < 2) return false;
  return text.startsWith('-') || (spec.shell === true && text.startsWith('+'));
}

function readOption(argv: readonly Field[], scan: Scan, spec: WrapperSpec, values: ReadonlySet<string>): void {
  const text = (argv[scan.index] as Field).text;
  if (text.startsWith('--')) {
    const eq = text.indexOf('=');
    const name = eq > 0 ? text.slice(0, eq) : text;
    const inline = eq > 0 ? { text: text.slice(eq + 1), unresolved: (argv[scan.index] as Field).unresolved } : undefined;
    const takes = values.has(name) || spec.scriptValue?.includes(name) || spec.splitValue?.includes(name);
    record(scan, spec, name, takes ? (inline ?? next(argv, scan)) : undefined);
    return;
  }
  for (let i = 1; i < text.length; i++) {
    const name = `${text[0]}${text[i]}`;
    if (spec.shell && name === '-c') scan.scriptFlag = true;
    const takes = values.has(name) || spec.scriptValue?.includes(name) || spec.splitValue?.includes(name);
    if (takes) {
      const rest = text.slice(i + 1);
      record(scan, spec, name, rest ? { text: rest, unresolved: (argv[scan.index] as Field).unresolved } : next(argv, scan));
      return;
    }
    record(scan, spec, name, undefined);
  }
}

function record(scan: Scan, spec: WrapperSpec, name: string, value: Field | undefined): void {
  scan.seen.add(name);
  if (value) scan.values.set(name, value.text);
  if (spec.noExec?.includes(name)) scan.noExec = true;
  if (value && spec.scriptValue?.includes(name)) scan.script = value;
  if (value && spec.splitValue?.includes(name)) scan.split = value;
}

function next(argv: readonly Field[], scan: Scan): Field | undefined {
  if (scan.index + 1 >= argv.length) return undefined;
  scan.index++;
  return argv[scan.index];
}

function joinFields(fields: readonly Field[]): Field {
  return { text: fields.map((field) => field.text).join(' '), unresolved: fields.some((field) => field.unresolved) };
}

/**
 * True when `program` with these arguments reads its script from stdin: a shell with no `-c` and
 * no script file (or `-s`, `-`, `/dev/stdin`), or `source /dev/stdin`.
 */
export function readsScriptFromStdin(program: string, args: readonly string[]): boolean {
  if (program === 'source' || program === '.') return args[0] === '/dev/stdin' || args[0] === '-';
  if (!SHELLS.has(program)) return false;
  const positional = args.find((arg) => !isOption(arg, WRAPPERS[program] ?? {}));
  if (args.some((arg) => /^-[a-zA-Z]*c/.test(arg) && !arg.startsWith('--'))) return false;
  return positional === undefined || positional === '-' || positional === '/dev/stdin' || args.some((arg) => /^-[a-zA-Z]*s/.test(arg));
}
