import { randomUUID } from 'node:crypto';
import { threadStreamOf, type EventEnvelope, type MessageEvent } from '@lighthouse/contracts';
import type { EventStoreClient } from '@lighthouse/transport';
import type { MessageBook, ThreadRecord } from '@lighthouse/messaging';

/**
 * Messages are event-sourced in the event store: one stream per thread (`thread-<id>`), written
 * with the stream's expected version, so two replicas appending to one thread at once cannot both
 * win. The book is a cache of those streams, fed by the store follower and by this replica's appends.
 */
export class MessageRepository {
  constructor(
    private readonly store: EventStoreClient,
    readonly book: MessageBook,
  ) {}

  /** Folds a committed envelope of a thread stream into the book (the follower's feed). */
  applyEnvelope(envelope: EventEnvelope): void {
    if (!envelope.type.startsWith('message.') || !envelope.stream.startsWith('thread-')) return;
    this.book.apply(envelope.stream.slice('thread-'.length), envelope.streamVersion, envelope.id, { type: envelope.type, data: envelope.data } as MessageEvent);
  }

  /** The thread as of the store: the book first, the store when this replica has not seen it yet. */
  async thread(id: string): Promise<ThreadRecord | undefined> {
    return this.book.thread(id) ?? (await this.catchUp(id));
  }

  /**
   * Appends `events` to thread `id` at the version `base` was read at. Answers false on a conflict
   * (another replica wrote first; the book is caught up from the store).
   */
  async append(id: string, base: ThreadRecord | undefined, events: MessageEvent[], agent: string, correlationId: string): Promise<boolean> {
    if (events.length === 0) return true;
    const ids = events.map(() => randomUUID());
    // The thread record is live (the follower may fold these very events while we wait): read it now.
    const baseVersion = base?.version ?? 0;
    const result = await this.store.append({
      expectedVersion: baseVersion,
      events: events.map((event, i) => ({
        id: ids[i] as string,
        type: event.type,
        stream: threadStreamOf(id),
        agent,
        correlationId,
        causationId: i === 0 ? (base?.lastEventId ?? null) : (ids[i - 1] as string),
        schemaVersion: 1,
        data: event.data,
      })),
    });
    if (result.status === 'conflict') {
      await this.catchUp(id);
      return false;
    }
    // At the versions the store gave them: a version the follower folded first is ignored.
    events.forEach((event, i) => this.book.apply(id, baseVersion + i + 1, ids[i] as string, event));
    return true;
  }

  /** Reads what the book lacks of thread `id` from the store and folds it in. */
  private async catchUp(id: string): Promise<ThreadRecord | undefined> {
    for (let from = 1; ; ) {
      const page = await this.store.read({ stream: threadStreamOf(id), fromSequence: from, limit: 1000 });
      for (const envelope of page.events) this.applyEnvelope(envelope);
      if (page.nextSequence === null || page.events.length === 0) break;
      from = page.nextSequence;
    }
    return this.book.thread(id);
  }
}
