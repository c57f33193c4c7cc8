import type { NormalisedCommand } from '../normalised.schema';
import { hasFlag, type CommandScope } from './effect-context';
import { MALICIOUS } from './file-effects';

const ELEVATORS = new Set(['sudo', 'doas', 'su', 'pkexec', 'runuser', 'sudoedit', 'calife', 'run0']);
const ACCOUNT_TOOLS = new Set(['useradd', 'adduser', 'usermod', 'userdel', 'deluser', 'groupadd', 'groupmod', 'gpasswd', 'passwd', 'chpasswd', 'chage', 'visudo', 'vipw', 'vigr', 'newusers', 'chsh']);
const NAMESPACE_TOOLS = new Set(['nsenter', 'unshare', 'chroot', 'capsh', 'setpriv', 'pivot_root', 'firejail']);
const POWER = new Set(['shutdown', 'reboot', 'halt', 'poweroff', 'kexec']);
const KERNEL = new Set(['insmod', 'modprobe', 'rmmod', 'kexec', 'sysctl', 'swapoff', 'swapon', 'setenforce', 'aa-disable', 'aa-teardown', 'auditctl']);
const FIREWALL = new Set(['iptables', 'ip6tables', 'nft', 'ufw', 'firewall-cmd', 'iptables-restore']);
const DISK = /^(mkfs(\..*)?|mke2fs|mkswap|mkntfs|mkdosfs|wipefs|fdisk|sfdisk|sgdisk|parted|blkdiscard|hdparm|cryptsetup|lvremove|vgremove|pvremove|zpool|badblocks)$/;
const CONTAINERS = new Set(['docker', 'podman', 'nerdctl']);
/** Every program {@link privilegeEffects} looks at (any command reached through an elevator counts too). */
const PRIVILEGE_PROGRAMS: ReadonlySet<string> = new Set([...ELEVATORS, ...ACCOUNT_TOOLS, ...NAMESPACE_TOOLS, ...CONTAINERS, 'setcap', 'setfacl', 'chmod', 'chown', 'chgrp', 'kubectl', 'oc']);
const MINERS = /^(xmrig.*|minerd|cpuminer|cgminer|bfgminer|ethminer|nbminer|t-rex|lolminer|xmr-stak.*|nanominer)$/;
/** Every program {@link controlEffects} looks at besides disk tools and miners. */
const CONTROL_PROGRAMS: ReadonlySet<string> = new Set([...POWER, ...KERNEL, ...FIREWALL, 'systemctl', 'init', 'telinit', 'mount', 'umount', 'fusermount', 'auditctl', 'service',
  'timedatectl', 'hostnamectl', 'date', 'kill', 'killall5', 'pkill', 'killall', 'history', 'unset', 'export', '', 'set', 'journalctl', 'chattr', 'gcore', 'gdb', 'strace', 'ltrace']);

/** Privilege and capability changes. */
export function privilegeEffects(scope: CommandScope): void {
  const { command } = scope;
  const wrappers = command.viaWrapper.filter((w) => ELEVATORS.has(w));
  if (wrappers.length === 0 && !PRIVILEGE_PROGRAMS.has(command.program)) return;
  if (wrappers.length > 0 || ELEVATORS.has(command.program)) scope.add('privilege', 'elevate', true, { detail: [...wrappers, command.program].filter((p) => ELEVATORS.has(p)).join(', ') });
  if (ACCOUNT_TOOLS.has(command.program)) scope.add('privilege', 'accounts', true);
  if (NAMESPACE_TOOLS.has(command.program)) scope.add('privilege', 'namespace', true);
  if (command.program === 'setcap' || command.program === 'setfacl' && command.args.some((a) => /(^|:)(root|0):/.test(a))) scope.add('privilege', 'capability', true);
  if (command.program === 'chmod' && /(^|\s)(0?[2-7][0-7]{3}|[ugoa]*[+=][rwxXt]*s[rwxXt]*)(\s|$)/.test(command.args.join(' '))) scope.add('privilege', 'setuid', true);
  if ((command.program === 'chown' || command.program === 'chgrp') && /^(root|0)(:|$)/.test(command.positionals[0] ?? '')) scope.add('privilege', 'chown-root', true);
  if (CONTAINERS.has(command.program) && ['run', 'exec', 'create', 'container'].includes(command.subcommand ?? '') && privilegedContainer(command)) scope.add('privilege', 'container-escape', true);
  if ((command.program === 'kubectl' || command.program === 'oc') && (command.subcommand ?? command.positionals[0]) === 'debug' && command.positionals.some((p) => /^(node|nodes|no)\//.test(p))) scope.add('privilege', 'node-shell', true, { detail: 'a debug pod on a node shares its host' });
  if (command.program === 'kubectl' && /"(privileged|hostPID|hostNetwork|hostPath)"\s*:\s*(true|\{)|--privileged/.test(command.text)) scope.add('privilege', 'container-escape', true);
  if (command.program === 'usermod' && /\b(sudo|wheel|docker|root|adm|admin)\b/.test(command.args.join(' '))) scope.add('privilege', 'group', true);
  if (ACCOUNT_TOOLS.has(command.program) && /(^|\s)(-o|--non-unique)(\s|$)|(-u|--uid)(=|\s)0(\s|$)/.test(scope.source)) scope.add('privilege', 'root-account', true, { detail: 'an account with uid 0' });
  const elevated = wrappers.length > 0 || ELEVATORS.has(command.program);
  const shellAlone = /^(ba|z|da|k|c|tc|fi)?sh$/.test(command.program) && command.positionals.length === 0 && !command.flags.some((f) => f.startsWith('-c'));
  const rootShell = elevated && (shellAlone || (ELEVATORS.has(command.program) && (/(^|\s)-(i|s)(\s|$)/.test(command.args.join(' ')) || /^(\/bin\/|\/usr\/bin\/)?(ba|z|da)?sh$|^su$/.test(command.positionals[0] ?? ''))));
  if (rootShell || (command.program === 'su' && command.positionals.length === 0 && !command.flags.some((f) => f.startsWith('-c')))) scope.add('privilege', 'root-shell', true, { detail: 'an interactive shell as root' });
}

function privilegedContainer(command: NormalisedCommand): boolean {
  if (hasFlag(command, ['--privileged'])) return true;
  const text = command.flags.join(' ');
  return /--(pid|ipc|userns|uts|network|net)=host|--cap-add=(all|sys_admin|cap_sys_admin|sys_ptrace|sys_module|dac_read_search)|--security-opt=\S*unconfined|--volume=\/(:|var\/run\/docker\.sock|etc|root|home|proc|sys|dev)|--mount=\S*source=\/(,|etc|root|var\/run\/docker\.sock)|--device=/i.test(text);
}

/** Persistence that is not a plain file write (scheduler and service registrations). */
export function persistenceEffects(scope: CommandScope): void {
  const { command } = scope;
  const { program } = command;
  const before = scope.effects.length;
  registrations(scope);
  if (scope.effects.length > before && MALICIOUS.test(`${command.text}\n${command.stdin ?? ''}`)) scope.add('persistence', 'malicious', true, { detail: 'persists code that is fetched, hidden or wired to the network' });
  if (program === 'git') gitConfigCode(scope);
}

/** `git -c core.pager='sh -c "…"' log`: the configured program runs; its command line is judged. */
function gitConfigCode(scope: CommandScope): void {
  for (const flag of [...scope.command.globalFlags, ...scope.command.args]) {
    const value = /^(?:-c=)?(?:core\.(?:pager|editor|sshcommand|fsmonitor|askpass)|sequence\.editor|diff\.external|[\w.-]+\.textconv|alias\.[\w-]+)=(.+)$/i.exec(flag)?.[1];
    if (value && scope.line.analyse) scope.line.analyse(value.replace(/^!/, ''), scope, 'git-config');
  }
}

function registrations(scope: CommandScope): void {
  const { command } = scope;
  const { program } = command;
  if (program === 'crontab' && !hasFlag(command, ['-l'])) scope.add('persistence', 'cron', true);
  if (program === 'at' || program === 'batch') scope.add('persistence', 'scheduled', true);
  // `systemd-run --on-calendar=hourly x`, `systemd-run --user x`: a timer or a transient service that outlives this call (`--scope` runs in the foreground).
  if (command.viaWrapper.includes('systemd-run')) {
    if (/(^|\s)--(on-[a-z-]+|timer-property)\b/.test(scope.source)) scope.add('persistence', 'scheduled', true, { detail: 'a systemd timer runs it later' });
    else if (!/(^|\s)--scope\b/.test(scope.source)) scope.add('persistence', 'service', true, { detail: 'runs as a transient systemd service' });
  }
  if (program === 'systemctl' && ['enable', 'link', 'edit', 'set-property', 'daemon-reload', 'preset'].includes(command.subcommand ?? '')) scope.add('persistence', 'service', true);
  if (program === 'launchctl' && /\b(load|bootstrap|enable|submit)\b/.test(command.args.join(' '))) scope.add('persistence', 'autostart', true);
  if ((program === 'update-rc.d' || program === 'chkconfig' || program === 'rc-update') && /\b(enable|on|add|defaults)\b/.test(command.args.join(' '))) scope.add('persistence', 'service', true);
  if (program === 'git' && command.subcommand === 'config' && /\b(core\.(hookspath|fsmonitor|sshcommand|pager|editor|askpass)|alias\.|\.textconv|\.command|credential\.helper|diff\.external|filter\.)/i.test(command.args.join(' '))) scope.add('persistence', 'git-config', true);
  if (['npm', 'pnpm', 'yarn'].includes(program) && /\bscripts\.(pre|post)?(install|prepare|publish|pack|uninstall)\b/.test(command.args.join(' '))) scope.add('persistence', 'lifecycle-script', true);
  // `npm config set ignore-scripts false`, `yarn config set enableScripts true`: every install runs its packages' lifecycle scripts again.
  if (['npm', 'pnpm', 'yarn'].includes(program) && /\bconfig\s+set\s+(ignore-?scripts(\s+|=)(false|0|no|off)|enable-?scripts(\s+|=)(true|1|yes|on))\b/i.test(command.args.join(' '))) scope.add('persistence', 'lifecycle-script', true, { detail: 'changes whether package install scripts run' });
  if (['npm', 'pnpm', 'yarn'].includes(program) && /\bconfig\s+set\s+(script-shell|shell|node-options|init-module|git|editor|browser|onload-script)\b/.test(command.args.join(' '))) scope.add('persistence', 'package-config', true, { detail: 'a program every package script or command runs' });
}

/** Process and system control: power, kernel, firewall, disks, mounts, killing everything, covering tracks. */
export function controlEffects(scope: CommandScope): void {
  const { command } = scope;
  const { program, positionals } = command;
  if (!CONTROL_PROGRAMS.has(program) && !DISK.test(program) && !MINERS.test(program) && command.assigns.length === 0) return;
  const args = command.args.join(' ');
  if (POWER.has(program) || (program === 'systemctl' && /^(reboot|poweroff|halt|kexec|emergency|rescue|suspend|hibernate)$/.test(command.subcommand ?? '')) || ((program === 'init' || program === 'telinit') && /^[06S]$/.test(positionals[0] ?? ''))) scope.add('system', 'power', true);
  if (KERNEL.has(program) && !(program === 'sysctl' && !/(^|\s)(-w|--write|-p|--load|--system)|=/.test(args))) scope.add('system', 'kernel', true);
  if (FIREWALL.has(program) && !/(^|\s)(-L|--list|-S|status|list-all|--list-rules)(\s|$)/.test(args)) scope.add('system', 'firewall', true);
  if (DISK.test(program)) scope.add('destroy', 'disk', true);
  if ((program === 'mount' && positionals.length > 0) || program === 'umount' || program === 'fusermount') scope.add('system', program === 'umount' && positionals.includes('/') ? 'power' : 'mount', true);
  if (program === 'auditctl' && /(^|\s)(-D|-e\s*0)(\s|$)/.test(scope.source)) scope.add('system', 'tracks', true, { detail: 'audit rules removed' });
  if (program === 'systemctl' && /^(stop|disable|mask|kill|isolate|restart)$/.test(command.subcommand ?? '')) scope.add('system', 'service', true);
  if (program === 'service' && /\b(stop|restart|disable)\b/.test(args)) scope.add('system', 'service', true);
  if ((program === 'timedatectl' || program === 'hostnamectl' || program === 'date') && /\bset|(^|\s)-s(\s|$)/.test(args)) scope.add('system', 'clock', true);
  if (program === 'kill' && (positionals.some((p) => /^-?1$|^0$/.test(p)) || /(^|\s)-1(\s|$)/.test(scope.source) && /\bkill\b/.test(scope.source))) scope.add('process', 'all', true, { detail: 'signals every process or init' });
  if (program === 'killall5' || (program === 'pkill' || program === 'killall') && /(^|\s)(-u|--user)|(^|\s)(init|systemd|sshd|dockerd|containerd|kubelet)(\s|$)/.test(args)) scope.add('process', 'all', true);
  if (program === 'pkill' || program === 'killall') scope.add('process', 'by-name', true);
  if (program === 'history' && hasFlag(command, ['-c', '-w', '-d'])) scope.add('system', 'tracks', true);
  if ((['unset', 'export', ''].includes(program) || command.assigns.some((a) => /^HIST(FILE|SIZE|FILESIZE)$/.test(a.name))) && /\bHISTFILE\b|\bHISTSIZE=0|\bHISTFILESIZE=0/.test(`${args} ${command.assigns.map((a) => `${a.name}=${a.value}`).join(' ')}`)) scope.add('system', 'tracks', true);
  if (program === 'set' && /\+o\s*history/.test(args)) scope.add('system', 'tracks', true);
  if (program === 'journalctl' && /--vacuum|--rotate/.test(args)) scope.add('destroy', 'logs', true);
  if (program === 'chattr' && /[+-]i|[+-]a/.test(args)) scope.add('system', 'attributes', true);
  if (MINERS.test(program)) scope.add('process', 'miner', true);
  if (['gcore', 'gdb', 'strace', 'ltrace'].includes(program) && /(^|\s)(-p|--pid|attach)(\s|=|$)|^\d+$/.test(args)) scope.add('read', 'secret', true, { detail: 'another process\'s memory' });
}

/** Names of functions defined to run themselves twice (`:(){ :|:& };:`); the caller checks they are called. */
export function forkBombNames(source: string): string[] {
  const names: string[] = [];
  // A definition needs `()` and `{`: most lines have no `{` at all, and the search below is not cheap.
  if (!source.includes('{') || !source.includes(')')) return names;
  const definition = /(?:^|[\s;&|({'"])(?:function\s+)?([^\s(){};|&<>'"]+)\s*\(\s*\)\s*\{([^}]*)\}/g;
  for (const match of source.matchAll(definition)) {
    const name = match[1] ?? '';
    const body = match[2] ?? '';
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    if (new RegExp(`(^|[\\s;&|(])${escaped}\\s*\\|\\s*${escaped}(\\s|&|;|$)|(^|[\\s;&|(])${escaped}\\s*&\\s*${escaped}`).test(body)) names.push(name);
  }
  return names;
}
