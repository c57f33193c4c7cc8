import type { INestMicroservice } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope, NewEvent } from '@lighthouse/contracts';
import { EventLog } from '@lighthouse/event-log';
import { createLogger } from '@lighthouse/observability';
import { startNats, type NatsHandle } from '@lighthouse/testing';
import { EventFollower, EventStoreClient, NatsBus, startNatsService } from '@lighthouse/transport';
import { AppModule } from './app.module';

const keyring = { keys: [{ id: 1, secret: randomBytes(32) }], activeKeyId: 1 };
const logger = createLogger('event-store-test', 'silent');

const event = (stream: string, data: Record<string, unknown> = {}): NewEvent => ({
  id: randomUUID(),
  type: 'test.happened',
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

  it('lets a follower catch up, then follow live, filling a gap from the store', async () => {
    const stream = `s-${randomUUID()}`;
    await client.append({ events: [event(stream, { n: 1 })] });
    const seen: EventEnvelope[] = [];
    const gaps: Array<{ from: number; to: number }> = [];
    const followerBus = await NatsBus.connect({ servers: nats.url, name: 'follower' });
    const follower = new EventFollower(followerBus, client, {
      onEvent: (e) => void seen.push(e),
      onGap: (gap) => gaps.push(gap),
    });
    await follower.start();
    const caughtUp = seen.length;
    expect(seen.map((e) => e.sequence)).toEqual(Array.from({ length: caughtUp }, (_, i) => i + 1));

    // Written to the log directly, so nothing is published: the follower must notice the gap.
    await log.append({ events: [event(stream, { n: 2 })] });
    await client.append({ events: [event(stream, { n: 3 })] });
    await waitUntil(() => seen.length === caughtUp + 2);
    await follower.idle();
    expect(seen.slice(caughtUp).map((e) => e.data['n'])).toEqual([2, 3]);
    expect(gaps).toEqual([{ from: caughtUp + 1, to: caughtUp + 1 }]);
    expect(new Set(seen.map((e) => e.sequence)).size).toBe(seen.length);
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
