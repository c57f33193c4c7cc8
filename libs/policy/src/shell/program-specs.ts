// How the arguments of well-known programs read: which flags take a value, which spellings are
// the same flag, and whether the program has subcommands. The policy and the decision key see
// flags in this canonical form, so `git push -f` and `git push --force` are one thing.

/** Argument grammar of one program. */
export interface ProgramSpec {
  /** First positional is a subcommand (`git push`, `kubectl delete`). */
  readonly subcommands?: boolean;
  /** Flags taking a value that may come before the subcommand (`git -C dir`, `kubectl -n ns`). */
  readonly globalValue?: readonly string[];
  /** Flags taking a value, for every subcommand. */
  readonly value?: readonly string[];
  readonly subValue?: Readonly<Record<string, readonly string[]>>;
  /** Spelling → canonical flag, for every subcommand. */
  readonly aliases?: Readonly<Record<string, string>>;
  readonly subAliases?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** `-name` is one option, not `-n -a -m -e` (find, kill). */
  readonly singleDash?: boolean;
}

const RECURSIVE_FORCE = { '-r': '--recursive', '-R': '--recursive', '-f': '--force' };
const CONTAINER: ProgramSpec = {
  subcommands: true,
  globalValue: ['-H', '--host', '-c', '--context', '--config', '-l', '--log-level'],
  value: ['-e', '--env', '-v', '--volume', '-p', '--publish', '-u', '--user', '-w', '--workdir', '--name', '--network',
    '--net', '--pid', '--cap-add', '--cap-drop', '--security-opt', '--mount', '--entrypoint', '-m', '--memory', '--label',
    '--env-file', '--userns', '--ipc', '--device', '--filter'],
  aliases: { '-f': '--force', '-a': '--all', '-t': '--tty', '-i': '--interactive', '-d': '--detach', '-v': '--volume', '-e': '--env', '-u': '--user', '-p': '--publish' },
};
const SIGNALS: ProgramSpec = { singleDash: true, value: ['-s', '-n', '--signal', '-u', '-U', '-g', '-G', '-P', '-t'] };

/** Argument grammars by program name. */
export const PROGRAM_SPECS: Readonly<Record<string, ProgramSpec>> = {
  rm: { aliases: RECURSIVE_FORCE },
  chmod: { value: ['--reference'], aliases: { '-R': '--recursive' } },
  chown: { value: ['--reference', '--from'], aliases: { '-R': '--recursive' } },
  chgrp: { value: ['--reference'], aliases: { '-R': '--recursive' } },
  cp: { value: ['-t', '--target-directory', '-S', '--suffix'], aliases: RECURSIVE_FORCE },
  mv: { value: ['-t', '--target-directory', '-S', '--suffix'], aliases: { '-f': '--force' } },
  ln: { value: ['-t', '--target-directory', '-S', '--suffix'], aliases: { '-f': '--force', '-s': '--symbolic' } },
  install: { value: ['-m', '--mode', '-o', '--owner', '-g', '--group', '-t', '--target-directory', '-S'] },
  tee: { aliases: { '-a': '--append' } },
  sed: { value: ['-e', '--expression', '-f', '--file', '-l'], aliases: { '-i': '--in-place' } },
  truncate: { value: ['-s', '--size', '-r', '--reference'], aliases: { '-s': '--size', '-r': '--reference' } },
  touch: { value: ['-t', '-d', '--date', '-r', '--reference'], aliases: { '-d': '--date', '-r': '--reference' } },
  shred: { value: ['-n', '--iterations', '-s', '--size'], aliases: { '-u': '--remove' } },
  tar: { value: ['-f', '--file', '-C', '--directory', '-T', '--files-from', '-X', '--exclude-from'] },
  find: { singleDash: true, value: ['-name', '-iname', '-path', '-ipath', '-wholename', '-regex', '-iregex', '-type',
    '-size', '-mtime', '-mmin', '-atime', '-ctime', '-newer', '-maxdepth', '-mindepth', '-user', '-group', '-perm',
    '-fprint', '-fprint0', '-fls', '-printf', '-fprintf', '-regextype', '-samefile', '-inum', '-links', '-uid', '-gid'] },
  kill: SIGNALS,
  pkill: SIGNALS,
  killall: SIGNALS,
  curl: { value: ['-A', '-b', '-c', '-C', '-d', '-D', '-e', '-E', '-F', '-H', '-K', '-m', '-o', '-r', '-T', '-u', '-U', '-w',
    '-x', '-X', '-y', '-Y', '-z', '-Q', '-t', '--data', '--data-raw', '--data-binary', '--data-urlencode', '--data-ascii',
    '--header', '--request', '--output', '--user', '--form', '--form-string', '--upload-file', '--url', '--cookie',
    '--cookie-jar', '--config', '--user-agent', '--proxy', '--json'],
  aliases: { '-d': '--data', '-H': '--header', '-X': '--request', '-o': '--output', '-F': '--form', '-T': '--upload-file',
    '-u': '--user', '-K': '--config', '-s': '--silent', '-S': '--show-error', '-L': '--location', '-k': '--insecure',
    '-f': '--fail', '-O': '--remote-name', '-b': '--cookie', '-A': '--user-agent', '-x': '--proxy' } },
  wget: { value: ['-O', '-o', '-P', '-U', '-e', '-i', '-t', '-T', '--post-data', '--post-file', '--header',
    '--body-data', '--body-file', '--method', '--output-document', '--user', '--password'],
  aliases: { '-O': '--output-document', '-q': '--quiet', '-i': '--input-file', '-P': '--directory-prefix' } },
  nc: { value: ['-e', '-c', '-p', '-s', '-w', '-i', '-q', '-x', '-X', '-I', '-O', '-T', '-V', '--exec', '--sh-exec', '--lua-exec'],
    aliases: { '--listen': '-l' } },
  ssh: { value: ['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w'] },
  python: { value: ['-c', '-m', '-W', '-X'] },
  perl: { value: ['-e', '-E', '-M', '-I'] },
  ruby: { value: ['-e', '-r', '-I'] },
  node: { value: ['-e', '--eval', '-p', '--print', '-r', '--require'] },
  rg: { value: ['--pre', '--pre-glob', '-A', '-B', '-C', '-e', '-f', '-g', '--glob', '-m', '-M', '-t', '-T', '-j', '--type'],
    aliases: { '-z': '--search-zip' } },
  crontab: { value: ['-u'] },
  dd: {},
  git: {
    subcommands: true,
    globalValue: ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env', '--super-prefix'],
    subValue: {
      push: ['-o', '--push-option', '--repo', '--receive-pack', '--exec'],
      commit: ['-m', '--message', '-F', '--file', '-c', '-C', '--author', '--date', '--fixup', '--squash'],
      clean: ['-e', '--exclude'],
      branch: ['-u', '--set-upstream-to', '--contains', '--no-contains', '--merged', '--no-merged', '--points-at'],
      checkout: ['-b', '-B', '--orphan', '--conflict'],
      switch: ['-c', '-C', '--create', '--force-create', '--orphan'],
      restore: ['-s', '--source'],
      config: ['-f', '--file', '--blob', '--type', '--default'],
      tag: ['-m', '--message', '-F', '--file', '-u', '--local-user'],
      rebase: ['-x', '--exec', '--onto', '-s', '--strategy', '-X', '--strategy-option'],
      'update-ref': ['-m'],
      diff: ['--output'],
      log: ['--output'],
    },
    aliases: { '-q': '--quiet', '-v': '--verbose' },
    subAliases: {
      push: { '-f': '--force', '-d': '--delete', '-n': '--dry-run', '-u': '--set-upstream' },
      clean: { '-f': '--force', '-n': '--dry-run', '-i': '--interactive' },
      branch: { '-d': '--delete', '-f': '--force', '-m': '--move', '-c': '--copy' },
      checkout: { '-f': '--force' },
      switch: { '-f': '--force', '--discard-changes': '--force' },
      restore: { '-s': '--source', '-W': '--worktree', '-S': '--staged' },
      rebase: { '-x': '--exec', '-i': '--interactive' },
      stash: { '-u': '--include-untracked', '-a': '--all' },
      tag: { '-d': '--delete', '-f': '--force' },
      'update-ref': {},
    },
  },
  docker: CONTAINER,
  podman: CONTAINER,
  kubectl: {
    subcommands: true,
    globalValue: ['-n', '--namespace', '--context', '--kubeconfig', '-s', '--server', '--cluster', '--user', '--as'],
    value: ['-f', '--filename', '-l', '--selector', '-o', '--output', '--grace-period', '--timeout', '-c', '--container',
      '--field-selector', '--replicas', '--current-replicas'],
    aliases: { '-A': '--all-namespaces', '-R': '--recursive' },
  },
  systemctl: { subcommands: true, globalValue: ['-H', '--host', '-M', '--machine', '-t', '--type', '-p', '--property',
    '-o', '--output', '-n', '--lines', '-s', '--signal', '--state'] },
  powershell: { singleDash: true, value: ['-Command', '-c', '-File', '-f', '-ExecutionPolicy', '-ep', '-WindowStyle', '-w'] },
  psql: { value: ['-c', '--command', '-d', '--dbname', '-f', '--file', '-h', '--host', '-p', '--port', '-U', '--username'] },
  mysql: { value: ['-e', '--execute', '-D', '--database', '-h', '--host', '-P', '--port', '-u', '--user'] },
};

/** Spec of `program`, treating versioned interpreters (`python3.12`) like their family. */
export function programSpec(program: string): ProgramSpec | undefined {
  const family = /^(python|perl|ruby|node)[0-9.]*$/.exec(program)?.[1] ?? (/^(pwsh|powershell)(\.exe)?$/i.test(program) ? 'powershell' : undefined);
  const name = family ?? program;
  // Own entries only: a program called `constructor` or `__proto__` has no spec.
  return (Object.hasOwn(PROGRAM_SPECS, name) ? PROGRAM_SPECS[name] : undefined) ?? (program === 'ncat' || program === 'netcat' ? PROGRAM_SPECS['nc'] : undefined);
}
