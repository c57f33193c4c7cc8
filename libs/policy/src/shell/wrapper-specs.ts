// Commands that run another command: how to find it. The normaliser unwraps them repeatedly
// (`sudo env FOO=1 nice -n 5 rm -rf ~` is `rm -rf ~` via sudo, env and nice).

/** How one wrapper's arguments lead to the wrapped command. */
export interface WrapperSpec {
  /** Options that take a value (the value is never the command). */
  readonly value?: readonly string[];
  /** Positionals before the command (`timeout DURATION cmd`, `flock FILE cmd`). */
  readonly leading?: number;
  /** `NAME=value` words before the command are environment (env). */
  readonly env?: boolean;
  /** With one of these options no command runs (`command -v rm`). */
  readonly noExec?: readonly string[];
  /** Options whose value is a shell script (`su -c`, `flock -c`, `script -c`). */
  readonly scriptValue?: readonly string[];
  /** Options whose value is split into a command line (`env -S`). */
  readonly splitValue?: readonly string[];
  /** sh family: `-c` makes the first positional the script and the rest $0, $1, … */
  readonly shell?: boolean;
  /** The remaining words joined by spaces are a script (`eval`, `watch`). */
  readonly join?: boolean;
  /** The script option may also follow positionals (`su user -c cmd`). */
  readonly scanAll?: boolean;
  /** Only with this option does a positional start a command (`runuser -u user cmd`); 'never': never. */
  readonly execNeeds?: string;
  /** The wrapped command also gets arguments from stdin (`xargs`). */
  readonly stdinArgs?: boolean;
  /** GNU parallel: the arguments after `:::` complete the command, or are commands themselves. */
  readonly parallel?: boolean;
}

const SHELL: WrapperSpec = { shell: true, value: ['-o', '+o', '-O', '+O', '--rcfile', '--init-file'] };
const TRACER: WrapperSpec = { value: ['-o', '-e', '-p', '-s', '-u', '-a', '-b', '-I', '-O', '-S', '-P', '-X', '-n', '--output'] };

/** Wrapper grammars by program name. */
export const WRAPPERS: Readonly<Record<string, WrapperSpec>> = {
  sh: SHELL, bash: SHELL, zsh: SHELL, dash: SHELL, ksh: SHELL, mksh: SHELL, ash: SHELL, rbash: SHELL, fish: SHELL,
  csh: SHELL, tcsh: SHELL,
  sudo: { value: ['-u', '-g', '-h', '-p', '-C', '-D', '-R', '-T', '-U', '-r', '-t', '--user', '--group', '--host', '--prompt',
    '--close-from', '--chdir', '--chroot', '--command-timeout', '--other-user', '--role', '--type'],
  noExec: ['-l', '--list', '-v', '--validate', '-k', '-K', '-e', '--edit', '-V', '--version', '-h', '--help'] },
  doas: { value: ['-u', '-C'] },
  pkexec: { value: ['--user'] },
  su: { value: ['-s', '--shell', '-g', '--group', '-G', '--supp-group', '-w'], scriptValue: ['-c', '--command'], scanAll: true, execNeeds: 'never' },
  runuser: { value: ['-u', '--user', '-g', '--group', '-G', '--supp-group', '-s', '--shell', '-w'], scriptValue: ['-c', '--command'], scanAll: true, execNeeds: '-u' },
  env: { env: true, value: ['-u', '--unset', '-C', '--chdir', '-P'], splitValue: ['-S', '--split-string'] },
  xargs: { stdinArgs: true, value: ['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--eof',
    '--replace', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--process-slot-var'] },
  parallel: { parallel: true, stdinArgs: true, value: ['-a', '-d', '-E', '-I', '-j', '-L', '-N', '-n', '-P', '-S', '-s', '--arg-file',
    '--delimiter', '--eof', '--replace', '--jobs', '--max-procs', '--max-args', '--max-lines', '--sshlogin', '--joblog', '--results',
    '--delay', '--timeout', '--retries', '--tmpdir', '--workdir', '--wd', '--colsep', '--memfree', '--load', '--halt', '--tag-string',
    '--env', '--basefile', '--shebang-wrap', '--sshloginfile', '--slf', '--termseq', '--compress-program'] },
  // systemd-run starts the command as a transient unit (its timers and persistence are effects of the command it runs).
  'systemd-run': { value: ['-u', '--unit', '-p', '--property', '--description', '--slice', '-E', '--setenv', '--uid', '--gid',
    '--nice', '-H', '--host', '-M', '--machine', '--working-directory', '--on-active', '--on-boot', '--on-startup',
    '--on-unit-active', '--on-unit-inactive', '--on-calendar', '--timer-property', '--path-property', '--socket-property',
    '--service-type', '--expand-environment'] },
  nohup: {},
  setsid: {},
  builtin: {},
  unbuffer: {},
  busybox: {},
  timeout: { leading: 1, value: ['-s', '-k', '--signal', '--kill-after'] },
  nice: { value: ['-n', '--adjustment'] },
  ionice: { value: ['-c', '-n', '-p', '-P', '-u', '--class', '--classdata', '--pid', '--pgid', '--uid'] },
  command: { noExec: ['-v', '-V'] },
  exec: { value: ['-a'] },
  time: { value: ['-f', '-o', '--format', '--output'] },
  stdbuf: { value: ['-i', '-o', '-e', '--input', '--output', '--error'] },
  strace: TRACER,
  ltrace: TRACER,
  flock: { leading: 1, value: ['-w', '-E', '--timeout', '--conflict-exit-code'], scriptValue: ['-c', '--command'], scanAll: true },
  script: { value: ['-t', '--timing', '-T', '-I', '-O', '-B', '-E', '-m'], scriptValue: ['-c', '--command'], scanAll: true, execNeeds: 'never' },
  watch: { join: true, value: ['-n', '--interval', '-d', '-q', '-g'] },
  eval: { join: true },
};

/** Interpreters that run whatever script arrives on stdin when given none. */
export const SHELLS: ReadonlySet<string> = new Set(Object.entries(WRAPPERS).filter(([, spec]) => spec.shell).map(([name]) => name));
