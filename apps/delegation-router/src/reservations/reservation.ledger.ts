import { randomUUID } from 'node:crypto';
import { LighthouseError, RESERVATIONS_STREAM, type EventEnvelope, type ReservationEvent } from '@lighthouse/contracts';
import { ReservationBook, type Decision } from '@lighthouse/reservations';
import type { EventStoreClient } from '@lighthouse/transport';

const MAX_ATTEMPTS = 8;

/**
 * The reservation book of this replica and the one way to change it: every change is decided on
 * the book and appended to the stream `reservations` at the version the book is at, so two
 * replicas deciding at once cannot both win (the loser catches up and decides again). Changes
 * made here are serialised, so this replica never races itself. The store follower feeds the
 * book what other replicas wrote.
 */
export class ReservationLedger {
  readonly book = new ReservationBook();
  private version = 0;
  private lastSequence = 0;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly store: EventStoreClient) {}

  /** Folds a committed event of the reservations stream, in stream order (repeats and gaps are ignored; a gap is filled on the next change). */
  applyEnvelope(envelope: EventEnvelope): void {
    if (envelope.stream !== RESERVATIONS_STREAM || envelope.streamVersion !== this.version + 1) return;
    this.fold(envelope);
  }

  /** Decides with `decide` on the current book and appends what it decided; answers those events. */
  change(agent: string, correlationId: string, decide: (book: ReservationBook) => Decision): Promise<ReservationEvent[]> {
    const run = this.chain.then(() => this.attempt(agent, correlationId, decide));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Reads what this replica has not folded yet. */
  async catchUp(): Promise<void> {
    for (;;) {
      const page = await this.store.read({ stream: RESERVATIONS_STREAM, fromSequence: this.lastSequence + 1, limit: 1000 });
      for (const envelope of page.events) if (envelope.streamVersion === this.version + 1) this.fold(envelope);
      if (page.nextSequence === null || page.events.length === 0) return;
      this.lastSequence = Math.max(this.lastSequence, page.nextSequence - 1);
    }
  }

  private async attempt(agent: string, correlationId: string, decide: (book: ReservationBook) => Decision): Promise<ReservationEvent[]> {
    let fresh = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const decision = decide(this.book);
      if (!decision.ok) {
        // This replica may not have folded what another just wrote (a grant, a release): refuse only on a fresh book.
        if (fresh) throw new LighthouseError(decision.code, decision.message);
        await this.catchUp();
        fresh = true;
        continue;
      }
      if (decision.events.length === 0) return [];
      const at = new Date().toISOString();
      const ids = decision.events.map(() => randomUUID());
      const result = await this.store.append({
        expectedVersion: this.version,
        events: decision.events.map((event, i) => ({
          id: ids[i] as string,
          type: event.type,
          stream: RESERVATIONS_STREAM,
          agent,
          correlationId,
          causationId: i === 0 ? null : (ids[i - 1] as string),
          schemaVersion: 1,
          data: { ...event.data, at },
        })),
      });
      if (result.status === 'committed') {
        decision.events.forEach((event, i) => {
          if (this.version + 1 !== result.streamVersion - decision.events.length + i + 1) return;
          this.book.apply(event, at);
          this.version++;
          this.lastSequence = Math.max(this.lastSequence, result.sequences[i] as number);
        });
        return decision.events;
      }
      await this.catchUp();
      fresh = true;
    }
    throw new LighthouseError('CONFLICT', 'the reservations kept changing concurrently; retry');
  }

  /** The book with the stream version and sequence it is at, as plain data (a follower snapshot). */
  snapshot(): { book: unknown; version: number; lastSequence: number } {
    return { book: this.book.snapshot(), version: this.version, lastSequence: this.lastSequence };
  }

  /** Replaces the book and its position with a {@link snapshot}'s; throws, changing nothing, on anything else. */
  restore(state: unknown): void {
    const { book, version, lastSequence } = (state ?? {}) as { book?: unknown; version?: unknown; lastSequence?: unknown };
    if (!Number.isSafeInteger(version) || !Number.isSafeInteger(lastSequence)) throw new Error('not a reservation ledger');
    this.book.restore(book);
    this.version = version as number;
    this.lastSequence = lastSequence as number;
  }

  private fold(envelope: EventEnvelope): void {
    this.book.apply({ type: envelope.type, data: envelope.data } as ReservationEvent, String(envelope.data['at'] ?? envelope.time));
    this.version = envelope.streamVersion;
    this.lastSequence = Math.max(this.lastSequence, envelope.sequence);
  }
}
