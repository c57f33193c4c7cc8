import { decodeEscapes } from './ansi-c';
import type { ShStmt, ShWord } from './shell-ast';
import type { ShellScope } from './shell-scope';
import { WordEvaluator } from './word-evaluator';

type Call = { readonly args: readonly ShWord[]; readonly stdin?: string };
type Filter = (input: string, args: readonly string[]) => string | undefined;

/** Nested substitutions evaluated statically at most this deep (`$(echo $(echo …))`). */
const MAX_DEPTH = 4;

const FILTERS: Readonly<Record<string, Filter>> = {
  base64: (input, args) => (hasFlag(args, ['-d', '--decode', '-D', '-di', '-id']) ? decodeBase64(input) : undefined),
  xxd: (input, args) => (hasFlag(args, ['-r']) && hasFlag(args, ['-p', '-ps', '-plain']) ? decodeHex(input) : undefined),
  rev: (input) => input.split('\n').map((line) => [...line].reverse().join('')).join('\n'),
  cat: (input, args) => (args.length === 0 ? input : undefined),
};

/**
 * Computes what small, side-effect-free pipelines print: `echo`/`printf` of literals, piped
 * through `base64 -d`, `xxd -r -p`, `rev` or `cat`. This is how `echo cm0gLXJmIC8= | base64 -d |
 * sh` and `$(echo rm) -rf /` are seen for what they run. Anything else is undefined.
 */
export class StaticEvaluator {
  private depth = 0;
  private readonly words: WordEvaluator;

  constructor(scope: ShellScope) {
    this.words = new WordEvaluator(scope, (stmts) => this.output(stmts));
  }

  /** Static stdout of `stmts`, or undefined. */
  output(stmts: readonly ShStmt[]): string | undefined {
    if (this.depth >= MAX_DEPTH || stmts.length !== 1) return undefined;
    this.depth++;
    try {
      const stages = stmts[0] ? pipelineCalls(stmts[0]) : undefined;
      return stages ? this.run(stages) : undefined;
    } finally {
      this.depth--;
    }
  }

  /** Static stdout of a pipeline given as separate stages (what feeds a `| sh`). */
  pipelineOutput(stages: readonly ShStmt[]): string | undefined {
    const calls = stages.map(pipelineCalls);
    if (calls.some((call) => call === undefined)) return undefined;
    return this.run(calls.flatMap((call) => call ?? []));
  }

  private run(stages: readonly Call[]): string | undefined {
    let text: string | undefined;
    for (const [index, stage] of stages.entries()) {
      const argv = this.argv(stage.args);
      if (!argv || argv.length === 0) return undefined;
      const [path = '', ...args] = argv;
      const program = path.slice(path.lastIndexOf('/') + 1);
      const input = index === 0 ? stage.stdin : text;
      text = index === 0 && input === undefined ? source(program, args) : applyFilter(program, args, input);
      if (text === undefined) return undefined;
    }
    return text;
  }

  private argv(words: readonly ShWord[]): string[] | undefined {
    const out: string[] = [];
    for (const word of words) {
      const evaluated = this.words.evaluate(word);
      if (evaluated.unresolved) return undefined;
      out.push(...evaluated.fields);
    }
    return out;
  }
}

function pipelineCalls(stmt: ShStmt): Call[] | undefined {
  const cmd = stmt.cmd;
  if (!cmd || stmt.background) return undefined;
  if (cmd.type === 'Binary' && (cmd.op === '|' || cmd.op === '|&')) {
    const left = pipelineCalls(cmd.x);
    const right = pipelineCalls(cmd.y);
    return left && right ? [...left, ...right] : undefined;
  }
  if (cmd.type !== 'Call' || cmd.assigns.length > 0) return undefined;
  const stdin = hereString(stmt);
  if (stdin === null) return undefined;
  return [{ args: cmd.args, stdin }];
}

/** Literal here-string/here-doc input; null when the stage has any other redirection. */
function hereString(stmt: ShStmt): string | undefined | null {
  let stdin: string | undefined;
  for (const redirect of stmt.redirs) {
    const literal = redirect.word.parts.every((part) => part.type === 'Lit' || part.type === 'SglQuoted');
    if (redirect.op === '<<<' && literal) stdin = `${redirect.word.parts.map((part) => ('value' in part ? part.value : '')).join('')}\n`;
    else if ((redirect.op === '<<' || redirect.op === '<<-') && redirect.hdoc?.parts.every((part) => part.type === 'Lit')) {
      stdin = redirect.hdoc.parts.map((part) => ('value' in part ? part.value : '')).join('');
    } else if (!(redirect.op === '>' && redirect.fd === '2')) return null;
  }
  return stdin;
}

function source(program: string, args: readonly string[]): string | undefined {
  if (program === 'echo') return echo(args);
  if (program === 'printf') return printf(args);
  return undefined;
}

function applyFilter(program: string, args: readonly string[], input: string | undefined): string | undefined {
  const filter = FILTERS[program];
  return filter && input !== undefined ? filter(input, args) : undefined;
}

function echo(args: readonly string[]): string {
  let newline = true;
  let escapes = false;
  let index = 0;
  for (; index < args.length && /^-[neE]+$/.test(args[index] ?? ''); index++) {
    const flags = args[index] ?? '';
    if (flags.includes('n')) newline = false;
    if (flags.includes('e')) escapes = true;
  }
  const text = args.slice(index).join(' ');
  return (escapes ? decodeEscapes(text, true) : text) + (newline ? '\n' : '');
}

function printf(args: readonly string[]): string | undefined {
  const [format, ...values] = args;
  if (format === undefined) return undefined;
  let next = 0;
  let failed = false;
  const out = format.replace(/%(%|s|b)|%[^%sb]?/g, (directive: string, kind: string | undefined) => {
    if (kind === '%') return '%';
    if (kind !== 's' && kind !== 'b') failed = true;
    const value = values[next++] ?? '';
    return kind === 'b' ? decodeEscapes(value, true) : value;
  });
  return failed ? undefined : decodeEscapes(out);
}

function hasFlag(args: readonly string[], accepted: readonly string[]): boolean {
  return args.some((arg) => accepted.includes(arg));
}

function decodeBase64(input: string): string | undefined {
  const compact = input.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact)) return undefined;
  return printable(Buffer.from(compact, 'base64').toString('utf8'));
}

function decodeHex(input: string): string | undefined {
  const compact = input.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(compact)) return undefined;
  return printable(Buffer.from(compact, 'hex').toString('utf8'));
}

/** Decoded bytes count as a script only when they are text. */
function printable(text: string): string | undefined {
  return /[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text) ? undefined : text;
}
