import { posix } from 'node:path';

/** What the normaliser knows about a variable at one point of a script. */
export type VariableState = { readonly kind: 'known'; readonly value: string } | { readonly kind: 'ambiguous' };

/** A copy of the walk's state, to compare against after a part that may not have run. */
export interface ScopeSnapshot {
  readonly variables: ReadonlyMap<string, VariableState>;
  readonly cwd: string | undefined;
}

const AMBIGUOUS: VariableState = { kind: 'ambiguous' };

/**
 * Variables and working directory while a script is walked in order. Inside a part that may or
 * may not run (a branch, the right side of `&&`/`||`, a loop or function body) statements still
 * see each other's effects; once it is left, every variable it changed becomes ambiguous and a
 * changed directory unknown — so `if …; then X=rm; else X=ls; fi; $X -rf /` stays suspicious
 * while `cd /tmp/w && rm -rf ./*` still knows where it is.
 */
export class ShellScope {
  private constructor(
    private readonly variables: Map<string, VariableState>,
    private readonly home: string,
    private workingDir: string | undefined,
  ) {}

  /** A fresh scope for a script run in `cwd` by a user whose home is `home`. */
  static create(home: string, cwd: string): ShellScope {
    return new ShellScope(new Map(), home, cwd);
  }

  /** A copy for a subshell, pipeline stage, substitution or nested script: changes do not leak back. */
  clone(): ShellScope {
    return new ShellScope(new Map(this.variables), this.home, this.workingDir);
  }

  get cwd(): string | undefined {
    return this.workingDir;
  }

  get homeDir(): string {
    return this.home;
  }

  /** Runs `walk` as a part that may not run at all. */
  conditionally<T>(walk: () => T): T {
    const before = this.snapshot();
    try {
      return walk();
    } finally {
      this.uncertainSince(before);
    }
  }

  snapshot(): ScopeSnapshot {
    return { variables: new Map(this.variables), cwd: this.workingDir };
  }

  /** Whatever changed since `before` may or may not have happened: make it unknown. */
  uncertainSince(before: ScopeSnapshot): void {
    for (const name of new Set([...before.variables.keys(), ...this.variables.keys()])) {
      if (!sameState(before.variables.get(name), this.variables.get(name))) this.variables.set(name, AMBIGUOUS);
    }
    if (before.cwd !== this.workingDir) this.workingDir = undefined;
  }

  lookup(name: string): VariableState | undefined {
    const state = this.variables.get(name);
    if (state) return state;
    if (name === 'HOME') return { kind: 'known', value: this.home };
    if (name === 'PWD') return this.workingDir === undefined ? AMBIGUOUS : { kind: 'known', value: this.workingDir };
    return undefined;
  }

  /** Records `name=value`; `undefined` means the value is not statically known. */
  assign(name: string, value: string | undefined): void {
    this.variables.set(name, value === undefined ? AMBIGUOUS : { kind: 'known', value });
  }

  unset(name: string): void {
    this.variables.delete(name);
  }

  /** `cd target`; `undefined` (computed or `cd -`) makes the directory unknown. */
  changeDir(target: string | undefined): void {
    if (target === undefined) this.workingDir = undefined;
    else if (target.startsWith('/')) this.workingDir = posix.normalize(target);
    else this.workingDir = this.workingDir === undefined ? undefined : posix.resolve(this.workingDir, target);
  }
}

function sameState(a: VariableState | undefined, b: VariableState | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.kind === 'known' && b.kind === 'known' && a.value === b.value;
}
