import type { INestMicroservice } from '@nestjs/common';
import { RESERVATIONS_STREAM, SUBJECTS, type Actor, type EventEnvelope, type ReservationGrant } from '@lighthouse/contracts';
import { createLogger } from '@lighthouse/observability';
import { parsePattern, patternsOverlap } from '@lighthouse/reservations';
import { buildServices, startNats, startStack, type NatsHandle, type Stack, testEventKeys } from '@lighthouse/testing';
import { EventStoreClient, NatsBus, startNatsService } from '@lighthouse/transport';
import { AppModule } from '../app.module';
/** Snapshots are signed with the event log keys: one keyring for every router of this file. */
const eventKeys = testEventKeys();

// Two router replicas in process, against a real NATS and the real event store (the built
// service, as a process): agents reserve over NATS as the gateway would.
const S = SUBJECTS.delegation;
const config = { LH_DELEGATION_ASSIGN_LEASE_MS: 1500, LH_DELEGATION_CLAIM_LEASE_MS: 1500, LH_DELEGATION_TICK_MS: 100, LH_RESERVATION_LEASE_MS: 1500, LH_RESERVATION_TICK_MS: 100, LH_PUBLIC_STREAMS: 'fs', LH_SEARCH_MAX_DOCUMENTS: 1000, LH_SEARCH_MAX_BYTES: 8 * 1024 * 1024 };
const logger = createLogger('reservations-test', 'silent');
const who = (agent: string): Actor => ({ agent, roles: [], operator: false, capacity: 1 });
const session = (agent: string) => `${agent.padEnd(22, 'x').slice(0, 22)}`;
const GLOBS = ['src/**', 'src/auth/**', 'src/auth/token.ts', 'src/*/token.ts', 'src/{auth,ui}/**', 'src/ui/x.ts', 'docs/*.md', 'docs/**'];

describe('reservations over real NATS and the event store, two router replicas', () => {
  let nats: NatsHandle;
  let store: Stack;
  const routers: INestMicroservice[] = [];
  let client: NatsBus;
  let events: EventStoreClient;

  const call = <T>(subject: string, payload: unknown, timeoutMs = 15_000) => client.request<T>(subject, payload, { timeoutMs });
  const reserve = (agent: string, paths: string[], extra: object = {}) =>
    call<ReservationGrant>(S.reserve, { actor: who(agent), sessionId: session(agent), request: { paths, reason: `work of ${agent}`, ...extra } });
  const alive = (agent: string) => client.publish(SUBJECTS.session.presence, { agent, status: 'alive', at: new Date().toISOString() });

  beforeAll(async () => {
    const [services, started] = await Promise.all([buildServices({ apps: ['event-store'], tag: 'resv' }), startNats()]);
    nats = started;
    store = await startStack({ services, apps: ['event-store'], nats: nats.url, removeBuild: true, env: { LH_LOG_LEVEL: 'warn' } });
    client = await NatsBus.connect({ servers: nats.url, name: 'test-client' });
    events = new EventStoreClient(client);
    await events.waitUntilReady();
    for (let i = 0; i < 2; i++) {
      const bus = await NatsBus.connect({ servers: nats.url, name: `router-${i}` });
      routers.push(await startNatsService(await AppModule.register({ config: { ...config, ...eventKeys }, bus, logger }), { service: 'delegation-router', natsUrl: nats.url, logger }));
    }
  }, 90_000);

  afterAll(async () => {
    for (const router of routers) await router.close();
    await client?.close();
    await store?.stop();
    await nats?.stop();
  });

  it('grants, refuses an overlap naming the holder, fences by epoch, and expires a holder that stops showing signs of life', async () => {
    const first = await reserve('ana', ['lease/src/auth/**'], { ttlSeconds: 600 });
    await expect(reserve('bob', ['lease/src/auth/token.ts'])).rejects.toMatchObject({ code: 'RESERVATION_CONFLICT', message: expect.stringContaining('by ana until') });
    // ana goes silent: within the lease (1.5 s) and a tick her reservation is gone and bob gets it.
    const started = Date.now();
    let bob: ReservationGrant | undefined;
    while (!bob && Date.now() - started < 6000) bob = await reserve('bob', ['lease/src/auth/token.ts']).catch(() => undefined);
    expect(bob?.reservations[0]).toMatchObject({ holder: 'bob', pattern: 'lease/src/auth/token.ts' });
    await call(S.releaseReservation, { actor: who('bob'), sessionId: session('bob'), request: { epoch: bob?.epoch } });
    const again = await reserve('ana', ['lease/src/auth/**']);
    expect(again.epoch).toBeGreaterThan(first.epoch);
    await expect(call(S.releaseReservation, { actor: who('ana'), sessionId: session('ana'), request: { epoch: first.epoch } })).rejects.toMatchObject({ code: 'STALE_EPOCH' });
    await call(S.releaseReservation, { actor: who('ana'), sessionId: session('ana'), request: { epoch: again.epoch } });
  }, 20_000);

  it('given 100 agents racing in rounds for overlapping globs on two replicas, then the events never show two holders of one exclusive path, and no release is lost', async () => {
    const agents = Array.from({ length: 100 }, (_, i) => `racer-${i}`);
    const keepAlive = setInterval(() => agents.forEach(alive), 300);
    const { lastSequence } = await client.request<{ lastSequence: number }>(SUBJECTS.events.head, {}, { timeoutMs: 5000 });
    const released: string[] = [];
    let granted = 0;
    try {
      for (let round = 0; round < 3; round++) {
        const grants = await Promise.all(
          agents.map(async (agent, i) => {
            const paths = [`race/${GLOBS[(i + round) % GLOBS.length]}`];
            return reserve(agent, paths, { ttlSeconds: 600 }).then(
              (grant) => ({ agent, grant }),
              (error: { code?: string }) => {
                if (error.code !== 'RESERVATION_CONFLICT') throw error;
                return undefined;
              },
            );
          }),
        );
        const winners = grants.filter((g) => g !== undefined);
        granted += winners.length;
        expect(winners.length).toBeGreaterThan(0);
        await Promise.all(
          winners.map(async ({ agent, grant }) => {
            const answer = await call<{ released: string[] }>(S.releaseReservation, { actor: who(agent), sessionId: session(agent), request: { epoch: grant.epoch } });
            released.push(...answer.released);
          }),
        );
      }
    } finally {
      clearInterval(keepAlive);
    }
    const history = await readStream(events, lastSequence + 1);
    const live = new Map<string, { holder: string; pattern: string; mode: string }>();
    for (const e of history) {
      const data = e.data as { id: string; holder: string; pattern: string; mode: string };
      if (e.type === 'reservation.reserved') {
        for (const other of live.values()) {
          if (other.holder !== data.holder && patternsOverlap(parsePattern(other.pattern), parsePattern(data.pattern))) {
            throw new Error(`${data.holder} was granted ${data.pattern} while ${other.holder} held ${other.pattern} (event ${e.sequence})`);
          }
        }
        live.set(data.id, data);
      } else live.delete(data.id);
    }
    expect(history.filter((e) => e.type === 'reservation.reserved')).toHaveLength(granted);
    expect(history.filter((e) => e.type === 'reservation.released').map((e) => (e.data as { id: string }).id).sort()).toEqual([...released].sort());
    expect(live.size).toBe(0);
    const listed = await call<{ reservations: unknown[] }>(S.listReservations, { actor: who('ana'), path: 'race/**' });
    expect(listed.reservations).toEqual([]);
  }, 60_000);
});

async function readStream(store: EventStoreClient, from: number): Promise<EventEnvelope[]> {
  const out: EventEnvelope[] = [];
  for (let next: number | null = from; next !== null; ) {
    const page = await store.read({ stream: RESERVATIONS_STREAM, fromSequence: next, limit: 1000 });
    out.push(...page.events);
    next = page.events.length === 0 ? null : page.nextSequence;
  }
  return out;
}
