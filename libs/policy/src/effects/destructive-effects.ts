import { flagValues, type CommandScope } from './effect-context';

const SQL_DESTRUCTIVE = /\b(drop\s+(database|schema|table|index|view|user|role|keyspace|collection)|truncate\s+(table\s+)?[\w"`[]|delete\s+from\s+[\w."`[\]]+\s*(;|$|"|')|update\s+[\w."`[\]]+\s+set\s+[^;]*?(;|$)(?<!where[^;]*)|alter\s+table\s+\S+\s+drop)/i;
const SQL_DELETE_ALL = /\bdelete\s+from\s+[\w."`[\]]+\s*(;|$|"|'|\))/i;
const SQL_UPDATE = /\bupdate\s+[\w."`[\]]+\s+set\s+([^;]*)/gi;
const MONGO_DESTRUCTIVE = /\.(dropDatabase|drop|deleteMany\s*\(\s*\{\s*\}|remove\s*\(\s*\{\s*\}|dropIndexes)\s*\(?/;
const REDIS_DESTRUCTIVE = /(^|\s|["'])(flushall|flushdb|shutdown|debug\s+(segfault|sleep)|config\s+set|del|unlink|script\s+flush|cluster\s+reset|swapdb)(\s|$|["'])/i;
const DB_CLIENTS = /^(psql|pgcli|mysql|mariadb|mycli|sqlite3|sqlcmd|mongo|mongosh|clickhouse-client|clickhouse|cockroach|duckdb|cqlsh|sqlplus|isql|bq|snowsql|usql|influx|litecli)$/;
const CACHE_CLIENTS = /^(redis-cli|valkey-cli|keydb-cli|memcflush|memccat)$/;

/** Every program a branch below looks at (the rest only matter when they feed a database or cache client). */
const DESTRUCTIVE_PROGRAMS: readonly RegExp[] = [
  /^(kubectl|oc|k|helm|docker|podman|nerdctl|docker-compose|podman-compose|terraform|tofu|terragrunt|pulumi|dropdb|dropuser|mysqladmin|nc|ncat|netcat|telnet|socat|echo|printf|npm|pnpm|yarn|cargo|gem|gh|restic|borg|git|bfg|git-filter-repo)$/,
  /^(aws|gcloud|az|doctl|gsutil|oci|ibmcloud|linode-cli|hcloud|heroku|fly|flyctl|vercel|netlify|firebase|s3cmd|rclone|b2|mc)$/,
  /^(rails|rake|bin\/rails|npx|prisma|python[0-9.]*|php|artisan|manage\.py|pnpm|yarn|npm|bundle|sequelize|knex|typeorm)$/,
  DB_CLIENTS,
  CACHE_CLIENTS,
];

// Tests of the program name, made once here rather than a new RegExp per command (a literal in a function body is a new object at every evaluation).
const CONTAINER_CLIS = /^(docker|podman|nerdctl)$/;
const CLOUD_CLIS = /^(aws|gcloud|az|doctl|gsutil|oci|ibmcloud|linode-cli|hcloud|heroku|fly|flyctl|vercel|netlify|firebase|s3cmd|rclone|b2|mc)$/;
const DB_ADMIN_TOOLS = /^(dropdb|dropuser|mysqladmin)$/;
const FRAMEWORK_TOOLS = /^(rails|rake|bin\/rails|npx|prisma|python[0-9.]*|php|artisan|manage\.py|pnpm|yarn|npm|bundle|sequelize|knex|typeorm)$/;
const RAW_SOCKET_OR_PRINT = /^(nc|ncat|netcat|telnet|socat|echo|printf)$/;
const PRINTERS = /^(echo|printf)$/;
const PYTHON = /^python[0-9.]*$/;
const NODE_PACKAGE_MANAGERS = /^(npm|pnpm|yarn)$/;
const CARGO_OR_GEM = /^(cargo|gem)$/;
const HISTORY_REWRITERS = /^(bfg|git-filter-repo)$/;
const GIT_HISTORY_REWRITES = /^(filter-branch|filter-repo)$/;
const VERB_LIKE = /^[a-z][\w:-]*$/;
const ONE_POD = /^(po|pod|pods)\/[\w.-]+$/;
const KUBECTL_DESTRUCTIVE_VERBS = /^(delete|drain|replace|cordon|taint)$/;
const CONTAINER_FORCE_VERBS = /^(rm|rmi|kill)$/;
const CONTAINER_STOP_VERBS = /^(rm|rmi|stop|kill)$/;

function gated(program: string): boolean {
  for (const gate of DESTRUCTIVE_PROGRAMS) if (gate.test(program)) return true;
  return false;
}
const isVerbLike = (word: string): boolean => VERB_LIKE.test(word);
const inputText = (command: CommandScope['command']): string => `${command.text}\n${command.stdin ?? ''}`;
const destroy = (scope: CommandScope, cls: string, detail: string): void => scope.add('destroy', cls, true, { detail });

function someMatch(words: readonly string[], pattern: RegExp): boolean {
  for (const word of words) if (pattern.test(word)) return true;
  return false;
}

/** The SQL text is destructive: drops, truncates, deletes or updates without a condition. */
export function isDestructiveSql(text: string): boolean {
  if (/\b(drop\s+(database|schema|table|keyspace|collection|user|role)|truncate\s+(table\s+)?[\w"`[]|alter\s+table\s+\S+\s+drop)\b/i.test(text)) return true;
  if (SQL_DELETE_ALL.test(text)) return true;
  for (const match of text.matchAll(SQL_UPDATE)) if (!/\bwhere\b/i.test(match[1] ?? '')) return true;
  return MONGO_DESTRUCTIVE.test(text);
}
void SQL_DESTRUCTIVE;

/** Destructive verbs on clusters, containers, clouds, databases, caches and package registries. */
export function destructiveEffects(scope: CommandScope): void {
  const { command } = scope;
  const { program } = command;
  if (!gated(program) && !someMatch(command.pipedTo, DB_CLIENTS) && !someMatch(command.pipedTo, CACHE_CLIENTS)) return;
  const sub = command.subcommand ?? command.positionals.find(isVerbLike) ?? '';
  const pos = command.subcommand !== undefined ? command.positionals : command.positionals.slice(command.positionals.indexOf(sub) + 1);
  const args = command.args.join(' ');

  if (program === 'kubectl' || program === 'oc' || program === 'k') {
    const podsOnly = sub === 'delete' && /^(po|pod|pods)$/.test(pos[0] ?? '') && pos.length === 2 && !/--all|--force|--grace-period=0/.test(args) || ONE_POD.test(pos[0] ?? '') && pos.length === 1 && !/--all|--force/.test(args);
    if (KUBECTL_DESTRUCTIVE_VERBS.test(sub) && !(sub === 'replace' && !/--force/.test(args)) && !podsOnly) destroy(scope, 'cluster', `kubectl ${sub}`);
    if (sub === 'scale' && /--replicas=0\b/.test(args)) destroy(scope, 'cluster', 'scales workloads to zero');
    if (sub === 'rollout' && pos[0] === 'undo') destroy(scope, 'cluster', 'rolls back a workload');
    if (sub === 'patch' && /"replicas"\s*:\s*0|"\$patch"\s*:\s*"delete"/.test(args)) destroy(scope, 'cluster', 'patches workloads away');
    // Without its finalizers a resource (a volume claim, a namespace) goes before its cleanup has run.
    if (sub === 'patch' && /"?finalizers"?\s*:\s*(null|\[\s*\]|~)|\/metadata\/finalizers/.test(args)) destroy(scope, 'cluster', 'removes finalizers');
    if (sub === 'apply' && /--prune|--force/.test(args)) destroy(scope, 'cluster', 'apply --prune/--force deletes resources');
    if (sub === 'exec' && /\b(rm\s+-\w*[rf]|mkfs|dd\s|shutdown|reboot|drop\s+(database|table)|flushall)\b/i.test(args)) destroy(scope, 'cluster', 'destructive command in a pod');
  }
  if (program === 'helm' && /^(uninstall|delete|del|un|rollback)$/.test(sub)) destroy(scope, 'cluster', `helm ${sub}`);
  if (CONTAINER_CLIS.test(program) || program === 'docker-compose' || program === 'podman-compose') {
    const compose = sub === 'compose' || program.endsWith('-compose');
    const words = compose ? pos : [sub, ...pos];
    const verb = compose ? (program.endsWith('-compose') ? sub : pos.find((p) => /^(down|rm|up|ps|logs|build|pull|stop)$/.test(p))) : sub;
    if (compose && (verb === 'down' || verb === 'rm') && /--volumes?\b|(^|\s)-v(\s|$)|--rmi/.test(args)) destroy(scope, 'container', 'removes the stack with its volumes');
    if (words.includes('prune') && /--all|--volumes|(^|\s)-a(\s|$)/.test(args)) destroy(scope, 'container', 'prunes all images, containers or volumes');
    if (sub === 'volume' && /\b(rm|prune|remove)\b/.test(pos.join(' '))) destroy(scope, 'container', `volume ${pos[0] ?? ''}`);
    if (CONTAINER_FORCE_VERBS.test(sub) && /--force/.test(args) || (sub === 'container' || sub === 'image') && pos[0] === 'rm' && /--force/.test(args)) destroy(scope, 'container', 'force-removes containers or images');
    if (CONTAINER_STOP_VERBS.test(sub) && /\$\(/.test(args)) destroy(scope, 'container', `${sub} of every container or image`);
    if ((sub === 'stack' || sub === 'service') && /^(rm|remove|down)$/.test(pos[0] ?? '')) destroy(scope, 'container', `${sub} ${pos[0] ?? ''}`);
  }
  if (program === 'terraform' || program === 'tofu' || program === 'terragrunt') {
    if (sub === 'destroy' || /(^|\s)-destroy\b/.test(scope.source) || (sub === 'state' && /^(rm|push|replace-provider)$/.test(pos[0] ?? '')) || sub === 'force-unlock' || (sub === 'workspace' && pos[0] === 'delete')) destroy(scope, 'cloud', `terraform ${sub}`);
    if (sub === 'apply' && /-auto-approve/.test(scope.source)) destroy(scope, 'cloud', 'terraform apply without review');
  }
  if (program === 'pulumi' && (/^(destroy|down)$/.test(sub) || (sub === 'stack' && pos[0] === 'rm') || (sub === 'state' && pos[0] === 'delete'))) destroy(scope, 'cloud', `pulumi ${sub}`);
  if (CLOUD_CLIS.test(program)) cloudVerbs(scope, args, program);
  if (DB_CLIENTS.test(program) && (isDestructiveSql(inputText(command)) || sqlInputs(scope).some(isDestructiveSql))) destroy(scope, 'database', `destructive statement through ${program}`);
  if (someMatch(command.pipedTo, DB_CLIENTS) && isDestructiveSql(command.text)) destroy(scope, 'database', 'destructive statement fed to a database client');
  if (DB_ADMIN_TOOLS.test(program) && (program !== 'mysqladmin' || /\bdrop\b/.test(args))) destroy(scope, 'database', program);
  if (FRAMEWORK_TOOLS.test(program) && /\b(db:(drop|reset|purge|schema:load|truncate)|migrate\s+reset|migrate:(fresh|reset)|flush\s+--no-input|reset_db|prisma\s+db\s+push\s+--force-reset|--force-reset)\b/.test(args)) destroy(scope, 'database', 'framework task dropping a database');
  if (CACHE_CLIENTS.test(program) && (REDIS_DESTRUCTIVE.test(` ${command.positionals.join(' ')} `) || REDIS_DESTRUCTIVE.test(command.stdin ?? ''))) destroy(scope, 'cache', `${program} ${pos.find((p) => REDIS_DESTRUCTIVE.test(` ${p} `)) ?? 'destructive command'}`);
  if (someMatch(command.pipedTo, CACHE_CLIENTS) && REDIS_DESTRUCTIVE.test(` ${command.positionals.join(' ')} `)) destroy(scope, 'cache', 'destructive command fed to a cache client');
  if (RAW_SOCKET_OR_PRINT.test(program) && /\bflush_all\b/.test(inputText(command))) destroy(scope, 'cache', 'memcached flush_all');
  if (PRINTERS.test(program) && command.pipedTo.some((to) => /^(nc|ncat|netcat|telnet|socat|openssl)$/.test(to)) && /\b(flushall|flushdb|flush_all)\b/i.test(inputText(command))) destroy(scope, 'cache', 'flush sent to a cache server over a raw socket');
  if (program === 'memcflush') destroy(scope, 'cache', 'memcflush');
  if (PYTHON.test(program) && /(^|\/)manage\.py$/.test(command.positionals[0] ?? '') && /^(flush|reset_db|sqlflush|reset)$/.test(command.positionals[1] ?? '')) destroy(scope, 'database', `manage.py ${command.positionals[1] ?? ''}`);
  if (NODE_PACKAGE_MANAGERS.test(program) && /^(unpublish|deprecate)$/.test(sub || pos[0] || '')) destroy(scope, 'package', `${program} unpublish`);
  if (CARGO_OR_GEM.test(program) && /^(yank)$/.test(sub || pos[0] || '')) destroy(scope, 'package', `${program} yank`);
  if (program === 'gh' && /\b(repo|release|secret|variable|run|cache|ssh-key|gpg-key)\s+delete\b|\brepo\s+archive\b/.test(args)) destroy(scope, 'package', 'gh delete');
  if ((program === 'restic' && /\b(forget|prune)\b/.test(args)) || (program === 'borg' && /\b(prune|delete|compact)\b/.test(args))) destroy(scope, 'backup', `${program} prune`);
  if (program === 'git' && sub === 'push' && (pos.some((p) => /^\+|^:/.test(p)) || command.flags.includes('--delete'))) destroy(scope, 'vcs', 'deletes or overwrites remote refs');
  if (program === 'git' && (GIT_HISTORY_REWRITES.test(sub) || (sub === 'worktree' && pos[0] === 'remove' && /--force/.test(args)) || (sub === 'tag' && /(^|\s)(-d|--delete)/.test(args) && false))) destroy(scope, 'vcs', `git ${sub} rewrites or removes history`);
  if (HISTORY_REWRITERS.test(program)) destroy(scope, 'vcs', 'history rewriting tool');
  if ((DB_CLIENTS.test(program) || CACHE_CLIENTS.test(program)) && command.pipedFrom.some((from) => /^(base64|base32|xxd|openssl|gunzip|zcat|rev|tr|uudecode)$/.test(from))) scope.add('exec', 'opaque', true, { detail: `decoded input fed to ${program}` });
}

/**
 * Each SQL text a database client gets besides its whole line: every option value and operand on
 * its own (`mysql -e "DELETE FROM t" shop`: the statement ends with its word, not with the line),
 * and the text of files written earlier in the line that it reads (`-f q.sql`, `< q.sql`, `.read q.sql`).
 */
function sqlInputs(scope: CommandScope): string[] {
  const { command } = scope;
  const words = [...command.flags.map((flag) => flag.slice(flag.indexOf('=') + 1)), ...command.positionals];
  const files = [...flagValues(command, ['-f', '--file', '-i', '--init-file']), ...command.redirects.filter((r) => r.op === '<').map((r) => r.target)];
  for (const word of words) for (const match of word.matchAll(/(?:^|;|\n)\s*(?:\.read|\\i|\\ir|\\include|source|\\\.)\s+(\S+?);?\s*$/gim)) if (match[1]) files.push(match[1]);
  for (const file of files) {
    const ref = scope.resolve(file);
    const text = ref.path ? scope.line.scripts.get(ref.path) : undefined;
    if (text !== undefined) words.push(text);
  }
  return words;
}

function cloudVerbs(scope: CommandScope, args: string, program: string): void {
  if (/\b(delete|destroy|terminate|remove|rb|purge|apps:destroy|deprovision|wipe|nuke)[\w-]*\b/i.test(args) && !/\b(describe|list|get)-[\w-]*delete/i.test(args)) destroy(scope, 'cloud', `${program} delete`);
  else if (/(^|\s)rm(\s|$)/.test(args) || /\bs3\s+sync\b.*--delete|\bsync\b.*--delete-(removed|unmatched)|\brsync\b.*-d\b/.test(args)) destroy(scope, 'cloud', `${program} removes objects`);
}
