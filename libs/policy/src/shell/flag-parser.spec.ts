import { canonicalFlag, parseArgs } from './flag-parser';

describe('parseArgs', () => {
  it('given kubectl with a global namespace, when parsed, then the subcommand follows the option value', () => {
    expect(parseArgs('kubectl', ['-n', 'prod', 'delete', 'ns', 'prod', '--grace-period', '0'])).toEqual({
      subcommand: 'delete',
      globalFlags: ['-n=prod'],
      flags: ['--grace-period=0'],
      positionals: ['ns', 'prod'],
    });
  });

  it('given single-dash programs, when parsed, then -name is one option with its value', () => {
    expect(parseArgs('find', ['.', '-name', '*.ts', '-delete']).flags).toEqual(['-name=*.ts', '-delete']);
    expect(parseArgs('kill', ['-KILL', '12']).flags).toEqual(['-KILL']);
  });

  it('given an unknown program, when parsed, then short clusters are split and nothing takes a value', () => {
    expect(parseArgs('frob', ['-abc', 'x', '--long=v', '--', '-notaflag'])).toEqual({
      subcommand: undefined,
      globalFlags: [],
      flags: ['-a', '-b', '-c', '--long=v', '--'],
      positionals: ['x', '-notaflag'],
    });
  });

  it('given a subcommand or program named like an Object.prototype member, when parsed, then it is an ordinary word (it used to throw)', () => {
    // On main before this change, `git constructor -x` threw "… is not iterable" out of decide().
    expect(parseArgs('git', ['constructor', '-x']).subcommand).toBe('constructor');
    expect(parseArgs('git', ['__proto__', '-Z']).flags).toEqual(['-Z']);
    expect(parseArgs('toString', ['-x', 'y'])).toEqual({ subcommand: undefined, globalFlags: [], flags: ['-x'], positionals: ['y'] });
  });

  it('given a value flag at the end of a cluster, when parsed, then the next argument is its value', () => {
    expect(parseArgs('curl', ['-sSLo', 'out.html', 'http://x']).flags).toEqual(['--silent', '--show-error', '--location', '--output=out.html']);
  });
});

describe('canonicalFlag', () => {
  it('given per-subcommand aliases, when canonicalised, then the spelling depends on the subcommand', () => {
    expect(canonicalFlag('git', 'push', '-f')).toBe('--force');
    expect(canonicalFlag('git', 'commit', '-f')).toBe('-f');
    expect(canonicalFlag('truncate', undefined, '-s=0')).toBe('--size=0');
    expect(canonicalFlag('nosuchprogram', undefined, '-f')).toBe('-f');
  });
});
