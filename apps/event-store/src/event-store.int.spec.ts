import type { INestMicroservice } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUS_EVENTS, type EventEnvelope, type NewEvent } from '@lighthouse/contracts';
import { EventLog } from '@lighthouse/event-log';
import { createLogger } from '@lighthouse/observability';
import { startNats, type NatsHandle } from '@lighthouse/testing';
import { EventFollower, EventStoreClient, NatsBus, startNatsService } from '@lighthouse/transport';
import { AppModule } from './app.module';

const keyring = { keys: [{ id: 1, secret: randomBytes(32) }], activeKeyId: 1 };
const logger = createLogger('event-store-test', 'silent');

const event = (stream: string, data: Record<string, unknown> = {}, type = 'test.happened'): NewEvent => ({
  id: randomUUID(),
  type,
  stream,
  agent: 'agent-1',
  correlationId: 'corr-1',
  causationId: null,
  schemaVersion: 1,
  data,
});

describe('event-store service over a real NATS', () => {
  let nats: NatsHandle;
  let dir: string;
  let log: EventLog;
  let service: INestMicroservice;
  let bus: NatsBus;
  let client: EventStoreClient;
  let publisher: NatsBus;

  beforeAll(async () => {
    nats = await startNats();
    dir = mkdtempSync(join(tmpdir(), 'lh-es-'));
    log = await EventLog.open({ dir, keyring, logger });
    publisher = await NatsBus.connect({ servers: nats.url, name: 'publisher' });
    service = await startNatsService(AppModule.register(log, publisher, logger), { service: 'event-store', natsUrl: nats.url, logger });
    bus = await NatsBus.connect({ servers: nats.url, name: 'client' });
    client = new EventStoreClient(bus);
  }, 30_000);

  afterAll(async () => {
    await bus?.close();
    await service?.close();
    await publisher?.close();
    await nats?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('appends, acknowledges with sequences, and reads back by stream', async () => {
    const stream = `s-${randomUUID()}`;
    const result = await client.append({ events: [event(stream, { n: 1 }), event(stream, { n: 2 })] });
    expect(result).toMatchObject({ status: 'committed', streamVersion: 2 });
    const read = await client.read({ stream });
    expect(read.events.map((e) => e.data['n'])).toEqual([1, 2]);
    expect(read.events.map((e) => e.streamVersion)).toEqual([1, 2]);
  });

  it('answers a wrong expected version with a conflict value', async () => {
    const stream = `s-${randomUUID()}`;
    await client.append({ events: [event(stream)], expectedVersion: 0 });
    await expect(client.append({ events: [event(stream)], expectedVersion: 0 })).resolves.toEqual({
      status: 'conflict',
      expectedVersion: 0,
      actualVersion: 1,
    });
  });

  it('stores a retried event once', async () => {
    const stream = `s-${randomUUID()}`;
    const once = event(stream);
    const first = await client.append({ events: [once] });
    const retry = await client.append({ events: [once] });
    expect(retry).toEqual(first);
    expect((await client.read({ stream })).events).toHaveLength(1);
  });

  it('rejects unknown fields and oversized events with stable codes', async () => {
    await expect(client.append({ events: [{ ...event('s'), admin: true } as NewEvent] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(client.append({ events: [event('s', { blob: 'x'.repeat(1_100_000) })] })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('reports its head and health', async () => {
    const head = await client.head();
    expect(head.lastSequence).toBe(log.head().lastSequence);
    expect(head.chainHead).toMatch(/^[0-9a-f]{64}$/);
  });

  it('publishes committed events by channel: a follower receives only its channels, and events of other channels are no gap to it', async () => {
    const followerBus = await NatsBus.connect({ servers: nats.url, name: 'delegation-follower' });
    const observer = await NatsBus.connect({ servers: nats.url, name: 'observer' });
    const wire: Array<{ channel: string; sequences: number[] }> = [];
    const tap = observer.subscribe(BUS_EVENTS.committed, (message) => wire.push({ channel: message.channel, sequences: message.events.map((e) => e.sequence) }), { suffix: 'delegation' });
    await observer.flush();
    const seen: EventEnvelope[] = [];
    const gaps: Array<{ from: number; to: number }> = [];
    const reads: number[] = [];
    const counting = { read: (query: Parameters<EventStoreClient['read']>[0]) => (reads.push(query?.fromSequence ?? 1), client.read(query)) };
    const follower = new EventFollower(followerBus, counting, { channels: ['delegation'], onEvent: (e) => void seen.push(e), onGap: (gap) => gaps.push(gap) });
    await follower.start();
    const readsAtStart = reads.length;
    const delegation = `delegation-${randomUUID()}`;
    // Given decisions between delegation events
    await client.append({ events: [event('decisions', { n: 1 }, 'validation.decided'), event('decisions', { n: 2 }, 'validation.decided')] });
    await client.append({ events: [event(delegation, { n: 3 }, 'delegation.created')] });
    await client.append({ events: [event('decisions', { n: 4 }, 'validation.decided')] });
    await client.append({ events: [event(delegation, { n: 5 }, 'delegation.claimed'), event(delegation, { n: 6 }, 'delegation.completed')] });
    await waitUntil(() => seen.length === 3);
    await follower.idle();
    // Then the delegation follower got its three events, in order, and no decision
    expect(seen.map((e) => e.data['n'])).toEqual([3, 5, 6]);
    expect(seen.every((e) => e.type.startsWith('delegation.'))).toBe(true);
    // and the decisions it never received were no gap to it (nothing read from the store past its catch-up)
    expect(gaps).toEqual([]);
    expect(reads.length).toBe(readsAtStart);
    // and on the wire: only the delegation runs reached the delegation subject
    await observer.flush();
    expect(wire.map((m) => m.sequences.length)).toEqual([1, 2]);
    // and the head bounds each channel: more decisions leave it lacking nothing, a delegation event does not
    await client.append({ events: [event('decisions', { n: 7 }, 'validation.decided')] });
    expect(follower.lacksAnythingOf(await client.head())).toBe(false);
    const stranger = new EventFollower(followerBus, client, { channels: ['delegation'], fromSequence: (seen[2] as EventEnvelope).sequence, onEvent: () => undefined });
    expect(stranger.lacksAnythingOf(await client.head())).toBe(true);
    tap.unsubscribe();
    follower.stop();
    await followerBus.close();
    await observer.close();
  });

  it('publishes decisions that teach nothing on the verdict channel: the speed layer (validation) is not handed them, and they are no gap to it', async () => {
    const followerBus = await NatsBus.connect({ servers: nats.url, name: 'validation-follower' });
    const observer = await NatsBus.connect({ servers: nats.url, name: 'verdict-observer' });
    const verdicts: number[] = [];
    const tap = observer.subscribe(BUS_EVENTS.committed, (message) => verdicts.push(...message.events.map((e) => e.data['n'] as number)), { suffix: 'verdict' });
    await observer.flush();
    const seen: EventEnvelope[] = [];
    const gaps: Array<{ from: number; to: number }> = [];
    const reads: number[] = [];
    const counting = { read: (query: Parameters<EventStoreClient['read']>[0]) => (reads.push(query?.fromSequence ?? 1), client.read(query)) };
    const follower = new EventFollower(followerBus, counting, { channels: ['validation'], onEvent: (e) => void seen.push(e), onGap: (gap) => gaps.push(gap) });
    await follower.start();
    const readsAtStart = reads.length;
    const teaching = (n: number) => event('decisions', { n, decision: 'allow', training: { features: ['git'], source: 'policy', agent: 'agent-1' } }, 'validation.decided');
    const hit = (n: number) => event('decisions', { n, decision: 'allow', training: null }, 'validation.decided');
    // Given memory hits around and between first-hand decisions, in one append and in several
    await client.append({ events: [hit(1), teaching(2), hit(3), hit(4)] });
    await client.append({ events: [hit(5)] });
    await client.append({ events: [teaching(6), hit(7)] });
    await waitUntil(() => seen.length === 2 && verdicts.length === 5);
    await follower.idle();
    // Then the speed layer's follower got the two that teach, in order, and none of the hits
    expect(seen.map((e) => e.data['n'])).toEqual([2, 6]);
    // and the hits it never received were no gap to it (nothing read from the store past its catch-up)
    expect(gaps).toEqual([]);
    expect(reads.length).toBe(readsAtStart);
    // while the hits went out on the verdict subject (the console's and public mounts')
    expect(verdicts).toEqual([1, 3, 4, 5, 7]);
    tap.unsubscribe();
    follower.stop();
    await followerBus.close();
    await observer.close();
  });

  it('lets a follower catch up, then follow live, filling a gap from the store', async () => {
    const stream = `s-${randomUUID()}`;
    await client.append({ events: [event(stream, { n: 1 })] });
    const seen: EventEnvelope[] = [];
    const gaps: Array<{ from: number; to: number }> = [];
    const followerBus = await NatsBus.connect({ servers: nats.url, name: 'follower' });
    const follower = new EventFollower(followerBus, client, {
      channels: ['other'],
      onEvent: (e) => void seen.push(e),
      onGap: (gap) => gaps.push(gap),
    });
    await follower.start();
    const caughtUp = seen.length;
    // Every event of its channel, in order, and none of another
    const stored = await client.read({ type: 'test.happened', limit: 1000 });
    expect(seen.map((e) => e.sequence)).toEqual(stored.events.map((e) => e.sequence));

    // Written to the log directly, so nothing is published: the follower must notice the gap.
    await log.append({ events: [event(stream, { n: 2 })] });
    await client.append({ events: [event(stream, { n: 3 })] });
    await waitUntil(() => seen.length === caughtUp + 2);
    await follower.idle();
    expect(seen.slice(caughtUp).map((e) => e.data['n'])).toEqual([2, 3]);
    const lost = (seen[caughtUp] as EventEnvelope).sequence;
    expect(gaps).toEqual([{ from: lost, to: lost }]);
    expect(new Set(seen.map((e) => e.sequence)).size).toBe(seen.length);
    follower.stop();
    await followerBus.close();
  });

  it('fills a lost event of a followed channel from the store', async () => {
    const followerBus = await NatsBus.connect({ servers: nats.url, name: 'fs-follower' });
    const seen: EventEnvelope[] = [];
    const gaps: Array<{ from: number; to: number }> = [];
    const follower = new EventFollower(followerBus, client, { channels: ['fs', 'session'], fromSequence: log.head().lastSequence + 1, onEvent: (e) => void seen.push(e), onGap: (gap) => gaps.push(gap) });
    await follower.start();
    const from = log.head().lastSequence + 1;
    await client.append({ events: [event('fs', { n: 1 }, 'fs.file_written')] });
    await log.append({ events: [event('agent:a', { n: 2 }, 'session.created')] });
    await client.append({ events: [event('decisions', { n: 3 }, 'validation.decided')] });
    await client.append({ events: [event('fs', { n: 4 }, 'fs.file_deleted')] });
    await waitUntil(() => seen.length === 3);
    await follower.idle();
    expect(seen.map((e) => e.data['n'])).toEqual([1, 2, 4]);
    expect(gaps).toEqual([{ from: from + 1, to: from + 2 }]);
    follower.stop();
    await followerBus.close();
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
