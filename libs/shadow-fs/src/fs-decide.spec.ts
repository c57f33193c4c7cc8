import { decideChmod, decideCreate, decideMkdir, decideRename, decideRmdir, decideUnlink, decideWrite } from './fs-decide';
import { ShadowState } from './shadow-state';
import { EventBuilder, writtenData } from './testing/event-builder';

const given = () => {
  const log = new EventBuilder();
  const state = new ShadowState();
  for (const event of [log.written('src/a.ts', 'a'), log.written('src/b.ts', 'b'), log.next('fs.directory_created', { path: 'empty', mode: 0o755 })]) state.apply(event);
  return state.tree;
};
const content = { ...writtenData('x', 'x') };

describe('decisions of the writable area', () => {
  it('creates folders and files only where the parent is a folder and the name is free', () => {
    const tree = given();
    expect(decideMkdir(tree, '/current/new', 0o40755)).toEqual({ ok: true, value: { type: 'fs.directory_created', data: { path: 'new', mode: 0o755 } } });
    expect(decideMkdir(tree, '/current/src', 0o755)).toMatchObject({ ok: false, errno: 'EEXIST' });
    expect(decideMkdir(tree, '/current/missing/x', 0o755)).toMatchObject({ ok: false, errno: 'ENOENT' });
    expect(decideCreate(tree, '/current/src/a.ts/x')).toMatchObject({ ok: false, errno: 'ENOTDIR' });
    expect(decideCreate(tree, '/current/src/c.ts')).toEqual({ ok: true, value: 'src/c.ts' });
  });

  it('removes files with unlink and empty folders with rmdir', () => {
    const tree = given();
    expect(decideUnlink(tree, '/current/src/a.ts')).toMatchObject({ ok: true, value: { type: 'fs.file_deleted' } });
    expect(decideUnlink(tree, '/current/src')).toMatchObject({ ok: false, errno: 'EISDIR' });
    expect(decideRmdir(tree, '/current/src')).toMatchObject({ ok: false, errno: 'ENOTEMPTY' });
    expect(decideRmdir(tree, '/current/src/a.ts')).toMatchObject({ ok: false, errno: 'ENOTDIR' });
    expect(decideRmdir(tree, '/current/empty')).toMatchObject({ ok: true, value: { type: 'fs.directory_deleted' } });
    expect(decideUnlink(tree, '/current/nope')).toMatchObject({ ok: false, errno: 'ENOENT' });
  });

  it('renames like rename(2)', () => {
    const tree = given();
    expect(decideRename(tree, '/current/src/a.ts', '/current/src/b.ts')).toMatchObject({ ok: true, value: { type: 'fs.file_renamed' } });
    expect(decideRename(tree, '/current/src', '/current/lib')).toMatchObject({ ok: true, value: { type: 'fs.directory_renamed' } });
    expect(decideRename(tree, '/current/src', '/current/src/inner')).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(decideRename(tree, '/current/src/a.ts', '/current/empty')).toMatchObject({ ok: false, errno: 'EISDIR' });
    expect(decideRename(tree, '/current/empty', '/current/src/a.ts')).toMatchObject({ ok: false, errno: 'ENOTDIR' });
    expect(decideRename(tree, '/current/empty', '/current/src')).toMatchObject({ ok: false, errno: 'ENOTEMPTY' });
    expect(decideRename(tree, '/current/src/a.ts', '/current/src/a.ts')).toEqual({ ok: true, value: null });
    expect(decideRename(tree, '/current/src/a.ts', '/history/a.ts')).toMatchObject({ ok: false, errno: 'EROFS' });
  });

  it('never lets a write leave /current', () => {
    const tree = given();
    expect(decideWrite(tree, '/current/src/c.ts', content, 0o100644)).toMatchObject({ ok: true, value: { data: { path: 'src/c.ts', mode: 0o644 } } });
    expect(decideWrite(tree, '/history/src/c.ts', content, 0o644)).toMatchObject({ ok: false, errno: 'EROFS' });
    expect(decideWrite(tree, '/agents/me.json', content, 0o644)).toMatchObject({ ok: false, errno: 'EROFS' });
    expect(decideWrite(tree, '/current/../etc/passwd', content, 0o644)).toMatchObject({ ok: false, errno: 'EINVAL' });
    expect(decideWrite(tree, `/current/${'n'.repeat(256)}`, content, 0o644)).toMatchObject({ ok: false, errno: 'ENAMETOOLONG' });
    expect(decideWrite(tree, '/current/src', content, 0o644)).toMatchObject({ ok: false, errno: 'EISDIR' });
    expect(decideWrite(tree, '/top-level-file', content, 0o644)).toMatchObject({ ok: false, errno: 'EACCES' });
    expect(decideChmod(tree, '/current/src/a.ts', 0o100755)).toMatchObject({ ok: true, value: { data: { mode: 0o755 } } });
  });

  it('refuses a file with more chunks than an event may name', () => {
    const tree = given();
    const huge = { ...content, chunks: Array.from({ length: 12_001 }, () => content.hash) };
    expect(decideWrite(tree, '/current/big', huge, 0o644)).toMatchObject({ ok: false, errno: 'EFBIG' });
  });
});
