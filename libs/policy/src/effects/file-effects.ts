import { isWriteRedirect } from '../shell/redirect-evaluator';
import { flagValues, hasFlag, target, type CommandScope, type ResolvedArg } from './effect-context';
import { isAccountFile, isHistoryPath, isLogPath, persistenceOf, type Location } from './path-classes';

/** Programs whose arguments are text, not paths. */
const TEXT_ARGS = new Set(['echo', 'printf', 'true', 'false', ':', 'export', 'local', 'declare', 'readonly', 'typeset', 'alias',
  'kill', 'pkill', 'killall', 'git', 'npm', 'pnpm', 'yarn', 'docker', 'podman', 'kubectl', 'helm', 'redis-cli', 'psql', 'mysql',
  'grep', 'rg', 'egrep', 'fgrep', 'test', '[', 'expr', 'seq', 'sleep', 'date', 'gh', 'aws', 'gcloud', 'az', 'terraform', 'sqlite3', 'mongosh', 'mongo']);
const DELETERS = new Set(['rm', 'rmdir', 'unlink', 'shred', 'srm', 'wipe']);
const COPY_LIKE = new Set(['cp', 'mv', 'install', 'ln', 'rsync', 'ditto']);
const WRITES_OPERANDS = new Set(['tee', 'truncate', 'touch', 'chmod', 'chown', 'chgrp', 'chattr', 'setfacl', 'setcap']);
const SAFE_WRITE: ReadonlySet<Location> = new Set(['workspace', 'tmp']);

/** Reads, writes and deletes of one command, with their locations. */
export function fileEffects(scope: CommandScope): void {
  const { command } = scope;
  if (!TEXT_ARGS.has(command.program)) for (const arg of readOperands(scope)) scope.read(arg);
  for (const redirect of command.redirects) {
    if (/^(\d+|-)$/.test(redirect.target) || redirect.op === '<<' || redirect.op === '<<-' || redirect.op === '<<<') continue;
    if (isWriteRedirect(redirect)) {
      const producer = command.program === 'echo' || command.program === 'printf' || command.program === 'cat';
      const fetched = command.pipedFrom.some((from) => DOWNLOADERS_PIPE.test(from));
      // Whatever a redirection writes may be run later in the line (`base64 -d > s; sh s`): it is `written` at least.
      const ref = write(scope, redirect.target, fetched ? 'fetched' : 'written');
      if (producer && ref.path) scope.line.scripts.set(ref.path, scriptText(command));
    }
    else if (redirect.op === '<' || redirect.op === 'if=') scope.read(redirect.target);
  }
  searchedSecretDirs(scope);
  for (const arg of writtenOperands(scope)) write(scope, arg);
  for (const arg of deletedOperands(scope)) remove(scope, arg);
}

const SEARCHERS = /^(grep|egrep|fgrep|rg|ag|ack|ugrep|git-grep)$/;

/** `grep -r password ~/.config`, `rg token ~`: a search through a directory that holds secrets reads them. */
function searchedSecretDirs(scope: CommandScope): void {
  const { command } = scope;
  if (!SEARCHERS.test(command.program)) return;
  const recursive = command.program !== 'grep' && command.program !== 'egrep' && command.program !== 'fgrep' || hasFlag(command, ['--recursive', '-r', '-R', '--dereference-recursive', '-d=recurse', '--directories=recurse']);
  if (!recursive) return;
  for (const arg of command.positionals) {
    const ref = scope.resolve(arg);
    if (ref.path !== undefined && holdsSecrets(ref.path, scope.env.homeDir)) scope.add('read', 'secret', true, { ...target(ref), detail: 'searches a directory that holds keys or credentials' });
  }
}

/** Directories whose tree holds keys, credential stores or process environments. */
function holdsSecrets(path: string, home: string): boolean {
  const base = home.replace(/\/+$/, '');
  if (path === '/' || path === base || path === '/root' || path === '/home' || /^\/(etc|etc\/(ssh|ssl|ssl\/private|sudoers\.d)|proc|proc\/[^/]+|(var\/)?run(\/secrets.*)?)$/.test(path)) return true;
  const inHome = path.startsWith(`${base}/`) ? path.slice(base.length + 1) : /^\/root\//.test(path) ? path.slice(6) : /^\/home\/[^/]+\//.test(path) ? path.replace(/^\/home\/[^/]+\//, '') : undefined;
  return inHome !== undefined && /^\.(ssh|aws|config|kube|docker|gnupg|password-store|azure|terraform\.d|cursor|lighthouse)(\/|$)/.test(inHome);
}

const DOWNLOADERS_PIPE = /^(curl|wget|fetch|aria2c|http|https|xh|nc|ncat|netcat|socat)$/;

/** What echo/printf/cat put into a file: here-document input, or the words (printf's `\n` decoded). */
function scriptText(command: CommandScope['command']): string {
  if (command.stdin !== undefined) return command.stdin;
  const words = command.program === 'printf' ? command.positionals.slice(0, 1) : command.positionals;
  return words.join(' ').replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

/** Programs that read their source operands and only write the last one (when no `-t DIR` names the destination). */
const COPIES = new Set(['cp', 'mv', 'install', 'rsync', 'ditto']);

/**
 * Index among the positionals of the destination of a copy (`cp a b` → 1): written, not read.
 * Undefined for anything else, for a single operand, and under `-t`/`--target-directory`
 * (every positional is a source then).
 */
export function copyDestination(command: CommandScope['command']): number | undefined {
  if (!COPIES.has(command.program) || command.positionals.length < 2) return undefined;
  if (command.flags.some((flag) => flag.startsWith('-t=') || flag.startsWith('--target-directory=') || flag === '-t' || flag === '--target-directory')) return undefined;
  return command.positionals.length - 1;
}

function readOperands(scope: CommandScope): string[] {
  const { command } = scope;
  const out: string[] = [];
  const destination = copyDestination(command);
  for (const [index, arg] of command.positionals.entries()) {
    if (index === destination) continue;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) continue;
    out.push(arg.startsWith('@') && arg.length > 1 ? arg.slice(1) : arg.replace(/^[A-Za-z_][\w.-]*=(?=[/~.])/, ''));
  }
  for (const flag of command.flags) {
    const value = flag.slice(flag.indexOf('=') + 1);
    if (flag.includes('=') && /^@?[/~.]/.test(value)) out.push(value.replace(/^@/, '').replace(/^[A-Za-z_][\w.-]*=@?/, ''));
  }
  return out.filter((arg) => arg !== '-' && arg !== '');
}

function writtenOperands(scope: CommandScope): string[] {
  const { command } = scope;
  const { program, positionals } = command;
  const out: string[] = [];
  if (program === 'tee' && command.pipedFrom.some((from) => DOWNLOADERS_PIPE.test(from))) for (const arg of positionals) write(scope, arg, 'fetched');
  if (WRITES_OPERANDS.has(program)) out.push(...positionals.filter((arg, i) => !(['chmod', 'chown', 'chgrp', 'setfacl', 'setcap', 'chattr'].includes(program) && i === 0)));
  if (program === 'curl' || program === 'wget') out.push(...flagValues(command, ['--output', '--output-document', '-O']));
  if (COPY_LIKE.has(program) && program !== 'ln') {
    const targets = flagValues(command, ['-t', '--target-directory']);
    out.push(...(targets.length > 0 ? targets : positionals.slice(positionals.length > 1 ? -1 : positionals.length)));
  }
  if ((program === 'sed' || program === 'perl') && hasFlag(command, ['--in-place', '-i', '-pi'])) out.push(...positionals.slice(program === 'sed' && !hasFlag(command, ['-e', '--expression', '-f']) ? 1 : 0));
  if (program === 'dd') out.push(...command.redirects.filter((r) => r.op === 'of=').map((r) => r.target));
  if (program === 'tar' && /x/.test(positionals[0] ?? '') || (program === 'tar' && hasFlag(command, ['-x', '--extract']))) out.push(...flagValues(command, ['-C', '--directory']));
  if (program === 'unzip') out.push(...flagValues(command, ['-d']));
  return out;
}

function deletedOperands(scope: CommandScope): string[] {
  const { command } = scope;
  const { program, positionals } = command;
  if (program === 'rm' && command.viaWrapper.includes('xargs') && command.stdin !== undefined) return [...positionals.filter((p) => !p.startsWith('$')), ...command.stdin.split(/\s+/).filter(Boolean).slice(0, 16)];
  if (DELETERS.has(program)) return positionals;
  if (program === 'find' && hasFlag(command, ['-exec', '-execdir']) && /-exec(dir)?\s+(\S*\/)?(rm|shred|truncate|unlink)\b/.test(scope.source)) return positionals.filter((arg) => /^[/~]/.test(arg)).slice(0, 4);
  if (program === 'find' && hasFlag(command, ['-delete'])) return positionals.filter((arg) => /^[/~.]|^\$/.test(arg)).slice(0, 4).concat(positionals.length === 0 ? ['.'] : []);
  if (program === 'rsync' && command.flags.some((flag) => flag.startsWith('--delete'))) return positionals.slice(-1);
  if (program === 'mv' && positionals.at(-1) === '/dev/null') return positionals.slice(0, -1);
  // `mv /etc/passwd /tmp/p`: a system file moved away is gone from where it was needed.
  if (program === 'mv' && positionals.length >= 2) return positionals.slice(0, -1).filter((arg) => ['system', 'root', 'device', 'proc'].includes(scope.resolve(arg).location));
  return [];
}

const LIFECYCLE = /\b(pre|post)?(install|prepare|prepublish|publish|pack|uninstall)(Only)?\b["']?\s*[:=\]]/;
/** Content that downloads and runs code, or opens a shell to the network. */
export const RUNS_FETCHED = /(curl|wget)[^\n|]*\|\s*(sudo\s+)?(ba|z|da)?sh\b|base64\s+(-d|--decode)|nc\s+-e|\/dev\/tcp\/|bash\s+-i/;
/** Persisted content that is plainly hostile: fetched and run, hidden in tmp, wired to the network. */
export const MALICIOUS = new RegExp(`${RUNS_FETCHED.source}|/(tmp|var/tmp|dev/shm)/\\.|nohup\\s+/(tmp|var/tmp|dev/shm)/`);

/** A home directory, `/home`, `/root` or a top-level system directory itself (or `dir/*`): `home` or `system-dir`. */
export function wiped(scope: CommandScope, ref: ResolvedArg, arg: string): 'home' | 'system-dir' | undefined {
  const path = ref.path;
  if (path === undefined) return undefined;
  const base = path.replace(/\/\*$/, '');
  const home = scope.env.homeDir.replace(/\/$/, '');
  if (base === home || /^\/(home|root)(\/[^/]+)?$/.test(base)) return 'home';
  if (base === '' || path === '/*') return 'system-dir';
  if (/^\/(bin|boot|dev|etc|lib|lib32|lib64|libx32|opt|proc|sbin|srv|sys|usr|var|mnt|media|snap)$/.test(base)) return 'system-dir';
  return arg === '/*' ? 'system-dir' : undefined;
}

/** A delete outside the workspace and tmp needs a judge when it is recursive or forced, or hits a directory that matters. */
function sweeping(scope: CommandScope, ref: ResolvedArg): boolean {
  const { command } = scope;
  if (command.program !== 'rm' && command.program !== 'unlink' && command.program !== 'rmdir') return true;
  if (hasFlag(command, ['--recursive', '--force', '-r', '-R', '-f', '--no-preserve-root'])) return true;
  if (ref.location === 'root' || ref.location === 'device' || ref.location === 'proc' || ref.location === 'unknown' || ref.location === 'workspace-root') return true;
  if (ref.via === 'symlink') return true;
  return ref.path !== undefined && (/^\/(home\/[^/]+|root)(\/\.[^/]+)?(\/|$)/.test(ref.path) || /^\/[^/]+$/.test(ref.path) || isLogPath(ref.path) || persistenceOf(ref.path) !== undefined);
}

/** A write: its location, and whether it persists, grants privilege or destroys logs. */
export function write(scope: CommandScope, arg: string, origin?: 'written' | 'fetched'): ResolvedArg {
  const ref = scope.resolve(arg);
  const extra = target(ref);
  scope.add('write', ref.location, !SAFE_WRITE.has(ref.location), extra);
  const persistence = persistenceOf(ref.path);
  if (persistence) scope.add('persistence', persistence, persistence !== 'ci' || RUNS_FETCHED.test(scope.command.text), extra);
  const lifecycle = /(^|\/)package\.json$/.test(ref.path ?? '') && LIFECYCLE.test(scope.command.text);
  const fromTmp = COPY_LIKE.has(scope.command.program) && scope.command.positionals.slice(0, -1).some((p) => /^\/(tmp|var\/tmp|dev\/shm)\//.test(p));
  if ((persistence || lifecycle) && (MALICIOUS.test(`${scope.command.text}\n${scope.command.stdin ?? ''}\n${scope.source}`) || (persistence && fromTmp))) scope.add('persistence', 'malicious', true, { ...extra, detail: 'persists code that is fetched, hidden or wired to the network' });
  if (isHistoryPath(ref.path)) scope.add('system', 'tracks', true, { ...extra, detail: 'shell history overwritten' });
  if (/(^|\/)package\.json$/.test(ref.path ?? '') && LIFECYCLE.test(scope.command.text)) scope.add('persistence', 'lifecycle-script', true, extra);
  if (isAccountFile(ref.path)) scope.add('privilege', 'account-file', true, extra);
  if (isLogPath(ref.path)) scope.add('destroy', 'logs', true, extra);
  if (ref.location === 'device') scope.add('destroy', 'disk', true, extra);
  if (ref.path === '/proc/sysrq-trigger') scope.add('system', 'power', true, extra);
  else if (ref.path?.startsWith('/proc/sys')) scope.add('system', 'kernel', true, extra);
  if (ref.path && origin) (origin === 'fetched' ? scope.line.fetched : scope.line.written).add(ref.path);
  return ref;
}

function remove(scope: CommandScope, arg: string): void {
  const ref = scope.resolve(arg);
  const extra = target(ref);
  scope.add('delete', ref.location, !SAFE_WRITE.has(ref.location) && sweeping(scope, ref), extra);
  const wipe = wiped(scope, ref, arg);
  if (wipe) scope.add('destroy', wipe, true, { ...extra, detail: 'deletes a home or a system directory (or everything in it)' });
  if (isLogPath(ref.path)) scope.add('destroy', 'logs', true, extra);
  const persistence = persistenceOf(ref.path);
  if (persistence === 'git-hooks' || persistence === 'guard') scope.add('persistence', persistence, true, extra);
}
