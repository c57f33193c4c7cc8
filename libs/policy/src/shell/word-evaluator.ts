import { decodeEscapes } from './ansi-c';
import { expandBraces } from './brace-expansion';
import type { ShStmt, ShWord, ShWordPart } from './shell-ast';
import { FieldState } from './field-state';
import type { ShellScope } from './shell-scope';

/** A command run by a word: `$(…)`/backticks ('cmd'), `<(…)` ('proc-in') or `>(…)` ('proc-out'). */
export interface Substitution {
  readonly stmts: readonly ShStmt[];
  readonly kind: 'cmd' | 'proc-in' | 'proc-out';
}

/** One word after expansion, quote removal and field splitting. */
export interface EvaluatedWord {
  readonly fields: string[];
  /** Some part could not be known statically; it is rendered as `$NAME`, `$(…)`, … */
  readonly unresolved: boolean;
  /** An unquoted `*`, `?` or `[` makes it a pathname pattern (its expansion is unknown). */
  readonly glob: boolean;
  readonly variables: string[];
  readonly substitutions: Substitution[];
}

/** Static stdout of a substitution (`$(echo rm)`), or undefined when it cannot be known. */
export type StaticOutput = (stmts: readonly ShStmt[]) => string | undefined;

/** 'split': unquoted word; 'whole': unquoted but never split (assignments); 'quoted': inside "…". */
type Mode = 'split' | 'whole' | 'quoted';

/** $@, $*, $#, $?, $$, $!, $-: never static. Positional $0…$9 are, inside `bash -c '…' a b`. */
const SPECIAL_PARAM = /^[@*#?$!-]$/;
const TILDE = /^~([A-Za-z0-9_.-]*)(?=\/|$)/;
/** `*`, `?` or a closed `[…]` not escaped by a backslash (a lone `[` is the test command). */
const UNESCAPED_GLOB = /(^|[^\\])([*?]|\[[^\]]*\])/;
/** Shared, frozen lists of a plain literal word (its readers only read them; a write would throw). */
const NO_VARIABLES = Object.freeze([]) as unknown as string[];
const NO_SUBSTITUTIONS = Object.freeze([]) as unknown as Substitution[];
/** A literal word holding none of these is its own single field: no tilde, escape, brace list or pattern. */
const PLAIN_LITERAL_STOP = /[~\\{*?[]|^$/;

/**
 * Evaluates words the way bash expands them, as far as that is static: quotes, escapes,
 * $'…', known variables (with field splitting when unquoted), tilde, brace lists and
 * substitutions whose output is a literal. Anything else is kept visible as unresolved text.
 */
export class WordEvaluator {
  constructor(
    private readonly scope: ShellScope,
    private readonly staticOutput: StaticOutput,
  ) {}

  evaluate(word: ShWord): EvaluatedWord {
    const only = word.parts.length === 1 ? word.parts[0] : undefined;
    // Most words are one plain unquoted literal (`git`, `-n`, `src/app.ts`): nothing to expand.
    if (only?.type === 'Lit' && !PLAIN_LITERAL_STOP.test(only.value)) return { fields: [only.value], unresolved: false, glob: false, variables: NO_VARIABLES, substitutions: NO_SUBSTITUTIONS };
    const braced = this.braceExpanded(word);
    if (braced) return braced;
    const state = new FieldState();
    word.parts.forEach((part, index) => this.part(part, state, 'split', index === 0));
    return state.finish();
  }

  /** The word as one string, without field splitting (assignment values, here-strings, `-c`). */
  evaluateJoined(word: ShWord): { readonly text: string } & Omit<EvaluatedWord, 'fields'> {
    const state = new FieldState();
    word.parts.forEach((part, index) => this.part(part, state, 'whole', index === 0));
    const result = state.finish();
    return { ...result, text: result.fields.join(' ') };
  }

  /** A here-document body: literal when the delimiter was quoted, else expanded like "…". */
  evaluateHeredoc(body: ShWord, quoted: boolean): Omit<EvaluatedWord, 'fields'> & { readonly text: string } {
    if (quoted) return { text: body.parts.map(rawText).join(''), unresolved: false, glob: false, variables: [], substitutions: [] };
    return this.evaluateJoined({ parts: [{ type: 'DblQuoted', parts: body.parts }] });
  }

  private braceExpanded(word: ShWord): EvaluatedWord | undefined {
    const only = word.parts.length === 1 ? word.parts[0] : undefined;
    if (only?.type !== 'Lit' || !only.value.includes('{') || only.value.includes('\\')) return undefined;
    const words = expandBraces(only.value);
    if (words.length < 2) return undefined;
    const fields = words.map((text) => unescapeUnquoted(this.tilde(text)));
    return { fields, unresolved: false, glob: fields.some((field) => UNESCAPED_GLOB.test(field)), variables: [], substitutions: [] };
  }

  private part(part: ShWordPart, state: FieldState, mode: Mode, first: boolean): void {
    switch (part.type) {
      case 'Lit':
        if (mode !== 'quoted' && UNESCAPED_GLOB.test(part.value)) state.glob = true;
        return state.literal(mode === 'quoted' ? unescapeDoubleQuoted(part.value) : unescapeUnquoted(first ? this.tilde(part.value) : part.value));
      case 'SglQuoted':
        return state.literal(part.dollar ? decodeEscapes(part.value) : part.value);
      case 'DblQuoted':
        state.literal('');
        return part.parts.forEach((inner) => this.part(inner, state, 'quoted', false));
      case 'ParamExp':
        return this.param(part, state, mode);
      case 'CmdSubst':
        return this.commandSubstitution(part.stmts, state, mode);
      case 'ProcSubst':
        state.substitutions.push({ stmts: part.stmts, kind: part.output ? 'proc-out' : 'proc-in' });
        return state.literal('/dev/fd/63');
      case 'Opaque':
        state.substitutions.push(...part.nested.map((stmt) => ({ stmts: [stmt], kind: 'cmd' as const })));
        return state.unresolvedText(part.text);
    }
  }

  private param(part: Extract<ShWordPart, { type: 'ParamExp' }>, state: FieldState, mode: Mode): void {
    state.variables.push(part.name);
    state.substitutions.push(...part.nested.map((stmt) => ({ stmts: [stmt], kind: 'cmd' as const })));
    // `rm${IFS}-rf${IFS}/`: bash never imports IFS from the environment, so unset it is space, tab, newline.
    if (part.plain && part.name === 'IFS' && this.scope.lookup('IFS') === undefined) return mode === 'split' ? state.splittable(' \t\n') : state.literal(' \t\n');
    const known = part.plain && !SPECIAL_PARAM.test(part.name) ? this.scope.lookup(part.name) : undefined;
    if (known?.kind === 'known') return mode === 'split' ? this.split(known.value, state) : state.literal(known.value);
    state.unresolvedText(part.plain ? `$${part.name}` : `\${${part.name}…}`);
  }

  private commandSubstitution(stmts: readonly ShStmt[], state: FieldState, mode: Mode): void {
    state.substitutions.push({ stmts, kind: 'cmd' });
    const output = this.staticOutput(stmts);
    if (output === undefined) return state.unresolvedText('$(…)');
    const trimmed = output.replace(/\n+$/, '');
    return mode === 'split' ? this.split(trimmed, state) : state.literal(trimmed);
  }

  /** Field splitting on the default IFS; once a script sets IFS, how words split is not static. */
  private split(text: string, state: FieldState): void {
    if (this.scope.lookup('IFS') === undefined) return state.splittable(text);
    state.unresolvedText(text);
  }

  private tilde(text: string): string {
    return text.replace(TILDE, (whole, user: string) => {
      if (user === '') return this.scope.homeDir;
      if (user === '+') return this.scope.cwd ?? whole;
      return user === 'root' ? '/root' : `/home/${user}`;
    });
  }
}

/** Quote removal for unquoted text: a backslash keeps the next character, `\<newline>` vanishes. */
export function unescapeUnquoted(text: string): string {
  return text.includes('\\') ? text.replace(/\\(\n|[\s\S])?/g, (_, next: string | undefined) => (next === '\n' ? '' : (next ?? ''))) : text;
}

/** Inside "…" a backslash only escapes $ ` " \ and newline. */
function unescapeDoubleQuoted(text: string): string {
  return text.includes('\\') ? text.replace(/\\([$`"\\\n])/g, (_, next: string) => (next === '\n' ? '' : next)) : text;
}

function rawText(part: ShWordPart): string {
  if (part.type === 'Lit' || part.type === 'SglQuoted') return part.value;
  if (part.type === 'DblQuoted') return part.parts.map(rawText).join('');
  return '';
}
