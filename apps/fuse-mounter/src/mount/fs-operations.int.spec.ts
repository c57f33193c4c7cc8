import { createHash, randomBytes } from 'node:crypto';
import { constants, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FS_STREAM } from '@lighthouse/contracts';
import { createLogger } from '@lighthouse/observability';
import { filesBelow, type TreeNode } from '@lighthouse/shadow-fs';
import { buildServices, startNats, waitFor as poll, type BuiltServices, type NatsHandle } from '@lighthouse/testing';
import { EventStoreClient, NatsBus, useNativeObjectDigest } from '@lighthouse/transport';
import { ChunkCache } from '../content/chunk-cache';
import { ObjectChunkStore } from '../content/chunk-store';
import { ContentWriter } from '../content/content-writer';
import { importTree } from '../import/import.command';
import { ShadowSync } from '../sync/shadow-sync';
import { startEventStore, type Child } from '../testing/process-stack';
import { FsOperations } from './fs-operations';

// Two pods' filesystems without a kernel mount: the same FsOperations the FUSE binding calls,
// against a real NATS (JetStream object store) and the built event store. Runs everywhere,
// /dev/fuse or not.
const logger = createLogger('fuse-test', 'silent');
const CHUNK = 64 * 1024;
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface Pod {
  ops: FsOperations;
  sync: ShadowSync;
  cache: ChunkCache;
  writer: ContentWriter;
  bus: NatsBus;
}

describe('the shared filesystem of two pods (no kernel mount)', () => {
  let nats: NatsHandle;
  let dir: string;
  let store: Child;
  let services: BuiltServices;
  let client: EventStoreClient;
  let clientBus: NatsBus;
  let a: Pod;
  let b: Pod;

  const pod = async (name: string, cacheBytes = 64 * 1024 * 1024): Promise<Pod> => {
    const bus = await NatsBus.connect({ servers: nats.url, name });
    const chunks = await ObjectChunkStore.open(bus.streams, 'lighthouse-fs');
    const cache = await ChunkCache.open({ dir: join(dir, name), maxBytes: cacheBytes, store: chunks });
    const sync = new ShadowSync({ bus: bus, store: new EventStoreClient(bus), agent: `pod-${name}`, logger, checkEveryMs: 500 });
    await sync.start();
    const spoolDir = join(dir, name, 'spool');
    mkdirSync(spoolDir, { recursive: true });
    const writer = new ContentWriter(chunks, cache, CHUNK);
    return { ops: new FsOperations({ sync, cache, writer, spoolDir, logger }), sync, cache, writer, bus };
  };

  const writeFile = async (on: Pod, path: string, bytes: Buffer, pieces = 3): Promise<void> => {
    const exists = on.sync.state.tree.lookup(path.slice('/current/'.length).split('/')) !== undefined;
    const fd = exists ? await on.ops.open(path, constants.O_WRONLY | constants.O_TRUNC) : await on.ops.create(path, 0o644);
    const step = Math.ceil(bytes.length / pieces);
    for (let at = 0; at < bytes.length; at += step) await on.ops.write(fd, bytes.subarray(at, at + step), Math.min(step, bytes.length - at), at);
    await on.ops.flush(fd);
    await on.ops.release(fd);
  };

  const readFile = async (on: Pod, path: string, size: number, piece = 50_000): Promise<Buffer> => {
    const fd = await on.ops.open(path, constants.O_RDONLY);
    const out = Buffer.alloc(size);
    try {
      for (let at = 0; at < size; ) {
        const got = await on.ops.read(fd, out.subarray(at), Math.min(piece, size - at), at);
        if (got === 0) break;
        at += got;
      }
    } finally {
      await on.ops.release(fd);
    }
    return out;
  };

  const seenBy = (on: Pod, sequence?: number) => poll(async () => on.sync.state.lastSequence >= (sequence ?? (await client.head()).lastSequence), 10_000, 'the pod to catch up');

  beforeAll(async () => {
    services = await buildServices({ apps: ['event-store'], tag: 'fs-ops' });
    const main = services.main('event-store');
    nats = await startNats();
    dir = mkdtempSync(join(tmpdir(), 'lh-fsops-'));
    clientBus = await NatsBus.connect({ servers: nats.url, name: 'test-client' });
    client = new EventStoreClient(clientBus, 2000);
    store = await startEventStore(main, nats.url, join(dir, 'events'), () => client.head());
    [a, b] = await Promise.all([pod('a'), pod('b')]);
  }, 60_000);

  afterAll(async () => {
    for (const p of [a, b]) {
      p?.sync.stop();
      await p?.ops.closeAll();
      p?.cache.close();
      await p?.bus.close();
    }
    await clientBus?.close();
    await store?.stop();
    await nats?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    services?.remove();
  });

  it('reads on pod B the bytes written on pod A, across chunk edges', async () => {
    const bytes = randomBytes(5 * CHUNK + 1234);
    await a.ops.mkdir('/current/src', 0o755);
    await writeFile(a, '/current/src/data.bin', bytes);
    await seenBy(b);
    expect(b.ops.getattr('/current/src/data.bin')).toMatchObject({ size: bytes.length, mode: constants.S_IFREG | 0o644 });
    expect((await readFile(b, '/current/src/data.bin', bytes.length, 40_000)).equals(bytes)).toBe(true);
    const node = b.sync.state.tree.lookup(['src', 'data.bin']);
    expect(node).toMatchObject({ kind: 'file', hash: sha(bytes), owner: 'pod-a' });
    expect(node?.kind === 'file' && node.chunks).toHaveLength(6);
  });

  it('acknowledges a close only once the event is in the store and the pod shows it', async () => {
    const bytes = Buffer.from('committed before close returns\n');
    await writeFile(a, '/current/ack.txt', bytes, 1);
    expect(a.ops.getattr('/current/ack.txt').size).toBe(bytes.length);
    const { events } = await client.read({ stream: FS_STREAM, type: 'fs.file_written', fromSequence: 1, limit: 1000 });
    expect(events.at(-1)).toMatchObject({ agent: 'pod-a', data: { path: 'ack.txt', hash: sha(bytes), size: bytes.length } });
  });

  it('propagates renames and deletes, and keeps every version in history', async () => {
    await writeFile(a, '/current/notes.md', Buffer.from('v1\n'), 1);
    await writeFile(a, '/current/notes.md', Buffer.from('version two\n'), 1);
    await seenBy(b);
    await b.ops.rename('/current/notes.md', '/current/src/notes.md');
    await b.ops.rename('/current/src', '/current/lib');
    await seenBy(a);
    expect(() => a.ops.getattr('/current/notes.md')).toThrow(expect.objectContaining({ errno: 'ENOENT' }));
    expect(a.ops.readdir('/current/lib')).toEqual(expect.arrayContaining(['notes.md', 'data.bin']));
    await a.ops.unlink('/current/lib/notes.md');
    await seenBy(b);
    expect(b.ops.readdir('/current/lib')).not.toContain('notes.md');
    const versions = b.ops.readdir('/history/notes.md').filter((name) => !name.startsWith('.'));
    expect(versions).toHaveLength(2);
    expect((await readFile(b, `/history/notes.md/${versions[0]}`, 3)).toString()).toBe('v1\n');
    expect(b.ops.readdir('/history/lib/notes.md').filter((name) => !name.startsWith('.'))).toHaveLength(1);
  });

  it('keeps a file until it is overwritten, empties it on O_TRUNC, and commits a truncate at once', async () => {
    await writeFile(a, '/current/edit.txt', Buffer.from('hello world'), 1);
    const fd = await a.ops.open('/current/edit.txt', constants.O_WRONLY);
    await a.ops.write(fd, Buffer.from('J'), 1, 0);
    await a.ops.flush(fd);
    await a.ops.release(fd);
    await seenBy(b);
    expect((await readFile(b, '/current/edit.txt', 11)).toString()).toBe('Jello world');
    const trunc = await a.ops.open('/current/edit.txt', constants.O_WRONLY | constants.O_TRUNC);
    expect(a.ops.getattr('/current/edit.txt').size).toBe(0);
    await a.ops.write(trunc, Buffer.from('new'), 3, 0);
    await a.ops.flush(trunc);
    await a.ops.release(trunc);
    await a.ops.truncate('/current/edit.txt', 2);
    await seenBy(b);
    expect((await readFile(b, '/current/edit.txt', 2)).toString()).toBe('ne');
  });

  it('refuses bad paths and writes outside /current with their errno, and nothing reaches the store', async () => {
    const before = (await client.head()).lastSequence;
    const [version] = a.ops.readdir('/history/ack.txt').filter((name) => !name.startsWith('.'));
    expect(() => a.ops.open(`/history/ack.txt/${version}`, constants.O_WRONLY)).toThrow(expect.objectContaining({ errno: 'EROFS' }));
    expect(() => a.ops.open('/history/ack.txt', constants.O_WRONLY)).toThrow(expect.objectContaining({ errno: 'EISDIR' }));
    await expect(a.ops.create('/agents/me.json', 0o644)).rejects.toMatchObject({ errno: 'EROFS' });
    await expect(a.ops.create('/current/a\u0000b', 0o644)).rejects.toMatchObject({ errno: 'EINVAL' });
    await expect(a.ops.create('/current/../escape', 0o644)).rejects.toMatchObject({ errno: 'EINVAL' });
    await expect(a.ops.create(`/current/${'x'.repeat(256)}`, 0o644)).rejects.toMatchObject({ errno: 'ENAMETOOLONG' });
    await expect(a.ops.mkdir(`/current/${'d/'.repeat(2100)}x`, 0o755)).rejects.toMatchObject({ errno: 'ENAMETOOLONG' });
    await expect(a.ops.mkdir('/current', 0o755)).rejects.toMatchObject({ errno: 'EACCES' });
    await expect(a.ops.mkdir('/outside', 0o755)).rejects.toMatchObject({ errno: 'EACCES' });
    await expect(a.ops.rename('/current/ack.txt', '/history/ack.txt')).rejects.toMatchObject({ errno: 'EROFS' });
    await expect(a.ops.rmdir('/current/lib')).rejects.toMatchObject({ errno: 'ENOTEMPTY' });
    await expect(a.ops.truncate('/current/ack.txt', a.writer.maxFileBytes + 1)).rejects.toMatchObject({ errno: 'EFBIG' });
    expect((await client.head()).lastSequence).toBe(before);
  });

  it('converges: both pods changing the same paths at once end with one tree', async () => {
    await a.ops.mkdir('/current/race', 0o755);
    await seenBy(b);
    const work = (p: Pod, tag: string) =>
      (async () => {
        for (let i = 0; i < 12; i++) {
          const name = `/current/race/f${i % 4}`;
          await Promise.resolve()
            .then(async () => {
              if (i % 3 === 2) await p.ops.rename(name, `/current/race/g${i % 2}`);
              else if (i % 5 === 4) await p.ops.unlink(name);
              else await writeFile(p, name, Buffer.from(`${tag}${i}`), 1);
            })
            .catch(() => undefined);
        }
      })();
    await Promise.all([work(a, 'a'), work(b, 'b')]);
    const head = (await client.head()).lastSequence;
    await Promise.all([seenBy(a, head), seenBy(b, head)]);
    expect(snapshot(a.sync.state.tree.root)).toEqual(snapshot(b.sync.state.tree.root));
    expect([...filesBelow(a.sync.state.tree.root)].length).toBeGreaterThan(0);
  });

  it('keeps the chunk cache within its bound and fetches evicted chunks again', async () => {
    const small = await pod('small-cache', 3 * CHUNK);
    try {
      await seenBy(small);
      const size = a.ops.getattr('/current/lib/data.bin').size;
      const first = await readFile(small, '/current/lib/data.bin', size, CHUNK);
      const again = await readFile(small, '/current/lib/data.bin', size, CHUNK);
      expect(first.equals(again)).toBe(true);
      const node = small.sync.state.tree.lookup(['lib', 'data.bin']);
      expect(node?.kind === 'file' && node.hash).toBe(sha(first));
      expect(small.cache.stats.bytes).toBeLessThanOrEqual(3 * CHUNK);
      expect(small.cache.stats.fetchedBytes).toBeGreaterThan(size);
    } finally {
      small.sync.stop();
      small.cache.close();
      await small.bus.close();
    }
  });

  it('imports a checkout into /current, once', async () => {
    const checkout = join(dir, 'checkout');
    mkdirSync(join(checkout, 'pkg', 'empty'), { recursive: true });
    mkdirSync(join(checkout, '.git'), { recursive: true });
    writeFileSync(join(checkout, 'pkg', 'index.ts'), 'export const x = 1;\n');
    writeFileSync(join(checkout, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
    writeFileSync(join(checkout, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    const first = await importTree(checkout, new Set(['.git']), a.sync, a.writer, logger);
    expect(first).toMatchObject({ directories: 2, files: 2, unchanged: 0 });
    await seenBy(b, first.lastSequence);
    expect(b.ops.getattr('/current/run.sh').mode).toBe(constants.S_IFREG | 0o755);
    expect(b.ops.readdir('/current/pkg')).toEqual(expect.arrayContaining(['index.ts', 'empty']));
    expect(() => b.ops.getattr('/current/.git')).toThrow();
    expect(await importTree(checkout, new Set(['.git']), a.sync, a.writer, logger)).toMatchObject({ directories: 0, files: 0, unchanged: 2 });
  });

  it('uses the native SHA-256 for the object store', () => {
    expect(useNativeObjectDigest()).toBe(true);
  });
});

function snapshot(node: TreeNode): unknown {
  if (node.kind === 'file') return node.hash;
  return Object.fromEntries([...node.children].sort(([x], [y]) => (x < y ? -1 : 1)).map(([name, child]) => [name, snapshot(child)]));
}
