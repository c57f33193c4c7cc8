import { accessSync, constants, mkdtempSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESERVATIONS_STREAM, type NewEvent } from '@lighthouse/contracts';
import { buildServices, startNats, waitFor as poll, whichBinary, type BuiltServices, type NatsHandle } from '@lighthouse/testing';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';
import { cleanUp, mountsUnder, sh, startEventStore, startMounter, type Child, type Mounter } from './testing/process-stack';

// `/reservations` of the shared view, through a real mount of the built fuse-mounter: reservation
// events committed to the store (as the router writes them) appear as read-only JSON files, one
// per live reservation, and leave with the event that ends them. Every command against the mount
// runs under `timeout`; the mount is always taken down.
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
if (skipReason) process.stderr.write(`reservations view mount tests skipped: ${skipReason}\n`);
const describeMount = skipReason ? describe.skip : describe;

describeMount('/reservations in the mounted shared view', () => {
  let nats: NatsHandle;
  let dir: string;
  let store: Child;
  let bus: NatsBus;
  let client: EventStoreClient;
  let services: BuiltServices;
  let mount: Mounter;

  const ok = async (script: string, seconds = 10): Promise<string> => {
    const result = await sh(script, seconds, dir);
    if (result.code !== 0) throw new Error(`${script} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  };
  const eventually = (script: string, expected: string) =>
    poll(async () => (await sh(script, 5, dir)).stdout === expected, 15_000, `${script} to print ${JSON.stringify(expected)}`);
  const append = (type: string, data: Record<string, unknown>) => {
    const event: NewEvent = { id: randomUUID(), type, stream: RESERVATIONS_STREAM, agent: 'delegation-router', correlationId: 'fuse-test', causationId: null, schemaVersion: 1, data: { ...data, at: new Date().toISOString() } };
    return client.append({ events: [event] });
  };
  const reserve = (id: string, holder: string, pattern: string, epoch: number) =>
    append('reservation.reserved', { id, holder, sessionId: 'r'.repeat(22), pattern, mode: 'exclusive', reason: `editing ${pattern}`, epoch, expiresAt: new Date(Date.now() + 3600_000).toISOString() });

  beforeAll(async () => {
    services = await buildServices({ apps: ['event-store', 'fuse-mounter'], tag: 'fuse-reservations' });
    nats = await startNats();
    dir = mkdtempSync(join(tmpdir(), 'lh-fuse-res-'));
    bus = await NatsBus.connect({ servers: nats.url, name: 'fuse-reservations-test' });
    client = new EventStoreClient(bus, 5000);
    [store, mount] = await Promise.all([startEventStore(services.main('event-store'), nats.url, join(dir, 'events'), () => client.head()), startMounter(services.main('fuse-mounter'), nats.url, dir, 'r')]);
  }, 120_000);

  afterAll(async () => {
    await mount?.process.stop();
    const left = dir ? mountsUnder(dir) : [];
    await bus?.close();
    await store?.stop();
    await nats?.stop();
    const stale = dir ? await cleanUp(dir) : [];
    services?.remove();
    expect(left).toEqual([]);
    expect(stale).toEqual([]);
  }, 30_000);

  it('lists live reservations as JSON files that follow the events (reserved, renewed, released, forced), and refuses writes', async () => {
    expect(await ok('ls mnt-r')).toContain('reservations\n');
    expect(await ok('ls mnt-r/reservations')).toBe('');
    const [mine, theirs] = [randomUUID(), randomUUID()];
    await reserve(mine, 'ana', 'src/auth/**', 1);
    await reserve(theirs, 'bo', 'docs/**', 2);
    await eventually('ls mnt-r/reservations', [mine, theirs].sort().map((id) => `${id}.json\n`).join(''));
    expect(JSON.parse(await ok(`cat mnt-r/reservations/${mine}.json`))).toMatchObject({ id: mine, holder: 'ana', pattern: 'src/auth/**', mode: 'exclusive', reason: 'editing src/auth/**', epoch: 1, lastEvent: 'reservation.reserved' });
    const later = new Date(Date.now() + 7200_000).toISOString();
    await append('reservation.renewed', { id: mine, epoch: 1, expiresAt: later });
    await poll(async () => (await sh(`cat mnt-r/reservations/${mine}.json`, 5, dir)).stdout.includes(later), 15_000, 'the renewal to show');
    await append('reservation.released', { id: theirs, epoch: 2, by: 'bo' });
    await eventually('ls mnt-r/reservations', `${mine}.json\n`);
    // Read-only: no agent on the pod changes what the router decided.
    const before = (await client.head()).lastSequence;
    const attempts = await sh([`rm mnt-r/reservations/${mine}.json`, `printf x > mnt-r/reservations/${mine}.json`, 'touch mnt-r/reservations/new.json'].map((c) => `{ ${c}; } 2>&1; true`).join('; '), 10, dir);
    expect(attempts.stdout.trim().split('\n').map((line) => line.replace(/^.*: /, ''))).toEqual(['Read-only file system', 'Read-only file system', 'Read-only file system']);
    expect((await client.head()).lastSequence).toBe(before);
    await append('reservation.forced', { id: mine, epoch: 1, by: 'operator', reason: 'stuck' });
    await eventually('ls mnt-r/reservations', '');
    expect((await sh(`cat mnt-r/reservations/${mine}.json`, 5, dir)).code).not.toBe(0);
  }, 90_000);
});
