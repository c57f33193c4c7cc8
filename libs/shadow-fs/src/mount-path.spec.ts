import { parseMountPath, writablePath } from './mount-path';

describe('mount paths', () => {
  it('splits a path into its area and the components below it', () => {
    expect(parseMountPath('/')).toEqual({ ok: true, value: { area: null, parts: [] } });
    expect(parseMountPath('/current/src/a.ts')).toEqual({ ok: true, value: { area: 'current', parts: ['src', 'a.ts'] } });
  });

  it('answers EINVAL for NUL bytes, dot-dot and empty components', () => {
    for (const path of ['/current/a\u0000b', '/current/../etc', '/current/./a', '/current//a', 'current/a']) {
      expect(parseMountPath(path)).toMatchObject({ ok: false, errno: 'EINVAL' });
    }
  });

  it('answers ENAMETOOLONG past 255 bytes in a name or 4096 in the path', () => {
    expect(parseMountPath(`/current/${'a'.repeat(255)}`).ok).toBe(true);
    expect(parseMountPath(`/current/${'a'.repeat(256)}`)).toMatchObject({ ok: false, errno: 'ENAMETOOLONG' });
    expect(parseMountPath(`/current/${'é'.repeat(128)}`)).toMatchObject({ ok: false, errno: 'ENAMETOOLONG' });
    const deep = `/current/${Array.from({ length: 17 }, () => 'b'.repeat(250)).join('/')}`;
    expect(parseMountPath(deep)).toMatchObject({ ok: false, errno: 'ENAMETOOLONG' });
  });

  it('answers ENOENT for a name outside the layout', () => {
    expect(parseMountPath('/etc/passwd')).toMatchObject({ ok: false, errno: 'ENOENT' });
  });

  it('lets only paths below /current change: EROFS in read-only areas, EACCES for the layout', () => {
    expect(writablePath('/current/a')).toEqual({ ok: true, value: ['a'] });
    expect(writablePath('/history/a')).toMatchObject({ ok: false, errno: 'EROFS' });
    expect(writablePath('/streams/all')).toMatchObject({ ok: false, errno: 'EROFS' });
    expect(writablePath('/current')).toMatchObject({ ok: false, errno: 'EACCES' });
    expect(writablePath('/newdir')).toMatchObject({ ok: false, errno: 'EACCES' });
    expect(writablePath('/')).toMatchObject({ ok: false, errno: 'EACCES' });
  });
});
