import { randomUUID } from 'node:crypto';
import { LighthouseError, delegationStreamOf as streamOf, type DelegationEvent, type EventEnvelope } from '@lighthouse/contracts';
import type { EventStoreClient } from '@lighthouse/transport';
import { evolve, type DelegationProjection, type Tracked } from '@lighthouse/delegation';

/**
 * Delegations are event-sourced in the event store (fsync'd, HMAC-chained): one stream per
 * delegation, written with the stream's expected version, so two replicas deciding on the same
 * delegation at once cannot both win. The projection is a cache of those streams.
 */
export class DelegationRepository {
  constructor(
    private readonly store: EventStoreClient,
    readonly projection: DelegationProjection,
    /**
     * Called as soon as each append request is queued on the connection, before its answer: what
     * it publishes leaves in the same socket write, behind the request, so the server routes the
     * append (on the round trip's path) before the notices (hints nobody waits for).
     */
    private readonly afterRequest: () => void = () => undefined,
  ) {}

  /** The delegation as of the store (projection first; the store when this replica has not seen it yet). */
  async load(id: string): Promise<Tracked> {
    const known = this.projection.get(id);
    if (known) return known;
    const fresh = await this.fold(id);
    if (!fresh) throw new LighthouseError('NOT_FOUND', `no delegation ${id}`);
    this.projection.reset(id, fresh);
    return fresh;
  }

  /**
   * Appends `events` at the stream version `base` was read at, by `agent` (or one agent per event).
   * Answers false on a conflict (someone else changed it first; the projection is refreshed from the store).
   */
  async append(id: string, base: Tracked | undefined, events: DelegationEvent[], agent: string | readonly string[], now: Date): Promise<boolean> {
    if (events.length === 0) return true;
    const at = now.toISOString();
    const ids = events.map(() => randomUUID());
    const correlationId = base?.delegation.correlationId ?? (events[0] as Extract<DelegationEvent, { type: 'delegation.created' }>).data.correlationId;
    const request = this.store.append({
      expectedVersion: base?.version ?? 0,
      events: events.map((event, i) => ({
        id: ids[i] as string,
        type: event.type,
        stream: streamOf(id),
        agent: typeof agent === 'string' ? agent : (agent[i] as string),
        correlationId,
        causationId: i === 0 ? (base?.lastEventId ?? null) : (ids[i - 1] as string),
        schemaVersion: 1,
        data: { ...event.data, at },
      })),
    });
    this.afterRequest();
    const result = await request;
    if (result.status === 'conflict') {
      const fresh = await this.fold(id);
      if (fresh) this.projection.reset(id, fresh);
      return false;
    }
    events.forEach((event, i) => this.projection.apply(id, (base?.version ?? 0) + i + 1, ids[i] as string, event, at));
    return true;
  }

  private async fold(id: string): Promise<Tracked | undefined> {
    const envelopes: EventEnvelope[] = [];
    for (let from = 1; ; ) {
      const page = await this.store.read({ stream: streamOf(id), fromSequence: from, limit: 1000 });
      envelopes.push(...page.events);
      if (page.nextSequence === null || page.events.length === 0) break;
      from = page.nextSequence;
    }
    let tracked: Tracked | undefined;
    for (const e of envelopes) {
      const delegation = evolve(tracked?.delegation, { type: e.type, data: e.data } as DelegationEvent, String(e.data['at']));
      tracked = { delegation, version: e.streamVersion, lastEventId: e.id };
    }
    return tracked;
  }
}
