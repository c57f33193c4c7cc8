import { syntax } from 'mvdan-sh';
import { asNode } from './gopher-value';
import { adaptFile } from './shell-ast.adapter';
import type { ShStmt } from './shell-ast';

/** Result of parsing one script: the plain tree, or why it could not be parsed. */
export type ParseOutcome = { readonly ok: true; readonly stmts: ShStmt[] } | { readonly ok: false; readonly error: string };

/** Scripts longer than this are not parsed: the policy fails closed on them instead. */
export const MAX_SCRIPT_CHARS = 65_536;

/** Printable ASCII plus tab, newline and carriage return: text GopherJS passes to Go unchanged. */
const PLAIN_ASCII = /^[\t\n\r\x20-\x7e]*$/;

let parser: ReturnType<typeof syntax.NewParser> | undefined;
let direct: DirectParser | null | undefined;

/**
 * Parses bash source with mvdan/sh. Never throws: a syntax error, an oversize script or a NUL
 * byte come back as `{ ok: false }` so the caller can fail closed.
 */
export function parseShell(src: string): ParseOutcome {
  if (src.length > MAX_SCRIPT_CHARS) return { ok: false, error: `script longer than ${MAX_SCRIPT_CHARS} characters` };
  if (src.includes('\0')) return { ok: false, error: 'script contains a NUL byte' };
  parser ??= syntax.NewParser();
  direct ??= directParser(parser);
  let file: unknown;
  try {
    if (direct && PLAIN_ASCII.test(src)) {
      const [parsed, error] = direct.parse(src);
      if (error !== undefined) return { ok: false, error: parseErrorMessage(error) };
      file = parsed;
    } else {
      file = parser.Parse(src, 'cmd').__internal_object__;
    }
  } catch (error) {
    return { ok: false, error: parseErrorMessage(error) };
  }
  const node = asNode(file);
  if (!node) return { ok: false, error: 'parser returned no syntax tree' };
  // The adapter copies everything out, so the parser may be reused by nested parses right away.
  return { ok: true, stmts: adaptFile(node) };
}

interface DirectParser {
  /** The Go `*syntax.File`, or the Go error value. */
  parse(src: string): [unknown, unknown];
}

interface GoInt64 {
  readonly constructor: new (high: number, low: number) => GoInt64;
}

interface GoStringsReader {
  s: string;
  i: GoInt64;
  prevRune: number;
}

interface GoParser {
  readonly src: { readonly $val: GoStringsReader };
  Parse(reader: unknown, name: string): [unknown, unknown];
}

/**
 * Calls the Go parser behind mvdan-sh's JavaScript wrapper, reusing one Go `strings.Reader`.
 * The wrapper's `Parse` wraps every result in a reflective object (`MakeFullWrapper`: a closure
 * and property per field and method of `*File`) that nobody here reads; building it costs a
 * good part of a parse and, worse for latency, keeps young objects alive into the old
 * generation, so every scavenge copies megabytes. Only for plain ASCII text (the wrapper
 * converts anything else to Go's UTF-8 strings first); null when the wrapper's layout is not
 * the one this reads (the wrapper is used then).
 */
function directParser(wrapper: ReturnType<typeof syntax.NewParser>): DirectParser | null {
  try {
    wrapper.Parse('true', 'cmd');
    const inner = (wrapper as unknown as { __internal_object__?: { Parser?: GoParser } }).__internal_object__?.Parser;
    const source = inner?.src;
    const reader = source?.$val;
    if (!inner || !source || !reader || typeof inner.Parse !== 'function' || typeof reader.s !== 'string' || typeof reader.prevRune !== 'number') return null;
    const Int64 = reader.i.constructor;
    const parse = (src: string): [unknown, unknown] => {
      reader.s = src;
      reader.i = new Int64(0, 0);
      reader.prevRune = -1;
      return inner.Parse(source, 'cmd');
    };
    const [, nil] = parse('true');
    const checked = (src: string): [unknown, unknown] => {
      const [file, error] = parse(src);
      return [file, error === nil ? undefined : error];
    };
    return checked('true')[1] === undefined && checked("'")[1] !== undefined ? { parse: checked } : null;
  } catch {
    return null;
  }
}

function parseErrorMessage(error: unknown): string {
  const goError = error as { Error?: unknown; message?: unknown } | null;
  if (goError && typeof goError.Error === 'function') {
    const message: unknown = (goError.Error as () => unknown).call(goError);
    if (typeof message === 'string') return message;
  }
  if (goError && typeof goError.message === 'string') return goError.message;
  return 'syntax error';
}
