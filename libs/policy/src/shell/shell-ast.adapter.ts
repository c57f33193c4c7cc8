import { bool, child, children, items, litValue, mapItems, nodeType, num, str, type GoNode } from './gopher-value';
import type { ShAssign, ShCommand, ShRedirOp, ShRedirect, ShStmt, ShWord, ShWordPart } from './shell-ast';

// Operator numbers of mvdan.cc/sh/v3/syntax (token.go), pinned with the package version.
const BINARY_OPS: Readonly<Record<number, '&&' | '||' | '|' | '|&'>> = { 10: '&&', 11: '||', 12: '|', 13: '|&' };
const REDIR_OPS: Readonly<Record<number, ShRedirOp>> = {
  54: '>', 55: '>>', 56: '<', 57: '<>', 58: '<&', 59: '>&', 60: '>|', 61: '<<', 62: '<<-', 63: '<<<', 64: '&>', 65: '&>>',
};
const PROC_SUBST_OUT = 67;
/** Bound on the generic walk through expression trees, so a hostile input cannot blow the stack. */
const MAX_GENERIC_DEPTH = 64;

/** Converts the Go `*syntax.File` behind a parse result into the plain tree. */
export function adaptFile(file: GoNode): ShStmt[] {
  return stmts(file, 'Stmts');
}

function stmts(node: GoNode, field: string): ShStmt[] {
  return mapItems(node, field, stmt);
}

function stmt(node: GoNode): ShStmt {
  const cmd = child(node, 'Cmd');
  return {
    cmd: cmd ? command(cmd) : undefined,
    redirs: mapItems(node, 'Redirs', redirect),
    background: bool(node, 'Background'),
  };
}

function command(node: GoNode): ShCommand {
  const type = nodeType(node);
  switch (type) {
    case 'CallExpr':
      return { type: 'Call', assigns: mapItems(node, 'Assigns', assign), args: mapItems(node, 'Args', word) };
    case 'BinaryCmd':
      return binary(node);
    case 'Subshell':
    case 'Block':
      return { type: 'Block', stmts: stmts(node, 'Stmts'), subshell: type === 'Subshell' };
    case 'DeclClause':
      return { type: 'Decl', variant: litValue(node, 'Variant'), assigns: mapItems(node, 'Args', assign) };
    case 'TimeClause':
      return { type: 'Time', stmt: optionalStmt(node, 'Stmt') };
    case 'ForClause':
      return forClause(node);
    default:
      return compound(node, type);
  }
}

function binary(node: GoNode): ShCommand {
  const x = child(node, 'X');
  const y = child(node, 'Y');
  const op = BINARY_OPS[num(node, 'Op')];
  if (!op || !x || !y) return compound(node, 'BinaryCmd');
  return { type: 'Binary', op, x: stmt(x), y: stmt(y) };
}

function optionalStmt(node: GoNode, field: string): ShStmt | undefined {
  const value = child(node, field);
  return value ? stmt(value) : undefined;
}

function forClause(node: GoNode): ShCommand {
  const loop = child(node, 'Loop');
  if (loop && nodeType(loop) === 'WordIter') {
    return { type: 'Loop', variable: litValue(loop, 'Name'), items: mapItems(loop, 'Items', word), bodies: [stmts(node, 'Do')] };
  }
  return { type: 'Compound', kind: 'for', words: [], bodies: [stmts(node, 'Do')], nested: loop ? nestedIn(loop) : [] };
}

function compound(node: GoNode, type: string): ShCommand {
  switch (type) {
    case 'IfClause':
      return { type: 'Compound', kind: 'if', words: [], bodies: ifBodies(node), nested: [] };
    case 'WhileClause':
      return { type: 'Compound', kind: 'while', words: [], bodies: [stmts(node, 'Cond'), stmts(node, 'Do')], nested: [] };
    case 'CaseClause':
      return caseClause(node);
    case 'FuncDecl':
    case 'CoprocClause': {
      const body = optionalStmt(node, type === 'FuncDecl' ? 'Body' : 'Stmt');
      return { type: 'Compound', kind: type === 'FuncDecl' ? 'function' : 'coproc', words: [], bodies: body ? [[body]] : [], nested: [] };
    }
    default:
      return { type: 'Compound', kind: type, words: [], bodies: [], nested: nestedIn(node) };
  }
}

function ifBodies(node: GoNode): ShStmt[][] {
  const bodies: ShStmt[][] = [];
  for (let clause: GoNode | undefined = node; clause; clause = child(clause, 'Else')) {
    bodies.push(stmts(clause, 'Cond'), stmts(clause, 'Then'));
  }
  return bodies;
}

function caseClause(node: GoNode): ShCommand {
  const subject = child(node, 'Word');
  const caseItems = items(node, 'Items');
  return {
    type: 'Compound',
    kind: 'case',
    words: [...(subject ? [word(subject)] : []), ...caseItems.flatMap((item) => mapItems(item, 'Patterns', word))],
    bodies: caseItems.map((item) => stmts(item, 'Stmts')),
    nested: [],
  };
}

function word(node: GoNode): ShWord {
  return { parts: mapItems(node, 'Parts', wordPart) };
}

function wordPart(node: GoNode): ShWordPart {
  const type = nodeType(node);
  switch (type) {
    case 'Lit':
      return { type: 'Lit', value: str(node, 'Value') };
    case 'SglQuoted':
      return { type: 'SglQuoted', value: str(node, 'Value'), dollar: bool(node, 'Dollar') };
    case 'DblQuoted':
      return { type: 'DblQuoted', parts: mapItems(node, 'Parts', wordPart) };
    case 'ParamExp':
      return paramExp(node);
    case 'CmdSubst':
      return { type: 'CmdSubst', stmts: stmts(node, 'Stmts'), backquotes: bool(node, 'Backquotes') };
    case 'ProcSubst':
      return { type: 'ProcSubst', stmts: stmts(node, 'Stmts'), output: num(node, 'Op') === PROC_SUBST_OUT };
    default:
      return { type: 'Opaque', text: type === 'ArithmExp' ? '$((…))' : '$(…)', nested: nestedIn(node) };
  }
}

function paramExp(node: GoNode): ShWordPart {
  const modifiers = child(node, 'Index') !== undefined || child(node, 'Slice') !== undefined || child(node, 'Repl') !== undefined || child(node, 'Exp') !== undefined;
  const flags = bool(node, 'Excl') || bool(node, 'Length') || bool(node, 'Width') || num(node, 'Names') > 0;
  const plain = !modifiers && !flags;
  return { type: 'ParamExp', name: litValue(node, 'Param'), plain, nested: plain ? [] : nestedIn(node) };
}

function redirect(node: GoNode): ShRedirect {
  const target = child(node, 'Word');
  const hdoc = child(node, 'Hdoc');
  const targetWord = target ? word(target) : { parts: [] };
  return {
    op: REDIR_OPS[num(node, 'Op')] ?? '>',
    fd: litValue(node, 'N') || undefined,
    word: targetWord,
    hdoc: hdoc ? word(hdoc) : undefined,
    hdocQuoted: targetWord.parts.some((part) => part.type !== 'Lit' || part.value.includes('\\')),
  };
}

function assign(node: GoNode): ShAssign {
  const value = child(node, 'Value');
  const array = child(node, 'Array');
  const arrayItems = array ? items(array, 'Elems').flatMap((elem) => optionalWord(elem, 'Value')) : [];
  return {
    name: litValue(node, 'Name'),
    value: value ? word(value) : undefined,
    append: bool(node, 'Append'),
    complex: array !== undefined || child(node, 'Index') !== undefined,
    arrayItems,
  };
}

function optionalWord(node: GoNode, field: string): ShWord[] {
  const value = child(node, field);
  return value ? [word(value)] : [];
}

/** Substitutions anywhere under a node: they run, whatever expression holds them. */
function nestedIn(node: GoNode, depth = 0): ShStmt[] {
  if (depth > MAX_GENERIC_DEPTH) return [];
  const found: ShStmt[] = [];
  for (const next of children(node)) {
    const type = nodeType(next);
    if (type === 'CmdSubst' || type === 'ProcSubst') found.push(...stmts(next, 'Stmts'));
    else if (type === 'Stmt') found.push(stmt(next));
    else found.push(...nestedIn(next, depth + 1));
  }
  return found;
}
