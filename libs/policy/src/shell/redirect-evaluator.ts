import type { Redirect } from '../normalised.schema';
import type { ShRedirect } from './shell-ast';
import type { Substitution, WordEvaluator } from './word-evaluator';

/** The redirections of one statement, expanded. */
export interface EvaluatedRedirects {
  readonly redirects: Redirect[];
  readonly unresolved: boolean;
  /** Here-document / here-string text fed to the command's stdin. */
  readonly stdin?: string;
  readonly variables: string[];
  readonly substitutions: Substitution[];
}

/** Expands redirection targets and here-documents with the statement's evaluator. */
export function evaluateRedirects(redirs: readonly ShRedirect[], words: WordEvaluator): EvaluatedRedirects {
  const out = {
    redirects: [] as Redirect[],
    unresolved: false,
    stdin: undefined as string | undefined,
    variables: [] as string[],
    substitutions: [] as Substitution[],
  };
  for (const redirect of redirs) {
    const isHeredoc = redirect.op === '<<' || redirect.op === '<<-';
    const evaluated = isHeredoc && redirect.hdoc
      ? words.evaluateHeredoc(redirect.hdoc, redirect.hdocQuoted)
      : words.evaluateJoined(redirect.word);
    out.unresolved ||= evaluated.unresolved;
    out.variables.push(...evaluated.variables);
    out.substitutions.push(...evaluated.substitutions);
    if (isHeredoc) out.stdin = evaluated.text;
    else if (redirect.op === '<<<') out.stdin = `${evaluated.text}\n`;
    else out.redirects.push({ op: redirect.op, ...(redirect.fd !== undefined ? { fd: redirect.fd } : {}), target: evaluated.text });
  }
  return out;
}

/** Operators that open their target for writing. */
const WRITE_OPS: ReadonlySet<string> = new Set(['>', '>>', '>|', '&>', '&>>', '<>', 'of=']);
/** Operators that truncate their target first. */
const TRUNCATE_OPS: ReadonlySet<string> = new Set(['>', '>|', '&>']);

/** True when the redirection writes a file (`>&2` duplicates a descriptor and writes none). */
export function isWriteRedirect(redirect: Redirect): boolean {
  if (redirect.op === '>&') return !/^(\d+|-)$/.test(redirect.target);
  return WRITE_OPS.has(redirect.op);
}

/** True when the redirection empties its target (`> file`, `&> file`, `>& file`). */
export function isTruncatingRedirect(redirect: Redirect): boolean {
  if (redirect.op === '>&') return isWriteRedirect(redirect);
  return TRUNCATE_OPS.has(redirect.op);
}
