import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as contracts from '@lighthouse/contracts';
import ts from 'typescript';

/** Where a subject is used: a handler's decorator, a bus call, or a subject-shaped string. */
export interface SubjectUse {
  file: string;
  line: number;
  via: string;
  /** The subject, or null when the argument could not be resolved statically. */
  subject: string | null;
}

const HANDLER_DECORATORS = new Set(['MessagePattern', 'EventPattern', 'HandlesRpc']);
const BUS_CALLS = new Set(['subscribe', 'request', 'publish', 'follow']);
const ROOTS: Record<string, unknown> = { SUBJECTS: contracts.SUBJECTS, RPC: contracts.RPC, BUS_EVENTS: contracts.BUS_EVENTS, SERVICE_HEALTH_SUBJECTS: contracts.SERVICE_HEALTH_SUBJECTS };

/** Every `.ts` source file under `dir` that is not a test. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist') return [];
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The subject a definition or a subject string stands for. */
function subjectOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as { subject?: unknown }).subject === 'string') return (value as { subject: string }).subject;
  return null;
}

/** Evaluates `RPC.a.b`, `SUBJECTS.a.b`, an alias of one (`const S = RPC.delegation`), or a literal. */
function evaluate(node: ts.Expression, aliases: Map<string, unknown>): unknown {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isIdentifier(node)) return aliases.has(node.text) ? aliases.get(node.text) : ROOTS[node.text];
  if (ts.isPropertyAccessExpression(node)) {
    const base = evaluate(node.expression, aliases);
    return base && typeof base === 'object' ? (base as Record<string, unknown>)[node.name.text] : undefined;
  }
  if (ts.isAsExpression(node) || ts.isParenthesizedExpression(node)) return evaluate(node.expression, aliases);
  return undefined;
}

/** Top-level `const X = <contract table path>` aliases of a file. */
function aliasesOf(source: ts.SourceFile): Map<string, unknown> {
  const aliases = new Map<string, unknown>();
  for (const statement of source.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    for (const decl of statement.declarationList.declarations) {
      if (!ts.isIdentifier(decl.name) || !decl.initializer) continue;
      const value = evaluate(decl.initializer, aliases);
      if (value && typeof value === 'object') aliases.set(decl.name.text, value);
    }
  }
  return aliases;
}

/** Subject uses of one file's source text. */
export function scanSource(file: string, text: string): SubjectUse[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const aliases = aliasesOf(source);
  const uses: SubjectUse[] = [];
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && node.arguments.length > 0) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
      const isHandler = ts.isIdentifier(callee) && HANDLER_DECORATORS.has(name) && ts.isDecorator(node.parent);
      if (isHandler || (ts.isPropertyAccessExpression(callee) && BUS_CALLS.has(name))) {
        const subject = subjectOf(evaluate(node.arguments[0] as ts.Expression, aliases));
        // A bus call whose argument is a variable is typed (a definition, or a string from the
        // table): only handlers must name their subject where they are declared.
        if (subject !== null || isHandler) uses.push({ file, line: at(node), via: isHandler ? `@${name}` : `.${name}()`, subject });
      }
    }
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && /^lh\.[a-z]/.test(node.text) && !node.text.startsWith('lh.q.')) {
      uses.push({ file, line: at(node), via: 'string', subject: node.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return uses;
}

/** Subject uses of every non-test source of the apps and libs (the contract table itself aside). */
export function scanWorkspace(root: string): SubjectUse[] {
  const files = ['apps', 'libs'].flatMap((dir) => sourceFiles(join(root, dir))).filter((f) => !relative(root, f).startsWith(join('libs', 'contracts')));
  return files.flatMap((file) => scanSource(relative(root, file), readFileSync(file, 'utf8')));
}
