import { accessSync, constants, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBJECTS, type NewEvent } from '@lighthouse/contracts';
import { buildServices, rssBytesOf, spawnService, startNats, waitFor as poll, whichBinary, type BuiltServices, type NatsHandle } from '@lighthouse/testing';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { cleanUp, mountsUnder, sh, startEventStore, startMounter, waitMounted, type Child, type Mounter } from './testing/process-stack';

// The built fuse-mounter, mounted for real (two mounts on this machine stand in for two pods),
// driven with ordinary shell tools. Every command against a mount runs under `timeout`.
const skipReason = ((): string | null => {
  if (process.getuid?.() !== 0) return 'not running as root';
  try {
    accessSync('/dev/fuse', constants.R_OK | constants.W_OK);
  } catch {
    return 'this machine has no usable /dev/fuse';
  }
  if (!whichBinary('fusermount')) return 'fusermount is not installed (apt-get install fuse)';
  return null;
})();
if (skipReason) process.stderr.write(`fuse-mounter mount tests skipped: ${skipReason}\n`);
const describeMount = skipReason ? describe.skip : describe;

const MiB = 1024 * 1024;

describeMount('fuse-mounter mounted for real', () => {
  let nats: NatsHandle;
  let dir: string;
  let store: Child;
  let bus: NatsBus;
  let client: EventStoreClient;
  let mounterMain: string;
  let services: BuiltServices;
  let a: Mounter;
  let b: Mounter;

  const ok = async (script: string, seconds = 20): Promise<string> => {
    const result = await sh(script, seconds, dir);
    if (result.code !== 0) throw new Error(`${script} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };
  /** Waits until `script` prints `expected` (another pod's change arrives as an event). */
  const eventually = (script: string, expected: string) =>
    poll(async () => (await sh(script, 5, dir)).stdout === expected, 10_000, `${script} to print ${JSON.stringify(expected)}`);

  beforeAll(async () => {
    services = await buildServices({ apps: ['event-store', 'fuse-mounter'], tag: 'fuse-mount' });
    const storeMain = services.main('event-store');
    mounterMain = services.main('fuse-mounter');
    nats = await startNats();
    dir = mkdtempSync(join(tmpdir(), 'lh-fuse-'));
    bus = await NatsBus.connect({ servers: nats.url, name: 'fuse-test' });
    client = new EventStoreClient(bus, 3000);
    // All three at once: a mounter retries until the store answers.
    [store, a, b] = await Promise.all([
      startEventStore(storeMain, nats.url, join(dir, 'events'), () => client.head()),
      startMounter(mounterMain, nats.url, dir, 'a'),
      startMounter(mounterMain, nats.url, dir, 'b', { LH_FUSE_CACHE_BYTES: String(32 * MiB) }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.process.stop(), b?.process.stop()]);
    const left = dir ? mountsUnder(dir) : [];
    await bus?.close();
    await store?.stop();
    await nats?.stop();
    const stale = dir ? await cleanUp(dir) : [];
    services?.remove();
    // A mounter that stops (SIGTERM) unmounts itself: nothing may be left for cleanUp to detach.
    expect(left).toEqual([]);
    expect(stale).toEqual([]);
  }, 30_000);

  it('shows one project to every pod: written through A, the same bytes read through B', async () => {
    await ok(`mkdir -p mnt-a/current/src/lib && printf 'export const answer = 42;\\n' > mnt-a/current/src/lib/answer.ts && head -c 300000 /dev/urandom > mnt-a/current/src/blob.bin`);
    await eventually('cat mnt-b/current/src/lib/answer.ts', 'export const answer = 42;\n');
    await eventually('sha256sum < mnt-b/current/src/blob.bin', await ok('sha256sum < mnt-a/current/src/blob.bin'));
    expect(await ok('ls mnt-b mnt-b/current/src')).toBe('mnt-b:\nagents\ncurrent\ndelegations\nhistory\nreservations\nshadows\nstreams\n\nmnt-b/current/src:\nblob.bin\nlib\n');
    expect(await ok(`stat -c '%s %A' mnt-b/current/src/lib/answer.ts`)).toBe('26 -rw-r--r--\n');
    expect(await bus.request(SUBJECTS.fuse.health, {})).toMatchObject({ service: 'fuse-mounter', status: 'up', detail: { mounted: true, tree: { files: 2 } } });
  });

  it('propagates renames and deletes, of files and folders', async () => {
    await ok('printf one > mnt-a/current/rename-me.txt && mkdir mnt-a/current/old-dir && printf two > mnt-a/current/old-dir/inner.txt');
    await eventually('cat mnt-b/current/old-dir/inner.txt', 'two');
    await ok('mv mnt-b/current/rename-me.txt mnt-b/current/renamed.txt && mv mnt-b/current/old-dir mnt-b/current/new-dir');
    await eventually('ls mnt-a/current | grep -E "rename|dir"', 'new-dir\nrenamed.txt\n');
    expect(await ok('cat mnt-a/current/new-dir/inner.txt mnt-a/current/renamed.txt')).toBe('twoone');
    await ok('rm mnt-a/current/renamed.txt && rm -r mnt-a/current/new-dir');
    await eventually('ls mnt-b/current | grep -cE "rename|dir" || true', '0\n');
  });

  it('shows every past version under /history, read-only, named by sequence and time', async () => {
    await ok('printf v1 > mnt-a/current/doc.md && printf version-two > mnt-a/current/doc.md && printf v3 > mnt-b/current/doc.md');
    await eventually('cat mnt-a/current/doc.md', 'v3');
    const versions = (await ok('ls mnt-a/history/doc.md')).trim().split('\n');
    expect(versions).toHaveLength(3);
    for (const name of versions) expect(name).toMatch(/^\d{9}_\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(await ok(`cd mnt-b/history/doc.md && cat ${versions.join(' ')}`)).toBe('v1version-twov3');
    const refused = await sh(`printf x > mnt-a/history/doc.md/${versions[0]}`, 5, dir);
    expect(refused.stderr).toMatch(/Read-only file system/);
  });

  it('answers bad paths and writes outside /current with their errno, never reaching the store', async () => {
    await ok('printf keep > mnt-a/current/keep.md');
    const before = (await client.head()).lastSequence;
    const attempts = await sh(
      [
        `touch mnt-a/current/${'n'.repeat(256)}`,
        'touch mnt-a/agents/me.json',
        'mkdir mnt-a/new-area',
        'touch mnt-a/streams/all',
        'rmdir mnt-a/current',
        'mv mnt-a/current/keep.md mnt-a/history/keep.md',
      ]
        .map((command) => `${command} 2>&1; true`)
        .join('; '),
      10,
      dir,
    );
    const errors = attempts.stdout.trim().split('\n').map((line) => line.replace(/^.*: /, ''));
    expect(errors).toEqual(['File name too long', 'Read-only file system', 'Permission denied', 'Read-only file system', 'Permission denied', 'Read-only file system']);
    expect((await client.head()).lastSequence).toBe(before);
  });

  it('shows annotations, agents, open delegations and live streams from the event log', async () => {
    const tail = spawnService({ name: 'tail', command: 'timeout', args: ['8', 'tail', '-n', '0', '-s', '0.1', '-f', join(b.mountPoint, 'streams', 'fs')] });
    await new Promise((done) => setTimeout(done, 500));
    const event = (type: string, stream: string, data: Record<string, unknown>, agent = 'expert-7'): NewEvent => ({
      id: randomUUID(),
      type,
      stream,
      agent,
      correlationId: 'fuse-test',
      causationId: null,
      schemaVersion: 1,
      data,
    });
    await client.append({ events: [event('fs.annotation_added', 'fs', { path: 'src/lib/answer.ts', kind: 'review', text: 'why 42?' })] });
    await client.append({ events: [event('session.created', 'agent:alice', { sessionId: 'a'.repeat(22) }, 'alice')] });
    const delegation = randomUUID();
    await client.append({ events: [event('delegation.created', `delegation-${delegation}`, { id: delegation, requester: 'bob', request: { title: 'review answer.ts' } }, 'bob')] });
    await eventually(`ls mnt-a/delegations`, `${delegation}.json\n`);
    expect(JSON.parse(await ok(`cat mnt-a/shadows/src/lib/answer.ts`))).toMatchObject({ agent: 'expert-7', kind: 'review', text: 'why 42?' });
    expect(JSON.parse(await ok('cat mnt-a/agents/alice.json'))).toMatchObject({ agent: 'alice', connected: true });
    expect(JSON.parse(await ok(`cat mnt-a/delegations/${delegation}.json`))).toMatchObject({ state: 'queued', title: 'review answer.ts' });
    await ok('printf streamed > mnt-a/current/streamed.txt');
    await poll(() => tail.output().includes('"path":"streamed.txt"'), 5000, 'tail -f of /streams/fs to print the write');
    await tail.stop();
    const lines = tail.output().trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => line.type)).toEqual(['fs.annotation_added', 'fs.file_written']);
    // Issue 14, item 4: the shared view is read by every agent on the pod, so its streams carry
    // only what the visibility rule gives the mount: public streams, not agents' sessions or delegations.
    const all = await ok('cat mnt-a/streams/all');
    expect(all).not.toContain('agent:alice');
    expect(all).not.toContain(`delegation-${delegation}`);
    expect(await ok('cat mnt-a/streams/agents mnt-a/streams/delegations')).toBe('');
  });

  it('imports a checkout into /current', async () => {
    const checkout = join(dir, 'checkout');
    mkdirSync(join(checkout, 'tools'), { recursive: true });
    writeFileSync(join(checkout, 'tools', 'build.sh'), '#!/bin/sh\necho built\n', { mode: 0o755 });
    const result = await sh(`NATS_URL=${nats.url} LH_LOG_LEVEL=warn ${process.execPath} ${mounterMain} import ${checkout}`, 30, dir);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1) as string)).toMatchObject({ files: 1, directories: 1 });
    await eventually('mnt-b/current/tools/build.sh', 'built\n');
  }, 40_000);

  it('copies a 200 MB file in and out unchanged, with the mounters memory bounded', async () => {
    const source = join(dir, 'big.bin');
    await ok(`head -c ${200 * MiB} /dev/urandom > ${source}`, 30);
    const before = { a: rssBytesOf(a.process.pid), b: rssBytesOf(b.process.pid) };
    const peak = { ...before };
    const sampler = setInterval(() => {
      peak.a = Math.max(peak.a, rssBytesOf(a.process.pid));
      peak.b = Math.max(peak.b, rssBytesOf(b.process.pid));
    }, 100);
    try {
      await ok(`cp ${source} mnt-a/current/big.bin`, 60);
      await ok(`cp mnt-b/current/big.bin ${join(dir, 'big.out')}`, 60);
      await ok(`cmp ${source} ${join(dir, 'big.out')}`, 30);
    } finally {
      clearInterval(sampler);
      await sh(`rm -f ${source} ${join(dir, 'big.out')}`);
    }
    // The file went through both; a mounter that held it in memory would grow by 200 MB.
    expect(peak.a - before.a).toBeLessThan(120 * MiB);
    expect(peak.b - before.b).toBeLessThan(120 * MiB);
    expect(Number((await ok(`du -sm ${b.cacheDir}`)).split('\t')[0])).toBeLessThanOrEqual(40);
  }, 120_000);

  it('after kill -9 leaves no hung mount once restarted, and catches up with what it missed', async () => {
    a.process.child.kill('SIGKILL');
    await new Promise((done) => a.process.child.once('exit', done));
    expect(mountsUnder(a.mountPoint)).toEqual([a.mountPoint]);
    expect((await sh('ls mnt-a/current', 5, dir)).stderr).toMatch(/Transport endpoint is not connected/);
    await ok('printf "while A was down" > mnt-b/current/missed.txt');
    a = { ...a, process: spawnService({ name: 'fuse-mounter-a', main: mounterMain, env: a.env }) };
    await waitMounted(a);
    expect(mountsUnder(a.mountPoint)).toEqual([a.mountPoint]);
    await eventually('cat mnt-a/current/missed.txt', 'while A was down');
    expect(await ok('cat mnt-a/current/src/lib/answer.ts')).toBe('export const answer = 42;\n');
  }, 60_000);
});
