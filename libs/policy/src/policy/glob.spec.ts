import { RE2JS } from 're2js';
import { GlobSyntaxError } from '../errors/glob-syntax.error';
import { globToRegex, PATH_TOKENS } from './glob';

function matches(glob: string, value: string, mode: 'path' | 'text' = 'path'): boolean {
  return RE2JS.compile(globToRegex(glob, mode)).testExact(value);
}

describe('globToRegex', () => {
  it('given path mode, when * is used, then it stays within one segment while ** spans them', () => {
    expect(matches('/etc/*', '/etc/hosts')).toBe(true);
    expect(matches('/etc/*', '/etc/ssh/sshd_config')).toBe(false);
    expect(matches('/etc/**', '/etc/ssh/sshd_config')).toBe(true);
    expect(matches('/etc/**', '/etc')).toBe(true);
    expect(matches('/a/**/b', '/a/b')).toBe(true);
    expect(matches('/a/**/b', '/a/x/y/b')).toBe(true);
  });

  it('given a relative pattern, when matched, then it matches at any depth', () => {
    expect(matches('.git/hooks/**', '/code/p/.git/hooks/pre-commit')).toBe(true);
    expect(matches('.env', '/code/p/sub/.env')).toBe(true);
    expect(matches('.env', '/code/p/sub/.envrc')).toBe(false);
  });

  it('given placeholders and ~, when matched, then they stand for the context directories', () => {
    expect(matches('~/.ssh/id_*', `${PATH_TOKENS.home}/.ssh/id_rsa`)).toBe(true);
    expect(matches('${workspace}/**', `${PATH_TOKENS.workspace}/src/a.ts`)).toBe(true);
    expect(matches('${workspace}/**', PATH_TOKENS.workspace)).toBe(true);
    expect(matches('${workspace}/**', '/etc/passwd')).toBe(false);
  });

  it('given classes, alternatives and escapes, when matched, then they behave like shell globs', () => {
    expect(matches('/dev/{sd,nvme}[a-z]*', '/dev/sda1')).toBe(true);
    expect(matches('/dev/{sd,nvme}[a-z]*', '/dev/nvme0n1')).toBe(false);
    expect(matches('/dev/[!t]*', '/dev/tty')).toBe(false);
    expect(matches('/\\*', '/*')).toBe(true);
    expect(matches('/\\*', '/etc')).toBe(false);
  });

  it('given text mode, when * is used, then it crosses slashes', () => {
    expect(matches('release/*', 'release/2024/q1', 'text')).toBe(true);
    expect(matches('python*', 'python3.12', 'text')).toBe(true);
    expect(matches('python*', 'xpython', 'text')).toBe(false);
  });

  it('given malformed globs, when translated, then a GlobSyntaxError names the problem', () => {
    expect(() => globToRegex('/a/[bc', 'path')).toThrow(GlobSyntaxError);
    expect(() => globToRegex('{a,b', 'text')).toThrow(/unclosed/);
    expect(() => globToRegex('${nowhere}/x', 'path')).toThrow(/placeholder/);
  });
});
