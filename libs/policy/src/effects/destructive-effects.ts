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
  if (!DESTRUCTIVE_PROGRAMS.some((gate) => gate.test(program)) && !command.pipedTo.some((to) => DB_CLIENTS.test(to) || CACHE_CLIENTS.test(to))) return;
  const sub = command.subcommand ?? command.positionals.find((p) => /^[a-z][\w:-]*$/.test(p)) ?? '';
  const pos = command.subcommand !== undefined ? command.positionals : command.positionals.slice(command.positionals.indexOf(sub) + 1);
  const args = command.args.join(' ');
  let joined: string | undefined;
  const inputText = () => (joined ??= `${command.text}\n${command.stdin ?? ''}`);
  const add = (cls: string, detail: string) => scope.add('destroy', cls, true, { detail });

  if (program === 'kubectl' || program === 'oc' || program === 'k') {
    const podsOnly = sub === 'delete' && /^(po|pod|pods)$/.test(pos[0] ?? '') && pos.length === 2 && !/--all|--force|--grace-period=0/.test(args) || /^(po|pod|pods)\/[\w.-]+$/.test(pos[0] ?? '') && pos.length === 1 && !/--all|--force/.test(args);
    if (/^(delete|drain|replace|cordon|taint)$/.test(sub) && !(sub === 'replace' && !/--force/.test(args)) && !podsOnly) add('cluster', `kubectl ${sub}`);
    if (sub === 'scale' && /--replicas=0\b/.test(args)) add('cluster', 'scales workloads to zero');
    if (sub === 'rollout' && pos[0] === 'undo') add('cluster', 'rolls back a workload');
    if (sub === 'patch' && /"replicas"\s*:\s*0|"\$patch"\s*:\s*"delete"/.test(args)) add('cluster', 'patches workloads away');
    // Without its finalizers a resource (a volume claim, a namespace) goes before its cleanup has run.
    if (sub === 'patch' && /"?finalizers"?\s*:\s*(null|\[\s*\]|~)|\/metadata\/finalizers/.test(args)) add('cluster', 'removes finalizers');
    if (sub === 'apply' && /--prune|--force/.test(args)) add('cluster', 'apply --prune/--force deletes resources');
    if (sub === 'exec' && /\b(rm\s+-\w*[rf]|mkfs|dd\s|shutdown|reboot|drop\s+(database|table)|flushall)\b/i.test(args)) add('cluster', 'destructive command in a pod');
  }
  if (program === 'helm' && /^(uninstall|delete|del|un|rollback)$/.test(sub)) add('cluster', `helm ${sub}`);
  if (/^(docker|podman|nerdctl)$/.test(program) || program === 'docker-compose' || program === 'podman-compose') {
    const compose = sub === 'compose' || program.endsWith('-compose');
    const words = compose ? pos : [sub, ...pos];
    const verb = compose ? (program.endsWith('-compose') ? sub : pos.find((p) => /^(down|rm|up|ps|logs|build|pull|stop)$/.test(p))) : sub;
    if (compose && (verb === 'down' || verb === 'rm') && /--volumes?\b|(^|\s)-v(\s|$)|--rmi/.test(args)) add('container', 'removes the stack with its volumes');
    if (words.includes('prune') && /--all|--volumes|(^|\s)-a(\s|$)/.test(args)) add('container', 'prunes all images, containers or volumes');
    if (sub === 'volume' && /\b(rm|prune|remove)\b/.test(pos.join(' '))) add('container', `volume ${pos[0] ?? ''}`);
    if (/^(rm|rmi|kill)$/.test(sub) && /--force/.test(args) || (sub === 'container' || sub === 'image') && pos[0] === 'rm' && /--force/.test(args)) add('container', 'force-removes containers or images');
    if (/^(rm|rmi|stop|kill)$/.test(sub) && /\$\(/.test(args)) add('container', `${sub} of every container or image`);
    if ((sub === 'stack' || sub === 'service') && /^(rm|remove|down)$/.test(pos[0] ?? '')) add('container', `${sub} ${pos[0] ?? ''}`);
  }
  if (program === 'terraform' || program === 'tofu' || program === 'terragrunt') {
    if (sub === 'destroy' || /(^|\s)-destroy\b/.test(scope.source) || (sub === 'state' && /^(rm|push|replace-provider)$/.test(pos[0] ?? '')) || sub === 'force-unlock' || (sub === 'workspace' && pos[0] === 'delete')) add('cloud', `terraform ${sub}`);
    if (sub === 'apply' && /-auto-approve/.test(scope.source)) add('cloud', 'terraform apply without review');
  }
  if (program === 'pulumi' && (/^(destroy|down)$/.test(sub) || (sub === 'stack' && pos[0] === 'rm') || (sub === 'state' && pos[0] === 'delete'))) add('cloud', `pulumi ${sub}`);
  if (/^(aws|gcloud|az|doctl|gsutil|oci|ibmcloud|linode-cli|hcloud|heroku|fly|flyctl|vercel|netlify|firebase|s3cmd|rclone|b2|mc)$/.test(program)) cloudVerbs(args, program, add);
  if (DB_CLIENTS.test(program) && (isDestructiveSql(inputText()) || sqlInputs(scope).some(isDestructiveSql))) add('database', `destructive statement through ${program}`);
  if (command.pipedTo.some((to) => DB_CLIENTS.test(to)) && isDestructiveSql(command.text)) add('database', 'destructive statement fed to a database client');
  if (/^(dropdb|dropuser|mysqladmin)$/.test(program) && (program !== 'mysqladmin' || /\bdrop\b/.test(args))) add('database', program);
  if (/^(rails|rake|bin\/rails|npx|prisma|python[0-9.]*|php|artisan|manage\.py|pnpm|yarn|npm|bundle|sequelize|knex|typeorm)$/.test(program) && /\b(db:(drop|reset|purge|schema:load|truncate)|migrate\s+reset|migrate:(fresh|reset)|flush\s+--no-input|reset_db|prisma\s+db\s+push\s+--force-reset|--force-reset)\b/.test(args)) add('database', 'framework task dropping a database');
  if (CACHE_CLIENTS.test(program) && (REDIS_DESTRUCTIVE.test(` ${command.positionals.join(' ')} `) || REDIS_DESTRUCTIVE.test(command.stdin ?? ''))) add('cache', `${program} ${pos.find((p) => REDIS_DESTRUCTIVE.test(` ${p} `)) ?? 'destructive command'}`);
  if (command.pipedTo.some((to) => CACHE_CLIENTS.test(to)) && REDIS_DESTRUCTIVE.test(` ${command.positionals.join(' ')} `)) add('cache', 'destructive command fed to a cache client');
  if (/^(nc|ncat|netcat|telnet|socat|echo|printf)$/.test(program) && /\bflush_all\b/.test(inputText())) add('cache', 'memcached flush_all');
  if (/^(echo|printf)$/.test(program) && command.pipedTo.some((to) => /^(nc|ncat|netcat|telnet|socat|openssl)$/.test(to)) && /\b(flushall|flushdb|flush_all)\b/i.test(inputText())) add('cache', 'flush sent to a cache server over a raw socket');
  if (program === 'memcflush') add('cache', 'memcflush');
  if (/^python[0-9.]*$/.test(program) && /(^|\/)manage\.py$/.test(command.positionals[0] ?? '') && /^(flush|reset_db|sqlflush|reset)$/.test(command.positionals[1] ?? '')) add('database', `manage.py ${command.positionals[1] ?? ''}`);
  if (/^(npm|pnpm|yarn)$/.test(program) && /^(unpublish|deprecate)$/.test(sub || pos[0] || '')) add('package', `${program} unpublish`);
  if (/^(cargo|gem)$/.test(program) && /^(yank)$/.test(sub || pos[0] || '')) add('package', `${program} yank`);
  if (program === 'gh' && /\b(repo|release|secret|variable|run|cache|ssh-key|gpg-key)\s+delete\b|\brepo\s+archive\b/.test(args)) add('package', 'gh delete');
  if ((program === 'restic' && /\b(forget|prune)\b/.test(args)) || (program === 'borg' && /\b(prune|delete|compact)\b/.test(args))) add('backup', `${program} prune`);
  if (program === 'git' && sub === 'push' && (pos.some((p) => /^\+|^:/.test(p)) || command.flags.includes('--delete'))) add('vcs', 'deletes or overwrites remote refs');
  if (program === 'git' && (/^(filter-branch|filter-repo)$/.test(sub) || (sub === 'worktree' && pos[0] === 'remove' && /--force/.test(args)) || (sub === 'tag' && /(^|\s)(-d|--delete)/.test(args) && false))) add('vcs', `git ${sub} rewrites or removes history`);
  if (/^(bfg|git-filter-repo)$/.test(program)) add('vcs', 'history rewriting tool');
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

function cloudVerbs(args: string, program: string, add: (cls: string, detail: string) => void): void {
  if (/\b(delete|destroy|terminate|remove|rb|purge|apps:destroy|deprovision|wipe|nuke)[\w-]*\b/i.test(args) && !/\b(describe|list|get)-[\w-]*delete/i.test(args)) add('cloud', `${program} delete`);
  else if (/(^|\s)rm(\s|$)/.test(args) || /\bs3\s+sync\b.*--delete|\bsync\b.*--delete-(removed|unmatched)|\brsync\b.*-d\b/.test(args)) add('cloud', `${program} removes objects`);
}
