import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LighthouseError } from '@lighthouse/contracts';
import { ProjectView } from './project-view';

// A directory with the layout of the shared view stands in for the FUSE mount (the mount itself
// is read in the adapter's end-to-end test when FUSE is available).
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: LighthouseError) => ({ code: error.code, message: error.message }),
  );

describe('reading the shared project view', () => {
  let base: string;
  let mount: string;
  let view: ProjectView;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'lh-view-'));
    mount = join(base, 'mnt');
    for (const area of ['current/src', 'history', 'agents', 'streams']) mkdirSync(join(mount, area), { recursive: true });
    writeFileSync(join(mount, 'current', 'README.md'), 'héllo wörld\n');
    writeFileSync(join(mount, 'current', 'src', 'blob.bin'), Buffer.from([0xff, 0xfe, 0x00, 0x01]));
    writeFileSync(join(mount, 'streams', 'all'), '{}\n');
    writeFileSync(join(base, 'secret'), 'outside');
    view = new ProjectView(mount, 2_000);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('lists a folder, with or without the leading slash', async () => {
    expect(await view.list('/')).toEqual({ path: '/', truncated: false, entries: expect.arrayContaining([{ name: 'current', type: 'directory' }]) });
    const listed = await view.list('current/');
    expect(listed.path).toBe('/current');
    expect(listed.entries.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'README.md', type: 'file' },
      { name: 'src', type: 'directory' },
    ]);
  });

  it('reads text as UTF-8 and other bytes as base64', async () => {
    expect(await view.read('/current/README.md', 0, 1024)).toEqual({ path: '/current/README.md', size: 14, offset: 0, bytesRead: 14, encoding: 'utf8', content: 'héllo wörld\n', nextOffset: null });
    expect(await view.read('/current/src/blob.bin', 0, 1024)).toMatchObject({ encoding: 'base64', content: Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64') });
  });

  it('reads a file in parts without cutting a character in two', async () => {
    // "h", then "é" is two bytes: a 2-byte read ends inside it and stops before it instead.
    const first = await view.read('/current/README.md', 0, 2);
    expect(first).toMatchObject({ content: 'h', bytesRead: 1, nextOffset: 1 });
    expect(await view.read('/current/README.md', 1, 3)).toMatchObject({ content: 'él', nextOffset: 4 });
  });

  it('refuses paths that climb out, and symlinks that lead out', async () => {
    expect(await failure(view.read('/current/../../secret', 0, 10))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await failure(view.read('current/./README.md', 0, 10))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await failure(view.read('current/a\u0000b', 0, 10))).toMatchObject({ code: 'VALIDATION_FAILED' });
    symlinkSync(join(base, 'secret'), join(mount, 'current', 'leak'));
    expect(await failure(view.read('/current/leak', 0, 10))).toMatchObject({ code: 'FORBIDDEN', message: expect.stringContaining('outside the project view') });
  });

  it('says what is wrong: a missing file, a folder, a live stream', async () => {
    expect(await failure(view.read('/current/nope.ts', 0, 10))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(view.read('/current/src', 0, 10))).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('is a directory') });
    expect(await failure(view.read('/streams/all', 0, 10))).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('live stream') });
  });

  it('says clearly when the view is not mounted', async () => {
    const empty = join(base, 'empty');
    mkdirSync(empty);
    for (const root of [empty, join(base, 'absent')]) {
      expect(await failure(new ProjectView(root, 1_000).list('/'))).toEqual({
        code: 'SERVICE_UNAVAILABLE',
        message: expect.stringContaining(`the shared project view is not mounted at ${root}`),
      });
    }
  });
});
