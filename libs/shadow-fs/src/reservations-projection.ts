import { RESERVATIONS_STREAM, type EventEnvelope, type Reservation, type ReservationEvent } from '@lighthouse/contracts';
import { ReservationBook, toReservation } from '@lighthouse/reservations';
import { Rendered, str } from './json-record';

/** What `/reservations/<id>.json` holds: the live reservation, and the event that last changed it. */
export interface ReservationView extends Reservation {
  lastEvent: string;
  lastSequence: number;
}

/**
 * Live reservations, folded from the router's `reservation.*` events (stream `reservations`) by
 * the same book the router decides with, so the mount lists exactly what the router holds once
 * both have applied the same events. A reservation leaves the listing with the event that ends it
 * (released, expired, forced): the router's housekeeper writes `reservation.expired` when a TTL
 * passes or its holder is gone. Every agent may read reservations (see `canSeeEvent`), so the
 * view shows them all. Tolerant: an event the book cannot fold changes nothing.
 */
export class ReservationsProjection {
  private readonly book = new ReservationBook();
  private readonly meta = new Map<string, { lastEvent: string; lastSequence: number; json: Rendered }>();

  apply(event: EventEnvelope): void {
    if (!event.type.startsWith('reservation.') || event.stream !== RESERVATIONS_STREAM) return;
    const id = str(event.data['id']);
    if (!id) return;
    try {
      this.book.apply({ type: event.type, data: event.data } as ReservationEvent, str(event.data['at']) ?? event.time);
    } catch {
      return; // a pattern the grammar refuses: the router never granted it
    }
    if (!this.book.get(id)) {
      this.meta.delete(id);
      return;
    }
    this.meta.set(id, { lastEvent: event.type, lastSequence: event.sequence, json: new Rendered() });
  }

  names(): string[] {
    return [...this.meta.keys()].map((id) => `${id}.json`);
  }

  file(name: string): Uint8Array | undefined {
    const id = name.endsWith('.json') ? name.slice(0, -'.json'.length) : undefined;
    const held = id === undefined ? undefined : this.book.get(id);
    const meta = id === undefined ? undefined : this.meta.get(id);
    if (!held || !meta) return undefined;
    const view: ReservationView = { ...toReservation(held), lastEvent: meta.lastEvent, lastSequence: meta.lastSequence };
    return meta.json.of(view);
  }

  get size(): number {
    return this.meta.size;
  }
}
