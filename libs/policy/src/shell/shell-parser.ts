import { syntax } from 'mvdan-sh';
import { asNode } from './gopher-value';
import { adaptFile } from './shell-ast.adapter';
import type { ShStmt } from './shell-ast';

/** Result of parsing one script: the plain tree, or why it could not be parsed. */
export type ParseOutcome = { readonly ok: true; readonly stmts: ShStmt[] } | { readonly ok: false; readonly error: string };

/** Scripts longer than this are not parsed: the policy fails closed on them instead. */
export const MAX_SCRIPT_CHARS = 65_536;

let parser: ReturnType<typeof syntax.NewParser> | undefined;

/**
 * Parses bash source with mvdan/sh. Never throws: a syntax error, an oversize script or a NUL
 * byte come back as `{ ok: false }` so the caller can fail closed.
 */
export function parseShell(src: string): ParseOutcome {
  if (src.length > MAX_SCRIPT_CHARS) return { ok: false, error: `script longer than ${MAX_SCRIPT_CHARS} characters` };
  if (src.includes('\0')) return { ok: false, error: 'script contains a NUL byte' };
  parser ??= syntax.NewParser();
  let file: unknown;
  try {
    file = parser.Parse(src, 'cmd').__internal_object__;
  } catch (error) {
    return { ok: false, error: parseErrorMessage(error) };
  }
  const node = asNode(file);
  if (!node) return { ok: false, error: 'parser returned no syntax tree' };
  // The adapter copies everything out, so the parser may be reused by nested parses right away.
  return { ok: true, stmts: adaptFile(node) };
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
