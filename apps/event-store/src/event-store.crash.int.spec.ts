import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventEnvelope, NewEvent } from '@lighthouse/contracts';
import { buildServices, startNats, startService, type BuiltServices, type NatsHandle, type ServiceProcess } from '@lighthouse/testing';
import { EventStoreClient, NatsBus } from '@lighthouse/transport';

// kill -9 of the built event-store process while 200 clients append over NATS: after each
// crash and restart, every acknowledged event is present with the sequence it was acknowledged
// with, and the `verify` command finds the log intact.
const ROUNDS = 4;

describe('event-store process killed under load', () => {
  let nats: NatsHandle;
  let dir: string;
  let bus: NatsBus;
  let client: EventStoreClient;
  let env: NodeJS.ProcessEnv;
  let services: BuiltServices;
  let main: string;

  beforeAll(async () => {
    [services, nats] = await Promise.all([buildServices({ apps: ['event-store'], tag: 'es-crash' }), startNats()]);
    main = services.main('event-store');
    dir = mkdtempSync(join(tmpdir(), 'lh-es-crash-'));
    env = {
      ...process.env,
      NATS_URL: nats.url,
      LH_EVENT_DIR: dir,
      LH_EVENT_HMAC_KEYS: `1:${randomBytes(32).toString('base64')}`,
      LH_EVENT_SEGMENT_BYTES: String(64 * 1024),
      LH_LOG_LEVEL: 'warn',
    };
    bus = await NatsBus.connect({ servers: nats.url, name: 'crash-client', timeoutMs: 2000 });
    client = new EventStoreClient(bus, 2000);
  }, 30_000);

  afterAll(async () => {
    await bus?.close();
    await nats?.stop();
    services?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const start = (): Promise<ServiceProcess> =>
    startService({ name: 'event-store', main, env, ready: () => client.head().then(() => true), readyTimeoutMs: 15_000 });

  const event = (worker: number): NewEvent => ({
    id: randomUUID(),
    type: 'crash.test',
    stream: `w-${worker % 20}`,
    agent: 'crash-test',
    correlationId: 'crash',
    causationId: null,
    schemaVersion: 1,
    data: { worker, pad: 'y'.repeat(200) },
  });

  it('keeps every acknowledged event through repeated kill -9', async () => {
    const acked = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const child = await start();
      let running = true;
      const workers = Array.from({ length: 200 }, async (_, worker) => {
        while (running) {
          const e = event(worker);
          try {
            const result = await client.append({ events: [e] });
            if (result.status === 'committed') acked.set(e.id, result.sequences[0] as number);
          } catch {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        }
      });
      await new Promise((resolve) => setTimeout(resolve, 300 + Math.floor(Math.random() * 700)));
      await child.stop('SIGKILL');
      running = false;
      await Promise.all(workers);
    }
    expect(acked.size).toBeGreaterThan(100);

    const child = await start();
    try {
      const stored = new Map<string, EventEnvelope>();
      for (let from = 1; ; ) {
        const page = await client.read({ fromSequence: from, limit: 1000 });
        for (const e of page.events) stored.set(e.id, e);
        if (page.nextSequence === null) break;
        from = page.nextSequence;
      }
      const missing = [...acked].filter(([id, sequence]) => stored.get(id)?.sequence !== sequence);
      expect(missing).toEqual([]);
      const sequences = [...stored.values()].map((e) => e.sequence).sort((a, b) => a - b);
      expect(sequences).toEqual(Array.from({ length: sequences.length }, (_, i) => i + 1));
    } finally {
      await child.stop();
    }
    const verify = spawnSync(process.execPath, [main, 'verify'], { env, encoding: 'utf8' });
    expect(verify.stdout).toBeTruthy();
    expect(verify.status).toBe(0);
  }, 120_000);
});
