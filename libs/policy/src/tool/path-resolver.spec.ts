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
