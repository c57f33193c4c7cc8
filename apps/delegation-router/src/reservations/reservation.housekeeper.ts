import { BUS_EVENTS, LighthouseError, type EventEnvelope } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import type { NatsBus } from '@lighthouse/transport';
import { LRUCache } from 'lru-cache';
import type { ReservationLedger } from './reservation.ledger';
import type { ReservationsConfig } from './reservations.config';

/**
 * Ends reservations whose holder is gone: a TTL that passed, a session that ended (its
 * `session.ended` event), or a holder not seen alive for the lease (presence heartbeats and
 * signed requests; a killed adapter stops sending them). Every replica hears every presence
 * signal (no queue group: each keeps its own view); when several decide the same expiry, the
 * stream version lets one write it and the others see it done.
 */
export class ReservationHousekeeper {
  private readonly lastSeen = new Map<string, number>();
  private readonly endedSessions = new LRUCache<string, true>({ max: 100_000 });
  private readonly startedAt = Date.now();
  private timer?: NodeJS.Timeout;
  private presence?: { unsubscribe(): void };
  private ticking = false;

  constructor(
    private readonly ledger: ReservationLedger,
    private readonly bus: NatsBus,
    private readonly config: ReservationsConfig,
    private readonly logger: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), this.config.LH_RESERVATION_TICK_MS);
    this.presence = this.bus.subscribe(BUS_EVENTS.presence, (p) => (p.status === 'alive' ? this.seen(p.agent) : this.lastSeen.set(p.agent, Number.NEGATIVE_INFINITY)));
  }

  stop(): void {
    clearInterval(this.timer);
    this.presence?.unsubscribe();
  }

  seen(agent: string): void {
    this.lastSeen.set(agent, Date.now());
  }

  /** Session ends come from the store, so every replica learns them whatever happened to the bus. */
  onEvent(event: EventEnvelope): void {
    if (event.type === 'session.ended' && typeof event.data['sessionId'] === 'string') this.endedSessions.set(event.data['sessionId'], true);
    if (event.type === 'agent.revoked') this.lastSeen.set(event.agent === 'operator' ? agentOfStream(event.stream) : event.agent, Number.NEGATIVE_INFINITY);
  }

  /** What the log taught it (sessions that ended, agents revoked), as plain data (a follower snapshot). */
  snapshot(): { endedSessions: string[]; revoked: string[] } {
    const revoked = [...this.lastSeen].filter(([, at]) => at === Number.NEGATIVE_INFINITY).map(([agent]) => agent);
    return { endedSessions: [...this.endedSessions.keys()].reverse(), revoked };
  }

  /** Takes back a {@link snapshot}; throws, changing nothing, on anything else. */
  restore(state: unknown): void {
    const { endedSessions, revoked } = (state ?? {}) as { endedSessions?: unknown; revoked?: unknown };
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (!strings(endedSessions) || !strings(revoked)) throw new Error('not a reservation housekeeper state');
    this.endedSessions.clear();
    // Oldest first, so the LRU keeps the most recent ones.
    for (const id of endedSessions) this.endedSessions.set(id, true);
    for (const agent of revoked) this.lastSeen.set(agent, Number.NEGATIVE_INFINITY);
  }

  async tick(now = Date.now()): Promise<void> {
    if (this.ticking || this.ledger.book.size === 0) return;
    this.ticking = true;
    // A replica that just started has seen nobody yet: everyone gets one lease from its start.
    const lastSeen = (agent: string) => this.lastSeen.get(agent) ?? this.startedAt;
    try {
      await this.ledger.change('housekeeping', `expire-${now}`, (book) =>
        book.decide({ type: 'expire', now, leaseMs: this.config.LH_RESERVATION_LEASE_MS, lastSeen, sessionEnded: (id) => this.endedSessions.has(id) }),
      );
    } catch (error) {
      if (!(error instanceof LighthouseError && error.code === 'CONFLICT')) this.logger.warn({ err: error }, 'expiring reservations failed');
    } finally {
      this.ticking = false;
    }
  }
}

/** `agent:<id>` (with `/` for `@`) back to the agent id. */
function agentOfStream(stream: string): string {
  return stream.startsWith('agent:') ? stream.slice('agent:'.length).replaceAll('/', '@') : stream;
}
