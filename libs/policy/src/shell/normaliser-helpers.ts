import type { ShStmt } from './shell-ast';
import type { ShellScope } from './shell-scope';
import { StaticEvaluator } from './static-evaluator';
import { WordEvaluator } from './word-evaluator';
import type { Field } from './wrapper-unwrapper';

// Small pure helpers of the shell normaliser's walk.

/** The stages of a pipeline `a | b | c`, flattened. */
export function pipeStages(stmt: ShStmt): ShStmt[] {
  const cmd = stmt.cmd;
  if (cmd?.type === 'Binary' && (cmd.op === '|' || cmd.op === '|&') && stmt.redirs.length === 0) {
    return [...pipeStages(cmd.x), ...pipeStages(cmd.y)];
  }
  return [stmt];
}

/** The parts of an `a && b && c` chain, in order. */
export function andChain(stmt: ShStmt): ShStmt[] {
  const cmd = stmt.cmd;
  if (cmd?.type === 'Binary' && cmd.op === '&&' && stmt.redirs.length === 0) return [...andChain(cmd.x), ...andChain(cmd.y)];
  return [stmt];
}

/** A word evaluator whose substitutions are evaluated statically against the same scope. */
export function evaluatorFor(scope: ShellScope): WordEvaluator {
  const statics = new StaticEvaluator(scope);
  return new WordEvaluator(scope, (stmts) => statics.output(stmts));
}

/** Scope for `bash -c script $0 $1 …`: a copy with the positional parameters set. */
export function withParams(scope: ShellScope, params: readonly Field[]): ShellScope {
  const inner = scope.clone();
  params.forEach((field, index) => inner.assign(String(index), field.unresolved ? undefined : field.text));
  return inner;
}

/** `NAME=value` → its parts. */
export function splitAssign(text: string): { name: string; value: string } {
  const eq = text.indexOf('=');
  return { name: text.slice(0, eq), value: text.slice(eq + 1) };
}

/** Appends the values not yet present. */
export function addAll(target: string[], values: readonly string[]): void {
  for (const value of values) if (!target.includes(value)) target.push(value);
}
