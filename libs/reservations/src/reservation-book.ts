import {
  LighthouseError,
  RESERVATION_LIMITS,
  type Actor,
  type ErrorCode,
  type ForceReleaseRequest,
  type ReleaseReservationRequest,
  type RenewReservationRequest,
  type ReserveRequest,
  type Reservation,
  type ReservationEvent,
} from '@lighthouse/contracts';
import { parsePattern, type ParsedPattern } from './glob-pattern';
import { ReservationIndex } from './reservation-index';

/** A live reservation with its parsed pattern. */
export interface Held extends Reservation {
  readonly parsed: ParsedPattern;
  readonly expiresAtMs: number;
}

/** Limits the router configures. */
export interface BookLimits {
  /** Live reservations one agent may hold at once. */
  maxPerAgent: number;
}

/** Everything a command needs from outside, so deciding stays pure. */
export type ReservationCommand =
  | { type: 'reserve'; actor: Actor; sessionId: string; request: ReserveRequest; now: number; newId: () => string; limits: BookLimits }
  | { type: 'renew'; actor: Actor; request: RenewReservationRequest; now: number }
  | { type: 'release'; actor: Actor; request: ReleaseReservationRequest }
  | { type: 'force'; request: ForceReleaseRequest }
  /**
   * Housekeeping: TTLs past `now`, sessions that ended, holders gone: said gone (`lastSeen` is
   * -Infinity), or not seen alive for `leaseMs` since the later of their last sign and the grant.
   */
  | { type: 'expire'; now: number; leaseMs: number; lastSeen: (agent: string) => number; sessionEnded: (sessionId: string) => boolean };

/** A refusal is a value: the events, or why not (with its stable code). */
export type Decision = { ok: true; events: ReservationEvent[] } | { ok: false; code: ErrorCode; message: string };

const refuse = (code: ErrorCode, message: string): Decision => ({ ok: false, code, message });
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The live reservations, folded from the reservation events (the same on every replica that
 * applied the same events), with the index of their patterns, and the Decider of every
 * reservation command: `decide` never changes the book, `apply` folds one event.
 */
export class ReservationBook {
  private byId = new Map<string, Held>();
  private byHolder = new Map<string, Set<string>>();
  index = new ReservationIndex<Held>();
  /** The highest epoch ever granted (epochs are never reused). */
  lastEpoch = 0;

  get size(): number {
    return this.byId.size;
  }

  get(id: string): Held | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<Held> {
    return this.byId.values();
  }

  heldBy(agent: string): Held[] {
    return [...(this.byHolder.get(agent) ?? [])].map((id) => this.byId.get(id) as Held);
  }

  /** The live reservations and the last epoch, as plain data (a follower snapshot). */
  snapshot(): { lastEpoch: number; reservations: Reservation[] } {
    return { lastEpoch: this.lastEpoch, reservations: [...this.byId.values()].map(({ parsed: _parsed, expiresAtMs: _ms, ...reservation }) => reservation) };
  }

  /** Replaces the whole book with a {@link snapshot}'s; throws, changing nothing, on anything else. */
  restore(state: unknown): void {
    const { lastEpoch, reservations } = (state ?? {}) as { lastEpoch?: unknown; reservations?: unknown };
    if (!Number.isSafeInteger(lastEpoch) || !Array.isArray(reservations)) throw new Error('not a reservation book');
    const book = new ReservationBook();
    for (const item of reservations) {
      const reservation = reservationOf(item);
      book.insert({ ...reservation, parsed: parsePattern(reservation.pattern), expiresAtMs: Date.parse(reservation.expiresAt) });
    }
    this.byId = book.byId;
    this.byHolder = book.byHolder;
    this.index = book.index;
    this.lastEpoch = lastEpoch as number;
  }

  decide(command: ReservationCommand): Decision {
    switch (command.type) {
      case 'reserve':
        return this.decideReserve(command);
      case 'renew':
        return this.decideRenew(command);
      case 'release':
        return this.decideRelease(command);
      case 'force':
        return this.decideForce(command);
      case 'expire':
        return this.decideExpire(command);
    }
  }

  /** Folds one event (with its decision time); events about unknown reservations change nothing. */
  apply(event: ReservationEvent, at: string): void {
    switch (event.type) {
      case 'reservation.reserved': {
        const { id, holder, sessionId, pattern, mode, reason, epoch, expiresAt } = event.data;
        this.remove(id);
        this.insert({ id, holder, sessionId, pattern, mode, reason, epoch, createdAt: at, expiresAt, parsed: parsePattern(pattern), expiresAtMs: Date.parse(expiresAt) });
        this.lastEpoch = Math.max(this.lastEpoch, epoch);
        return;
      }
      case 'reservation.renewed': {
        const held = this.byId.get(event.data.id);
        if (!held) return;
        const renewed: Held = { ...held, expiresAt: event.data.expiresAt, expiresAtMs: Date.parse(event.data.expiresAt) };
        this.remove(held.id);
        this.insert(renewed);
        return;
      }
      case 'reservation.released':
      case 'reservation.expired':
      case 'reservation.forced':
        this.remove(event.data.id);
        return;
    }
  }

  private insert(held: Held): void {
    this.byId.set(held.id, held);
    if (!this.byHolder.has(held.holder)) this.byHolder.set(held.holder, new Set());
    this.byHolder.get(held.holder)?.add(held.id);
    this.index.add(held, held.parsed);
  }

  private remove(id: string): void {
    const held = this.byId.get(id);
    if (!held) return;
    this.byId.delete(id);
    const mine = this.byHolder.get(held.holder);
    mine?.delete(id);
    if (mine?.size === 0) this.byHolder.delete(held.holder);
    this.index.remove(held);
  }

  private decideReserve({ actor, sessionId, request, now, newId, limits }: Extract<ReservationCommand, { type: 'reserve' }>): Decision {
    let patterns: ParsedPattern[];
    try {
      patterns = dedupe(request.paths.map(parsePattern));
    } catch (error) {
      if (error instanceof LighthouseError) return refuse(error.code, error.message);
      throw error;
    }
    const tooBroad = patterns.find((p) => p.alternatives.some(startsWithWildcard));
    if (tooBroad) {
      return refuse('VALIDATION_FAILED', `${tooBroad.text} does not name a top-level file or directory: a reservation's first segment must be literal, so no agent can lock the whole workspace`);
    }
    const mine = this.heldBy(actor.agent).filter((h) => h.expiresAtMs > now);
    const replaced = mine.filter((h) => patterns.some((p) => p.text === h.pattern));
    const total = mine.length - replaced.length + patterns.length;
    if (total > limits.maxPerAgent) return refuse('RESERVATION_LIMIT', `${actor.agent} would hold ${total} reservations; at most ${limits.maxPerAgent} at once (release some first)`);
    for (const pattern of patterns) {
      const blocking = this.index.find(pattern, (h) => h.holder !== actor.agent && h.expiresAtMs > now && (request.mode === 'exclusive' || h.mode === 'exclusive'));
      if (blocking) return refuse('RESERVATION_CONFLICT', `${pattern.text} overlaps ${describeHeld(blocking)}`);
    }
    const epoch = this.lastEpoch + 1;
    const expiresAt = iso(now + request.ttlSeconds * 1000);
    const events: ReservationEvent[] = replaced.map((h) => ({ type: 'reservation.released', data: { id: h.id, epoch: h.epoch, by: actor.agent } }));
    for (const pattern of patterns) {
      events.push({
        type: 'reservation.reserved',
        data: { id: newId(), holder: actor.agent, sessionId, pattern: pattern.text, mode: request.mode, reason: request.reason, epoch, expiresAt },
      });
    }
    return { ok: true, events };
  }

  private decideRenew({ actor, request, now }: Extract<ReservationCommand, { type: 'renew' }>): Decision {
    const grant = this.grantOf(actor.agent, request.epoch, now);
    if (!grant.ok) return grant.refusal;
    const expiresAt = iso(now + (request.ttlSeconds ?? RESERVATION_LIMITS.defaultTtlSeconds) * 1000);
    const events: ReservationEvent[] = grant.held.map((h) => ({ type: 'reservation.renewed', data: { id: h.id, epoch: h.epoch, expiresAt } }));
    return { ok: true, events };
  }

  private decideRelease({ actor, request }: Extract<ReservationCommand, { type: 'release' }>): Decision {
    const grant = this.grantOf(actor.agent, request.epoch, Number.NEGATIVE_INFINITY);
    if (!grant.ok) return grant.refusal;
    let chosen = grant.held;
    if (request.paths) {
      let wanted: Set<string>;
      try {
        wanted = new Set(request.paths.map((p) => parsePattern(p).text));
      } catch (error) {
        if (error instanceof LighthouseError) return refuse(error.code, error.message);
        throw error;
      }
      chosen = grant.held.filter((h) => wanted.has(h.pattern));
      const missing = [...wanted].filter((p) => !chosen.some((h) => h.pattern === p));
      if (missing.length > 0) return refuse('NOT_FOUND', `epoch ${request.epoch} holds no reservation of ${missing.slice(0, 5).join(', ')}`);
    }
    if (request.ids) {
      const wanted = new Set(request.ids);
      const missing = [...wanted].filter((id) => !grant.held.some((h) => h.id === id));
      if (missing.length > 0) return refuse('NOT_FOUND', `epoch ${request.epoch} holds no live reservation with id ${missing.slice(0, 5).join(', ')}`);
      chosen = chosen.filter((h) => wanted.has(h.id));
    }
    return { ok: true, events: chosen.map((h) => ({ type: 'reservation.released', data: { id: h.id, epoch: h.epoch, by: actor.agent } })) };
  }

  private decideForce({ request }: Extract<ReservationCommand, { type: 'force' }>): Decision {
    const chosen = request.ids ? request.ids.flatMap((id) => this.byId.get(id) ?? []) : this.heldBy(request.holder as string);
    if (chosen.length === 0) return refuse('NOT_FOUND', 'no live reservation matches');
    return { ok: true, events: chosen.map((h) => ({ type: 'reservation.forced', data: { id: h.id, epoch: h.epoch, by: 'operator', reason: request.reason } })) };
  }

  private decideExpire({ now, leaseMs, lastSeen, sessionEnded }: Extract<ReservationCommand, { type: 'expire' }>): Decision {
    const events: ReservationEvent[] = [];
    const gone = (h: Held) => {
      const seen = lastSeen(h.holder);
      return seen === Number.NEGATIVE_INFINITY || Math.max(seen, Date.parse(h.createdAt)) <= now - leaseMs;
    };
    for (const h of this.byId.values()) {
      const cause = h.expiresAtMs <= now ? 'ttl' : sessionEnded(h.sessionId) ? 'session-ended' : gone(h) ? 'holder-gone' : undefined;
      if (cause) events.push({ type: 'reservation.expired', data: { id: h.id, epoch: h.epoch, cause } });
    }
    return { ok: true, events };
  }

  /** The caller's live reservations of one grant, or why the epoch is not (or no longer) its own. */
  private grantOf(agent: string, epoch: number, now: number): { ok: true; held: Held[] } | { ok: false; refusal: Decision } {
    const mine = this.heldBy(agent);
    const held = mine.filter((h) => h.epoch === epoch && h.expiresAtMs > now);
    if (held.length > 0) return { ok: true, held };
    const current = [...new Set(mine.map((h) => h.epoch))].sort((a, b) => a - b);
    const now_ = current.length > 0 ? `; your live reservations carry epoch ${current.slice(-5).join(', ')}` : '; you hold no live reservation';
    return { ok: false, refusal: refuse('STALE_EPOCH', `epoch ${epoch} is not a live grant of ${agent}${now_}`) };
  }
}

/** The reservation as the contract shows it (without the parsed pattern). */
export function toReservation(h: Held): Reservation {
  return { id: h.id, holder: h.holder, sessionId: h.sessionId, pattern: h.pattern, mode: h.mode, reason: h.reason, epoch: h.epoch, createdAt: h.createdAt, expiresAt: h.expiresAt };
}

/** How a conflict names what is in the way: holder, pattern, mode, reason and expiry. */
export function describeHeld(h: Pick<Reservation, 'holder' | 'pattern' | 'mode' | 'reason' | 'expiresAt'>): string {
  return `${h.pattern}, reserved ${h.mode === 'exclusive' ? 'exclusively' : 'shared'} by ${h.holder} until ${h.expiresAt} (reason: ${h.reason})`;
}

function dedupe(patterns: ParsedPattern[]): ParsedPattern[] {
  const seen = new Map<string, ParsedPattern>();
  for (const p of patterns) if (!seen.has(p.text)) seen.set(p.text, p);
  return [...seen.values()];
}

/** `**`, `*`, `*.ts`, `?rc/**`: a first segment that is not a plain name could cover the whole workspace. */
function startsWithWildcard(alternative: ParsedPattern['alternatives'][number]): boolean {
  const first = alternative.segments[0];
  return first === undefined || first.globstar || first.literal === null;
}

/** A reservation of a snapshot, checked as far as folding needs (its events were checked when written). */
function reservationOf(item: unknown): Reservation {
  const r = (item ?? {}) as Record<string, unknown>;
  const strings = ['id', 'holder', 'sessionId', 'pattern', 'reason', 'createdAt', 'expiresAt'] as const;
  const ok = strings.every((key) => typeof r[key] === 'string') && (r['mode'] === 'exclusive' || r['mode'] === 'shared') && Number.isSafeInteger(r['epoch']);
  if (!ok) throw new Error('a reservation of the snapshot is malformed');
  const { id, holder, sessionId, pattern, mode, reason, epoch, createdAt, expiresAt } = r as unknown as Reservation;
  return { id, holder, sessionId, pattern, mode, reason, epoch, createdAt, expiresAt };
}
