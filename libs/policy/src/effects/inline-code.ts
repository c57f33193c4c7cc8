import type { NormalisedCommand } from '../normalised.schema';
import type { CommandScope } from './effect-context';
import { wiped, write } from './file-effects';
import { isHistoryPath, isSecretPath } from './path-classes';
import { analyseJavaScript } from './javascript-code';
import { isInterpreter, isShell } from './program-effects';
import { analyseScriptText, type CodeFindings } from './script-code';

/** Effects of a shell line given as a string inside code (`os.system("…")`), from the effect model. */
export type ShellAnalyser = (script: string, scope: CommandScope) => void;

/** The language of an interpreter program, or undefined. */
export function languageOf(program: string): 'js' | 'python' | 'perl' | 'ruby' | 'php' | 'awk' | 'powershell' | 'lua' | 'other' | undefined {
  for (let i = 0; i < LANGUAGES.length; i++) {
    const [pattern, language] = LANGUAGES[i] as (typeof LANGUAGES)[number];
    if (pattern.test(program)) return language;
  }
  return isInterpreter(program) ? 'other' : undefined;
}

/** In the order they are tried (made once: a regex literal in a function is a new object per call). */
const LANGUAGES: readonly (readonly [RegExp, 'js' | 'python' | 'perl' | 'ruby' | 'php' | 'awk' | 'powershell' | 'lua'])[] = [
  [/^(pwsh|powershell)(\.exe)?$/i, 'powershell'],
  [/^(node|nodejs|deno|bun)$/, 'js'],
  [/^(python[0-9.]*|pypy[0-9]*)$/, 'python'],
  [/^perl[0-9.]*$/, 'perl'],
  [/^ruby[0-9.]*$/, 'ruby'],
  [/^php[0-9.]*$/, 'php'],
  [/^(awk|gawk|mawk|nawk|busybox-awk)$/, 'awk'],
  [/^(lua[0-9.]*|luajit)$/, 'lua'],
];

/** The inline code of an interpreter call (`-c`, `-e`, `--eval`, `-r`, awk's program, a here-document), if any. */
export function inlineCodeOf(command: NormalisedCommand, language: string): string | undefined {
  // Every chunk counts (`perl -e 'print 1' -e 'system(…)'` runs both), joined in order.
  const flag = (names: readonly string[]) => {
    const chunks = command.flags.filter((f) => names.some((n) => f.startsWith(`${n}=`))).map((f) => f.slice(f.indexOf('=') + 1));
    return chunks.length > 0 ? chunks.join('\n') : undefined;
  };
  switch (language) {
    case 'python':
      return flag(['-c']) ?? (command.positionals.length === 0 || command.positionals[0] === '-' ? command.stdin : undefined);
    case 'js':
      return flag(['-e', '--eval', '-p', '--print']) ?? (command.positionals.length === 0 || command.positionals[0] === '-' ? command.stdin : undefined);
    case 'lua':
      // Every `-e` chunk runs, in order; unknown to the flag parser, they are the leading operands (all are read: conservative).
      return flag(['-e']) ?? (command.flags.includes('-e') ? command.positionals.join('\n') : command.positionals.length === 0 || command.positionals[0] === '-' ? command.stdin : undefined);
    case 'perl':
    case 'ruby':
      return flag(['-e', '-E']) ?? (command.positionals.length === 0 ? command.stdin : undefined);
    case 'php':
      return command.flags.includes('-r') ? command.positionals[0] : flag(['-r']);
    case 'awk':
      return command.flags.some((f) => f === '-f' || f.startsWith('-f=')) ? undefined : command.positionals[0];
    case 'powershell':
      return flag(['-Command', '-command', '-c', '-C']) ?? (command.positionals.length > 0 ? command.positionals.join(' ') : undefined);
    default:
      return flag(['-c', '-e', '--eval']) ?? (command.flags.some((f) => f === '-c' || f === '-e' || f === '--eval') ? command.positionals[0] : undefined);
  }
}

/**
 * Inline interpreter code: analysed for the same effects as shell commands. JavaScript is parsed
 * (acorn); other languages are recognised conservatively. Code that cannot be understood is
 * `exec:opaque` (risky: it escalates, never allows).
 */
export function inlineCodeEffects(scope: CommandScope, shell: ShellAnalyser): void {
  const { command } = scope;
  const language = languageOf(command.program);
  if (!language) return;
  const code = inlineCodeOf(command, language);
  if (code === undefined) {
    const script = command.positionals[0];
    const readsStdin = (script === undefined || script === '-') && !command.flags.some((f) => /^-(m|-version|V|v|h|-help)(=|$)/.test(f));
    if (readsStdin && command.pipedFrom.length > 0 && language !== 'awk') scope.add('exec', 'stdin', true, { detail: `code from ${command.pipedFrom.join(', ')}` });
    return;
  }
  const modules = command.flags.filter((f) => /^-[Mr]=/.test(f)).map((f) => `use ${f.slice(3)};`).join(' ');
  const findings: CodeFindings = language === 'js' ? analyseJavaScript(code) : analyseScriptText(`${modules} ${code}`, language);
  findings.reads.push(...secretLiterals(code, scope.env.homeDir));
  apply(scope, findings, shell);
}

/** String literals of code that name a key, credential or history file (`open("…/.ssh/id_rsa")`, `Dir.home + "/.netrc"`). */
function secretLiterals(code: string, home: string): string[] {
  const out: string[] = [];
  for (const literal of code.matchAll(/'([^'\n]{0,200})'|"([^"\n]{0,200})"|`([^`\n]{0,200})`/g)) {
    const text = literal[1] ?? literal[2] ?? literal[3] ?? '';
    if (text.length < 3) continue;
    const path = text.startsWith('/') ? text : `${home}/${text.replace(/^~?\/+/, '')}`;
    if (isSecretPath(path) || isHistoryPath(path)) out.push(text.startsWith('/') || text.startsWith('~') ? text : path);
  }
  return out;
}

/**
 * What the output of inline code carries: `env` when it prints the environment (`print(os.environ)`,
 * `console.log(process.env)`), `secret` when it names a key or credential file (what it prints may be
 * that file: `perl -e 'open F,"$ENV{HOME}/.ssh/id_rsa"; print <F>' | nc …`).
 */
export function inlineDataClass(scope: CommandScope): string | undefined {
  const language = languageOf(scope.command.program);
  if (!language) return undefined;
  const code = inlineCodeOf(scope.command, language);
  if (code !== undefined && secretLiterals(code, scope.env.homeDir).length > 0) return 'secret';
  return code !== undefined && /\bos\.environ\b(?!\s*(\.get\s*\(|\[))|\bprocess\.env\b(?!\s*(\.|\[))|%ENV\b|\bENV\.(to_h|inspect|each)|\$_ENV\b|\bgetenv\s*\(\s*\)|\bENVIRON\b(?!\s*\[)/.test(code) ? 'env' : undefined;
}

function apply(scope: CommandScope, findings: CodeFindings, shell: ShellAnalyser): void {
  const via = 'inline-code';
  if (findings.opaque) scope.add('exec', 'opaque', true, { via, detail: findings.opaque.slice(0, 120) });
  else scope.add('exec', 'inline', false, { via });
  for (const script of findings.shell) shell(script, scope);
  for (const path of findings.deletes) addPath(scope, 'delete', path);
  for (const path of findings.writes) if (path === undefined) addPath(scope, 'write', path); else write(scope, path);
  for (const path of findings.reads) if (path !== undefined) scope.read(path);
  if (findings.network) {
    const secret = scope.effects.some((e) => e.kind === 'read' && e.class === 'secret');
    const flows = [findings.env ? 'env' : undefined, secret ? 'secret' : undefined].filter((x): x is string => x !== undefined);
    if (flows.length === 0) scope.add('egress', 'plain', false, { via });
    for (const flow of flows) scope.add('egress', flow, true, { via });
    if (findings.spawns) scope.add('exec', 'remote', true, { via, detail: 'code connects a socket and runs programs (reverse shell)' });
  }
  if (findings.forkLoop) scope.add('process', 'fork-bomb', true, { via });
  if (findings.privilege) scope.add('privilege', findings.privilege, true, { via });
  if (findings.kills) scope.add('process', 'signal', true, { via });
}

function addPath(scope: CommandScope, kind: 'delete' | 'write', path: string | undefined): void {
  if (path === '~') {
    const ref = scope.resolve('~');
    scope.add(kind, 'home', true, { ...(ref.path ? { target: ref.path } : {}), via: 'inline-code' });
    if (kind === 'delete') scope.add('destroy', 'home', true, { ...(ref.path ? { target: ref.path } : {}), via: 'inline-code', detail: 'deletes the home directory' });
    return;
  }
  if (path === undefined) {
    scope.add(kind, 'unknown', true, { via: 'inline-code' });
    return;
  }
  const ref = scope.resolve(path);
  scope.add(kind, ref.location, !(ref.location === 'workspace' || ref.location === 'tmp'), { ...(ref.path ? { target: ref.path } : {}), via: 'inline-code' });
  const wipe = kind === 'delete' ? wiped(scope, ref, path) : undefined;
  if (wipe) scope.add('destroy', wipe, true, { ...(ref.path ? { target: ref.path } : {}), via: 'inline-code' });
}

export { isShell };
