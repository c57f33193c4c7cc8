import { randomUUID } from 'node:crypto';
import {
  LighthouseError,
  type Actor,
  type ForceReleaseRequest,
  type ListReservationsQuery,
  type ReleasedReservations,
  type ReleaseReservationRequest,
  type RenewReservationRequest,
  type ReservationEvent,
  type ReservationGrant,
  type ReservationList,
  type ReserveRequest,
} from '@lighthouse/contracts';
import { parsePattern, toReservation, type Held } from '@lighthouse/reservations';
import type { ReservationLedger } from './reservation.ledger';
import type { ReservationsConfig } from './reservations.config';

const CURSOR = /^(\d{1,15})_([0-9a-f-]{36})$/;

/** The reservation use cases: each decides on the ledger's book (pure) and appends; the actor comes from the gateway. */
export class ReservationsService {
  constructor(
    private readonly ledger: ReservationLedger,
    private readonly config: ReservationsConfig,
    private readonly maxListBytes: number,
    /** Tells liveness tracking the caller just proved it is alive. */
    private readonly seen: (agent: string) => void,
  ) {}

  async reserve(actor: Actor, sessionId: string, request: ReserveRequest): Promise<ReservationGrant> {
    this.seen(actor.agent);
    const events = await this.ledger.change(actor.agent, randomUUID(), (book) =>
      book.decide({ type: 'reserve', actor, sessionId, request, now: Date.now(), newId: randomUUID, limits: { maxPerAgent: this.config.LH_RESERVATIONS_PER_AGENT } }),
    );
    return this.grantOf(events, 'reservation.reserved');
  }

  async renew(actor: Actor, request: RenewReservationRequest): Promise<ReservationGrant> {
    this.seen(actor.agent);
    const events = await this.ledger.change(actor.agent, randomUUID(), (book) => book.decide({ type: 'renew', actor, request, now: Date.now() }));
    return this.grantOf(events, 'reservation.renewed');
  }

  async release(actor: Actor, request: ReleaseReservationRequest): Promise<ReleasedReservations> {
    this.seen(actor.agent);
    const events = await this.ledger.change(actor.agent, randomUUID(), (book) => book.decide({ type: 'release', actor, request }));
    return { released: events.map((e) => e.data.id) };
  }

  async forceRelease(request: ForceReleaseRequest): Promise<ReleasedReservations> {
    const events = await this.ledger.change('operator', randomUUID(), (book) => book.decide({ type: 'force', request }));
    return { released: events.map((e) => e.data.id) };
  }

  /** Live reservations (every agent may see them: they are the shared map of who works where), by holder or path, paged by count and bytes. */
  list(query: Omit<ListReservationsQuery, 'limit'> & { limit: number }): ReservationList {
    const { book } = this.ledger;
    const now = Date.now();
    const after = parseCursor(query.cursor);
    const accept = (h: Held) => h.expiresAtMs > now && (!query.holder || h.holder === query.holder) && (!after || compare(h, after) > 0);
    const candidates = query.path !== undefined ? book.index.all(parsePattern(query.path), accept) : query.holder ? book.heldBy(query.holder).filter(accept) : [...book.all()].filter(accept);
    const sorted = candidates.sort(compare);
    const page: Held[] = [];
    let bytes = 0;
    for (const h of sorted) {
      const cost = Buffer.byteLength(JSON.stringify(toReservation(h)));
      if (page.length === query.limit || (page.length > 0 && bytes + cost > this.maxListBytes)) break;
      bytes += cost;
      page.push(h);
    }
    const last = page.at(-1);
    return { reservations: page.map(toReservation), nextCursor: last && page.length < sorted.length ? `${last.epoch}_${last.id}` : null };
  }

  private grantOf(events: ReservationEvent[], type: 'reservation.reserved' | 'reservation.renewed'): ReservationGrant {
    const ids = events.filter((e) => e.type === type).map((e) => e.data.id);
    const held = ids.map((id) => this.ledger.book.get(id)).filter((h): h is Held => h !== undefined);
    const epoch = held[0]?.epoch;
    if (epoch === undefined) throw new LighthouseError('INTERNAL', 'the grant was stored but is not in the book');
    return { epoch, reservations: held.map(toReservation) };
  }
}

function compare(a: Pick<Held, 'epoch' | 'id'>, b: Pick<Held, 'epoch' | 'id'>): number {
  return a.epoch - b.epoch || a.id.localeCompare(b.id);
}

function parseCursor(cursor: string | undefined): Pick<Held, 'epoch' | 'id'> | undefined {
  if (cursor === undefined) return undefined;
  const match = CURSOR.exec(cursor);
  if (!match) throw new LighthouseError('VALIDATION_FAILED', 'cursor is not one this service handed out');
  return { epoch: Number(match[1]), id: match[2] as string };
}
