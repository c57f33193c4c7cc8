import { randomUUID } from 'node:crypto';
import { agentStreamOf, threadStreamOf, type EventEnvelope, type MessageEvent } from '@lighthouse/contracts';
import type { EventStoreClient } from '@lighthouse/transport';
import type { AgentDirectory, MessageBook, ThreadRecord } from '@lighthouse/messaging';

/** Pages of one agent's credential events read when looking a name up (an agent has few). */
const MAX_LOOKUP_PAGES = 5;
/** Names of agents the directory has no answer for, looked up in the store per message at most. */
export const MAX_LOOKUPS_PER_MESSAGE = 3;

/**
 * Messages are event-sourced in the event store: one stream per thread (`thread-<id>`), written
 * with the stream's expected version, so two replicas appending to one thread at once cannot both
 * win. The book is a bounded cache of those streams, fed by the store follower and by this
 * replica's appends; a thread it no longer holds is folded again from the store when an event or
 * a request needs it. The directory of agents a message may name is fed by the same follower.
 */
export class MessageRepository {
  private readonly catchingUp = new Map<string, Promise<ThreadRecord | undefined>>();

  constructor(
    private readonly store: EventStoreClient,
    readonly book: MessageBook,
    readonly agents: AgentDirectory,
  ) {}

  /** Folds a committed envelope into the book or the directory (the follower's feed). */
  applyEnvelope(envelope: EventEnvelope): void {
    if (envelope.type === 'credential.issued' || envelope.type === 'agent.revoked') return this.agents.apply(envelope);
    if (!envelope.type.startsWith('message.') || !envelope.stream.startsWith('thread-')) return;
    const thread = envelope.stream.slice('thread-'.length);
    const applied = this.book.apply(thread, envelope.streamVersion, envelope.id, { type: envelope.type, data: envelope.data } as MessageEvent);
    // A later event of a thread the book let go: fold the thread again from the store.
    if (!applied && envelope.streamVersion > 1 && !this.book.thread(thread)) void this.catchUp(thread).catch(() => undefined);
  }

  /** The thread as of the store: the book first, the store when this replica does not hold it. */
  async thread(id: string): Promise<ThreadRecord | undefined> {
    return this.book.thread(id) ?? (await this.catchUp(id));
  }

  /**
   * Makes sure the directory has an answer for each of `agents`: names it has no event of are
   * looked up in the store (their credential events), and remembered as absent when it has none.
   */
  async lookUpAgents(agents: readonly string[]): Promise<void> {
    // The follower already knows every agent issued before this replica caught up: a name it has
    // not seen is rare (issued a moment ago). At most a few are looked up per message, so a send
    // naming many made-up agents costs a few store reads, not two per name (the rest stay
    // unknown: UNKNOWN_RECIPIENT).
    await Promise.all(this.agents.toLookUp(agents).slice(0, MAX_LOOKUPS_PER_MESSAGE).map((agent) => this.lookUpAgent(agent)));
  }

  private async lookUpAgent(agent: string): Promise<void> {
    let found = false;
    for (const type of ['credential.issued', 'agent.revoked'] as const) {
      for (let from = 1, pages = 0; pages < MAX_LOOKUP_PAGES; pages++) {
        const page = await this.store.read({ stream: agentStreamOf(agent), type, fromSequence: from, limit: 1000 });
        for (const envelope of page.events) this.agents.apply(envelope);
        found ||= page.events.length > 0;
        if (page.nextSequence === null || page.events.length === 0) break;
        from = page.nextSequence;
      }
    }
    if (!found) this.agents.markAbsent(agent);
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

  /** Reads what the book lacks of thread `id` from the store and folds it in (one read at a time per thread). */
  private catchUp(id: string): Promise<ThreadRecord | undefined> {
    const running = this.catchingUp.get(id);
    if (running) return running;
    const reading = this.readThread(id).finally(() => this.catchingUp.delete(id));
    this.catchingUp.set(id, reading);
    return reading;
  }

  private async readThread(id: string): Promise<ThreadRecord | undefined> {
    for (let from = 1; ; ) {
      const page = await this.store.read({ stream: threadStreamOf(id), fromSequence: from, limit: 1000 });
      for (const envelope of page.events) this.applyEnvelope(envelope);
      if (page.nextSequence === null || page.events.length === 0) break;
      from = page.nextSequence;
    }
    return this.book.thread(id);
  }
}
