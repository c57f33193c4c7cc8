// Plain, typed shell syntax tree. The adapter builds it from mvdan-sh's Go values in one pass so
// the rest of the normaliser never touches GopherJS objects (slow, and reused between parses).

/** One piece of a shell word, as written. */
export type ShWordPart =
  | { readonly type: 'Lit'; readonly value: string }
  | { readonly type: 'SglQuoted'; readonly value: string; readonly dollar: boolean }
  | { readonly type: 'DblQuoted'; readonly parts: readonly ShWordPart[] }
  | {
      readonly type: 'ParamExp';
      readonly name: string;
      /** `$X` or `${X}` without any operator: the only form we substitute. */
      readonly plain: boolean;
      /** Substitutions nested in the expansion's operands (`${X:-$(cmd)}`), still executed. */
      readonly nested: readonly ShStmt[];
    }
  | { readonly type: 'CmdSubst'; readonly stmts: readonly ShStmt[]; readonly backquotes: boolean }
  | { readonly type: 'ProcSubst'; readonly stmts: readonly ShStmt[]; readonly output: boolean }
  | { readonly type: 'Opaque'; readonly text: string; readonly nested: readonly ShStmt[] };

/** A shell word: the parts written next to each other (`a"b"$c`). */
export interface ShWord {
  readonly parts: readonly ShWordPart[];
}

/** Redirection operators, as bash spells them. */
export type ShRedirOp = '>' | '>>' | '<' | '<>' | '<&' | '>&' | '>|' | '<<' | '<<-' | '<<<' | '&>' | '&>>';

/** One redirection of a statement. */
export interface ShRedirect {
  readonly op: ShRedirOp;
  readonly fd?: string;
  readonly word: ShWord;
  /** Here-document body; `hdocQuoted` when the delimiter was quoted (no expansion inside). */
  readonly hdoc?: ShWord;
  readonly hdocQuoted: boolean;
}

/** `NAME=value`, as a prefix, a statement or in `export`/`declare`. */
export interface ShAssign {
  readonly name: string;
  readonly value?: ShWord;
  readonly append: boolean;
  /** `a[i]=v` or `a=(…)`: never substituted, only scanned for substitutions. */
  readonly complex: boolean;
  readonly arrayItems: readonly ShWord[];
}

/** The command of a statement: a simple call or a compound construct. */
export type ShCommand =
  | { readonly type: 'Call'; readonly assigns: readonly ShAssign[]; readonly args: readonly ShWord[] }
  | { readonly type: 'Binary'; readonly op: '&&' | '||' | '|' | '|&'; readonly x: ShStmt; readonly y: ShStmt }
  | { readonly type: 'Block'; readonly stmts: readonly ShStmt[]; readonly subshell: boolean }
  | { readonly type: 'Decl'; readonly variant: string; readonly assigns: readonly ShAssign[] }
  | { readonly type: 'Time'; readonly stmt?: ShStmt }
  | {
      readonly type: 'Loop';
      readonly variable: string;
      readonly items: readonly ShWord[];
      readonly bodies: readonly (readonly ShStmt[])[];
    }
  | {
      /** if / while / case / function / [[ ]] / (( )) / let / coproc: bodies may or may not run. */
      readonly type: 'Compound';
      readonly kind: string;
      readonly words: readonly ShWord[];
      readonly bodies: readonly (readonly ShStmt[])[];
      readonly nested: readonly ShStmt[];
    };

/** A statement: a command with its redirections. */
export interface ShStmt {
  readonly cmd?: ShCommand;
  readonly redirs: readonly ShRedirect[];
  readonly background: boolean;
}
