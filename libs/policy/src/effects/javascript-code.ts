import { parse, type Node } from 'acorn';
import { emptyFindings, type CodeFindings } from './script-code';

type AnyNode = Node & Record<string, unknown>;

const SHELL_CALLS = new Set(['exec', 'execSync']);
const SPAWN_CALLS = new Set(['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork']);
const DELETE_CALLS = new Set(['rmSync', 'rmdirSync', 'unlinkSync', 'rm', 'rmdir', 'unlink', 'rimraf', 'removeSync', 'remove', 'emptyDirSync', 'emptyDir']);
const WRITE_CALLS = new Set(['writeFileSync', 'appendFileSync', 'writeFile', 'appendFile', 'createWriteStream', 'symlinkSync', 'symlink', 'chmodSync', 'chmod', 'chownSync', 'truncateSync', 'truncate', 'outputFileSync']);
const WRITE_SECOND = new Set(['copyFileSync', 'copyFile', 'renameSync', 'rename', 'cpSync', 'cp', 'linkSync']);
const READ_CALLS = new Set(['readFileSync', 'readFile', 'createReadStream', 'readdirSync', 'readdir', 'openSync']);
const NETWORK_MODULES = /^(node:)?(net|tls|dgram|http|https|http2|dns)$/;
const OPAQUE_MODULES = /^(node:)?(vm|worker_threads|inspector|module|repl|v8|wasi|cluster)$/;
const KNOWN_MODULES = /^(node:)?(fs|fs\/promises|path|os|util|url|crypto|child_process|process|assert|events|stream|buffer|querystring|readline|zlib|string_decoder|timers|perf_hooks|fs-extra|rimraf)$|^\.{0,2}\/.*\.json$/;

/**
 * JavaScript (node -e/-p, deno, bun) parsed with acorn and walked: child_process calls with
 * literal commands are analysed as shell lines; fs deletes/writes/reads with literal paths get
 * their locations; sockets and fetch are egress (carrying the environment when process.env is
 * read); eval, Function, vm, computed calls and unknown modules make the code opaque.
 */
export function analyseJavaScript(code: string): CodeFindings {
  const out = emptyFindings();
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: 'latest', sourceType: 'script', allowReturnOutsideFunction: true, allowAwaitOutsideFunction: true, allowHashBang: true });
  } catch (error) {
    return { ...out, opaque: `JavaScript that does not parse: ${(error as Error).message}` };
  }
  walk(ast as AnyNode, (node) => visit(node, out, code));
  return out;
}

function visit(node: AnyNode, out: CodeFindings, code: string): void {
  if (node.type === 'CallExpression' || node.type === 'NewExpression') call(node, out, code);
  else if (node.type === 'ImportExpression') moduleUse(literal(node['source'] as AnyNode), out);
  else if (node.type === 'MemberExpression' && name(node['object'] as AnyNode) === 'process' && propertyName(node) === 'env') out.env = true;
  else if (node.type === 'ObjectPattern' || node.type === 'VariableDeclarator') renamedRunner(node, out);
  else if (node.type === 'WhileStatement' || node.type === 'ForStatement') {
    let forks = false;
    walk(node['body'] as AnyNode, (inner) => {
      if (inner.type === 'CallExpression' && /^(fork|spawn|exec|execSync|spawnSync)$/.test(calleeName(inner) ?? '')) forks = true;
    });
    if (forks) out.forkLoop = true;
  }
}

/** `const {execSync: x} = require('child_process')`, `const run = cp.exec`: the call sites no longer say what runs. */
function renamedRunner(node: AnyNode, out: CodeFindings): void {
  const runs = (key: string | undefined) => key !== undefined && (SHELL_CALLS.has(key) || SPAWN_CALLS.has(key));
  if (node.type === 'ObjectPattern') {
    for (const property of (node['properties'] as AnyNode[] | undefined) ?? []) {
      const key = property['key'] as AnyNode | undefined;
      const value = property['value'] as AnyNode | undefined;
      const keyName = key ? (name(key) ?? literal(key)) : undefined;
      if (runs(keyName) && (value?.type !== 'Identifier' || name(value) !== keyName)) out.opaque = `runs ${keyName ?? 'a command'} under another name`;
    }
    return;
  }
  const init = node['init'] as AnyNode | undefined;
  const id = node['id'] as AnyNode | undefined;
  if (init?.type === 'MemberExpression' && runs(propertyName(init)) && (id?.type !== 'Identifier' || name(id) !== propertyName(init))) out.opaque = `runs ${propertyName(init) ?? 'a command'} under another name`;
}

function call(node: AnyNode, out: CodeFindings, code: string): void {
  const callee = node['callee'] as AnyNode;
  const args = (node['arguments'] as AnyNode[] | undefined) ?? [];
  const fn = calleeName(node);
  if (callee.type === 'MemberExpression' && callee['computed'] && literal(callee['property'] as AnyNode) === undefined) {
    out.opaque = 'calls a computed property';
    return;
  }
  if (fn === 'require') return moduleUse(args[0] ? literal(args[0]) : undefined, out);
  if (fn === 'eval' || fn === 'Function' || fn === 'setTimeout' && args[0]?.type !== 'ArrowFunctionExpression' && args[0]?.type !== 'FunctionExpression' && args[0] !== undefined) {
    out.opaque = `${fn} of computed code`;
    return;
  }
  if (fn === undefined) return;
  if (SHELL_CALLS.has(fn)) shellArg(args[0], out);
  else if (SPAWN_CALLS.has(fn)) spawnArgs(args, out);
  else if (DELETE_CALLS.has(fn)) out.deletes.push(args[0] ? (literal(args[0]) ?? homeOf(args[0], code)) : undefined);
  else if (WRITE_CALLS.has(fn)) out.writes.push(args[0] ? literal(args[0]) : undefined);
  else if (WRITE_SECOND.has(fn)) out.writes.push(args[1] ? literal(args[1]) : undefined);
  else if (READ_CALLS.has(fn)) out.reads.push(args[0] ? literal(args[0]) : undefined);
  else if (fn === 'fetch' || fn === 'connect' || fn === 'createConnection' || fn === 'request' && args.length > 0) out.network = true;
  else if (fn === 'kill' && name((callee['object'] as AnyNode | undefined) ?? callee) === 'process') out.kills = true;
  else if (fn === 'setuid' || fn === 'setgid' || fn === 'chroot') out.privilege = 'setuid';
}

function moduleUse(module: string | undefined, out: CodeFindings): void {
  if (module === undefined) out.opaque = 'requires a computed module';
  else if (NETWORK_MODULES.test(module)) out.network = true;
  else if (OPAQUE_MODULES.test(module)) out.opaque = `uses ${module}`;
  else if (/child_process/.test(module)) out.spawns = true;
  else if (!KNOWN_MODULES.test(module)) out.opaque = `requires ${module}`;
}

function shellArg(arg: AnyNode | undefined, out: CodeFindings): void {
  out.spawns = true;
  const text = arg ? literal(arg) : undefined;
  if (text === undefined) out.opaque = 'runs a command computed at run time';
  else out.shell.push(text);
}

function spawnArgs(args: AnyNode[], out: CodeFindings): void {
  out.spawns = true;
  const program = args[0] ? literal(args[0]) : undefined;
  const list = args[1]?.type === 'ArrayExpression' ? ((args[1]['elements'] as AnyNode[]) ?? []).map((el) => literal(el)) : [];
  if (program === undefined || list.some((item) => item === undefined)) {
    out.opaque = 'spawns a program computed at run time';
    return;
  }
  out.shell.push([program, ...(list as string[])].map((word) => `'${word.replace(/'/g, `'\\''`)}'`).join(' '));
}

/** `~` when the argument names the home directory (`os.homedir()`, `process.env.HOME`). */
function homeOf(arg: AnyNode, code: string): string | undefined {
  const text = code.slice(arg.start, arg.end);
  return /^(require\(\s*['"](node:)?os['"]\s*\)|os)\.homedir\(\)$|^process\.env\.HOME$|^process\.env\[\s*['"]HOME['"]\s*\]$/.test(text) ? '~' : undefined;
}

/** A string literal or a template without expressions; undefined when computed. */
function literal(node: AnyNode): string | undefined {
  if (node.type === 'Literal' && typeof node['value'] === 'string') return node['value'];
  if (node.type === 'TemplateLiteral' && (node['expressions'] as unknown[]).length === 0) {
    const quasis = node['quasis'] as { value: { cooked: string } }[];
    return quasis.map((q) => q.value.cooked).join('');
  }
  return undefined;
}

function calleeName(node: AnyNode): string | undefined {
  const callee = node['callee'] as AnyNode;
  return callee.type === 'MemberExpression' ? propertyName(callee) : name(callee);
}

function propertyName(member: AnyNode): string | undefined {
  const property = member['property'] as AnyNode;
  return member['computed'] ? literal(property) : name(property);
}

function name(node: AnyNode): string | undefined {
  return node.type === 'Identifier' ? (node['name'] as string) : undefined;
}

function walk(node: AnyNode, fn: (node: AnyNode) => void): void {
  fn(node);
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (Array.isArray(value)) for (const child of value) if (child && typeof child === 'object' && typeof (child as AnyNode).type === 'string') walk(child as AnyNode, fn);
    if (value && typeof value === 'object' && !Array.isArray(value) && typeof (value as AnyNode).type === 'string') walk(value as AnyNode, fn);
  }
}
