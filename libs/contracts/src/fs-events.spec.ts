import { FS_EVENT_DATA, FS_EVENT_TYPES, ProjectPathSchema } from './fs-events';

const hash = 'a'.repeat(64);

describe('fs event contracts', () => {
  it('names every fs event <context>.<what_happened> in the fs context', () => {
    for (const type of FS_EVENT_TYPES) expect(type).toMatch(/^fs\.[a-z_]+$/);
  });

  it('accepts project paths and refuses path tricks', () => {
    expect(ProjectPathSchema.safeParse('src/main.ts').success).toBe(true);
    expect(ProjectPathSchema.safeParse('a b/ünïcode.txt').success).toBe(true);
    for (const bad of ['', '/abs', 'trailing/', 'a//b', '../etc/passwd', 'a/./b', 'a/../b', 'nul\u0000byte', `${'x'.repeat(256)}`]) {
      expect(ProjectPathSchema.safeParse(bad).success).toBe(false);
    }
    expect(ProjectPathSchema.safeParse(`${'é'.repeat(128)}`).success).toBe(false);
    expect(ProjectPathSchema.safeParse(Array.from({ length: 20 }, () => 'y'.repeat(250)).join('/')).success).toBe(false);
  });

  it('a written file names its chunks by hash, never carries its bytes', () => {
    const data = { path: 'a.txt', size: 3, hash, chunkSize: 1 << 20, chunks: [hash], mode: 0o644 };
    expect(FS_EVENT_DATA['fs.file_written'].parse(data)).toEqual(data);
    expect(FS_EVENT_DATA['fs.file_written'].safeParse({ ...data, content: 'abc' }).success).toBe(false);
    expect(FS_EVENT_DATA['fs.file_written'].safeParse({ ...data, hash: 'ABC' }).success).toBe(false);
    expect(FS_EVENT_DATA['fs.file_written'].safeParse({ ...data, mode: 0o100644 }).success).toBe(false);
  });

  it('defaults an annotation to a note', () => {
    expect(FS_EVENT_DATA['fs.annotation_added'].parse({ path: 'a.txt', text: 'looks racy' }).kind).toBe('note');
  });
});
