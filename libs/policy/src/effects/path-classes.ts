import type { NormalisedEnv } from '../normalised.schema';

/** Where a resolved path lies, from the agent's point of view. */
export type Location = 'workspace' | 'workspace-root' | 'tmp' | 'home' | 'system' | 'root' | 'device' | 'proc' | 'unknown';

const HARMLESS_DEVICES = /^\/dev\/(null|zero|u?random|stdout|stderr|stdin|tty|full|fd\/[0-2]|pts\/\d+)$/;

/** The location class of an absolute, canonical path (or `unknown`). */
export function locationOf(path: string | undefined, env: NormalisedEnv): Location {
  if (path === undefined) return 'unknown';
  if (path === '/') return 'root';
  if (path === env.workspaceRoot) return 'workspace-root';
  if (under(path, env.workspaceRoot)) return 'workspace';
  if (env.tmpDirs.some((tmp) => under(path, tmp))) return 'tmp';
  if (path === env.homeDir || under(path, env.homeDir) || /^\/(home\/[^/]+|root)(\/|$)/.test(path)) return 'home';
  if (path.startsWith('/dev/')) return HARMLESS_DEVICES.test(path) ? 'tmp' : 'device';
  if (/^\/(proc|sys)(\/|$)/.test(path)) return 'proc';
  return 'system';
}

/** True when `path` is strictly below `root`. */
export function under(path: string, root: string): boolean {
  const base = root.endsWith('/') ? root : `${root}/`;
  return root !== '/' && path.startsWith(base) && path.length > base.length;
}

const SECRET_PATHS: readonly RegExp[] = [
  /\/\.ssh\/(?!.*\.pub$)(id_[^/]*|[^/]*_key|[^/]*\.pem)$/,
  /\/\.aws\/(credentials|config)$/,
  /\/\.config\/(gcloud|gh|hub|doctl|lighthouse)\//,
  /\/\.azure\//,
  /\/\.kube\/config$/,
  /\/\.docker\/config\.json$/,
  /\/\.(netrc|npmrc|pypirc|git-credentials|vault-token|pgpass|my\.cnf|s3cfg|boto)$/,
  /\/\.(gnupg|password-store)(\/|$)/,
  /\/\.cursor\/mcp\.json$/,
  /\/\.terraform\.d\/credentials/,
  /\/\.env(\.(?!example$|sample$|template$|dist$|defaults$)[^/]*)?$/,
  /^\/proc\/[^/]+\/(environ|mem|maps|cmdline)$/,
  /^\/etc\/(shadow|gshadow|sudoers|security\/opasswd)(-|\.d(\/|$)|$)/,
  /^\/(var\/)?run\/secrets(\/|$)/,
  /\.(pem|key|p12|pfx|jks|keystore|kdbx)$/,
  /\/\.lighthouse\/dev-secrets\.json$/,
  /\/(credentials|secrets?)\.(json|ya?ml|toml)$/,
  /\/\.password$|\.passwords?$/,
];

const HISTORY = /\/\.(bash|zsh|sh|python|psql|mysql|node_repl|sqlite|rediscli)_?history$|\/\.history$|\/\.lesshst$/;

/** Whether reading this path exposes a secret (keys, credential stores, `.env`, process environments). */
export function isSecretPath(path: string | undefined): boolean {
  return path !== undefined && SECRET_PATHS.some((pattern) => pattern.test(path));
}

/** Shell and REPL history: may hold secrets; reading it locally is ordinary, sending it is not. */
export function isHistoryPath(path: string | undefined): boolean {
  return path !== undefined && HISTORY.test(path);
}

const PERSISTENCE_PATHS: readonly [RegExp, string][] = [
  [/\/\.(bashrc|bash_profile|bash_login|bash_logout|profile|zshrc|zprofile|zshenv|zlogin|cshrc|tcshrc|kshrc|mkshrc|inputrc)$/, 'shell-rc'],
  [/\/\.config\/fish\//, 'shell-rc'],
  [/^\/etc\/(profile|profile\.d\/.*|bash\.bashrc|environment|zsh\/.*|ld\.so\.preload)$/, 'shell-rc'],
  [/^\/etc\/(cron|anacrontab)|^\/var\/spool\/(cron|anacron)/, 'cron'],
  [/^\/(etc|lib|usr\/lib|run)\/systemd\/|\/\.config\/systemd\/|^\/etc\/(init\.d|rc\.local|init)\//, 'service'],
  [/\/\.ssh\/(authorized_keys2?|rc|config)$|^\/etc\/ssh\//, 'ssh'],
  [/\/\.git\/(hooks(\/|$)|config$)|\/\.githooks\/|\/\.husky\/(?!_\/)[^/]+$/, 'git-hooks'],
  [/\/\.config\/autostart\/|\/Library\/Launch(Agents|Daemons)\//, 'autostart'],
  [/\/\.(vimrc|exrc|emacs|gitconfig)$|\/\.(vim|emacs\.d)\/|\/\.config\/(nvim|git)\//, 'editor'],
  [/\/\.github\/workflows\/|\/\.gitlab-ci\.yml$|\/\.circleci\/|\/Jenkinsfile$|\/\.buildkite\//, 'ci'],
  [/\/\.claude\/(settings(\.local)?\.json|hooks\/)|\/\.mcp\.json$|\/\.claude\.json$/, 'guard'],
];

/** The persistence class of a written path (`shell-rc`, `cron`, `ssh`, …) or undefined. */
export function persistenceOf(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  return PERSISTENCE_PATHS.find(([pattern]) => pattern.test(path))?.[1];
}

/** System account and privilege files: writing them grants access. */
export function isAccountFile(path: string | undefined): boolean {
  return path !== undefined && /^\/etc\/(passwd|shadow|group|gshadow|sudoers(\.d(\/.*)?)?|doas\.conf|pam\.d\/.*|security\/.*)$/.test(path);
}

/** Logs and the bridge's own event log: destroying them covers tracks. */
export function isLogPath(path: string | undefined): boolean {
  return path !== undefined && (/^\/var\/log(\/|$)/.test(path) || /\/\.lighthouse\/events(\/|$)/.test(path));
}

/** Globs with more wildcard runs than this are taken to reach a secret (they are not analysed). */
const MAX_GLOB_STARS = 6;

/** Files a glob may stand for that are secrets (or history), wherever a glob could reach them. */
function secretExamples(env: NormalisedEnv): readonly (readonly [string, 'secret' | 'history'])[] {
  const homes = [env.homeDir.replace(/\/+$/, ''), '/root'];
  const inHome = ['.ssh/id_rsa', '.ssh/id_ed25519', '.ssh/id_ecdsa', '.ssh/id_dsa', '.aws/credentials', '.aws/config', '.config/gcloud/credentials.db',
    '.config/gh/hosts.yml', '.azure/accessTokens.json', '.kube/config', '.docker/config.json', '.netrc', '.npmrc', '.pypirc', '.git-credentials',
    '.vault-token', '.pgpass', '.my.cnf', '.gnupg/private-keys-v1.d/key.key', '.password-store/site.gpg', '.cursor/mcp.json', '.env'];
  const out: (readonly [string, 'secret' | 'history'])[] = [];
  for (const home of homes) {
    for (const file of inHome) out.push([`${home}/${file}`, 'secret']);
    for (const file of ['.bash_history', '.zsh_history', '.python_history', '.psql_history']) out.push([`${home}/${file}`, 'history']);
  }
  for (const file of ['/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/proc/1/environ', '/proc/self/environ', '/run/secrets/token',
    '/var/run/secrets/kubernetes.io/serviceaccount/token', `${env.workspaceRoot.replace(/\/+$/, '')}/.env`]) out.push([file, 'secret']);
  return out;
}

/**
 * What a path glob (`~/.ss?/id_*`, `/etc/sha*`, `/proc/*\/environ`) can stand for: `secret` or
 * `history` when it matches a well-known secret or history file, else undefined. The shell
 * expands it at run time, so the literal text says nothing by itself.
 */
export function globReaches(glob: string, env: NormalisedEnv): 'secret' | 'history' | undefined {
  // Each `*` is a backtracking point of the native regex below: past a few, judge without it.
  if ((glob.match(/\*+/g) ?? []).length > MAX_GLOB_STARS) return 'secret';
  let source = '^';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] ?? '';
    if (ch === '*') {
      source += '[^/]*';
      while (glob[i + 1] === '*') i++;
    } else if (ch === '?') source += '[^/]';
    else if (ch === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close < 0) source += '\\[';
      else {
        const body = glob.slice(i + 1, close).replace(/^!/, '^').replace(/\\/g, '\\\\').replace(/\]/g, '\\]');
        source += `[${body}]`;
        i = close;
      }
    } else source += ch.replace(/[.+^${}()|\\/]/g, (c) => `\\${c}`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(`${source}$`);
  } catch {
    return 'secret';
  }
  let found: 'secret' | 'history' | undefined;
  for (const [path, kind] of secretExamples(env)) {
    if (!regex.test(path)) continue;
    if (kind === 'secret') return 'secret';
    found = 'history';
  }
  return found;
}
