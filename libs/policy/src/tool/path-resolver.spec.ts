import { resolvePath } from './path-resolver';

const base = { cwd: '/code/project', home: '/home/agent' };

describe('resolvePath', () => {
  it.each([
    ['src/../.env', '/code/project/.env'],
    ['./a//b/./c/', '/code/project/a/b/c'],
    ['~/.ssh/id_rsa', '/home/agent/.ssh/id_rsa'],
    ['~root/.bashrc', '/root/.bashrc'],
    ['/proc/self/root/etc/shadow', '/etc/shadow'],
    ['/proc/1/root/proc/self/root/etc/passwd', '/etc/passwd'],
    ['/proc/self/cwd/../secret', '/code/secret'],
    ['/../../etc/hosts', '/etc/hosts'],
    ['/workspace/app/src/index.ts', '/workspace/app/src/index.ts'],
    ['src/parser/index.ts', '/code/project/src/parser/index.ts'],
    ['.env', '/code/project/.env'],
    ['..env/...', '/code/project/..env/...'],
    ['/etc/./shadow', '/etc/shadow'],
    ['/etc/ssh/', '/etc/ssh'],
    ['a/b/..', '/code/project/a'],
    ['/proc/self/root', '/'],
  ])('given %s, when resolved, then it is %s', (raw, expected) => {
    expect(resolvePath(raw, base)).toEqual({ ok: true, path: expected });
  });

  it.each([['a\0b'], [''], ['/dev/fd/3/etc/passwd'], ['/proc/self/fd/7'], ['/dev/stdin']])('given %j, when resolved, then it is refused', (raw) => {
    expect(resolvePath(raw, base).ok).toBe(false);
  });
});

describe('resolvePath through /proc links', () => {
  it('given .. right after a /proc link, when resolved, then it climbs from the link target', () => {
    expect(resolvePath('/proc/self/root/../etc/shadow', base)).toEqual({ ok: true, path: '/etc/shadow' });
    expect(resolvePath('/proc/self/cwd/../../etc', base)).toEqual({ ok: true, path: '/etc' });
  });
});

describe('resolvePath from an odd working directory', () => {
  it('given a cwd under /proc or not canonical, when a plain relative path is resolved, then the walk decides', () => {
    expect(resolvePath('etc/shadow', { cwd: '/proc/self/root', home: '/home/agent' })).toEqual({ ok: true, path: '/etc/shadow' });
    expect(resolvePath('x', { cwd: '/code/../srv/', home: '/home/agent' })).toEqual({ ok: true, path: '/srv/x' });
    expect(resolvePath('x', { cwd: '/', home: '/home/agent' })).toEqual({ ok: true, path: '/x' });
  });
});
