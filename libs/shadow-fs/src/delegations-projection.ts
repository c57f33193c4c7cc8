import type { EventEnvelope } from '@lighthouse/contracts';
import { Rendered, obj, str } from './json-record';

/** What `/delegations/<id>.json` holds. */
export interface DelegationView {
  id: string;
  state: string;
  title?: string;
  kind?: string;
  requester?: string;
  target?: unknown;
  assignee?: string | null;
  createdAt: string;
  updatedAt: string;
  lastEvent: string;
  lastSequence: number;
}

/** The state each delegation event leaves it in; other types keep the state. */
const STATE_AFTER: Record<string, string> = {
  'delegation.created': 'queued',
  'delegation.assigned': 'assigned',
  'delegation.claimed': 'in_progress',
  'delegation.progressed': 'in_progress',
  'delegation.released': 'queued',
  'delegation.completed': 'completed',
  'delegation.failed': 'failed',
  'delegation.cancelled': 'cancelled',
  'delegation.expired': 'expired',
};
const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'expired']);

/**
 * Open delegations, folded from the router's `delegation.*` events (stream `delegation-<id>`).
 * A delegation leaves the listing when it reaches a terminal state. Tolerant of types and fields
 * it does not know.
 */
export class DelegationsProjection {
  private readonly open = new Map<string, { view: DelegationView; json: Rendered }>();
  private readonly closed = new Set<string>();

  apply(event: EventEnvelope): void {
    if (!event.type.startsWith('delegation.')) return;
    const id = delegationOf(event);
    if (!id || this.closed.has(id)) return;
    const entry = this.open.get(id) ?? { view: { id, state: 'queued', createdAt: event.time, updatedAt: event.time, lastEvent: '', lastSequence: 0 }, json: new Rendered() };
    const view = entry.view;
    const data = event.data;
    if (event.type === 'delegation.created') {
      const request = obj(data['request']) ?? {};
      Object.assign(view, { title: str(request['title']), kind: str(request['kind']), target: request['target'], requester: str(data['requester']) });
    }
    if (typeof data['assignee'] === 'string') view.assignee = data['assignee'];
    if (event.type === 'delegation.released') view.assignee = null;
    Object.assign(view, { state: STATE_AFTER[event.type] ?? view.state, updatedAt: event.time, lastEvent: event.type, lastSequence: event.sequence });
    entry.json.invalidate();
    if (TERMINAL.has(view.state)) {
      this.open.delete(id);
      this.closed.add(id);
    } else {
      this.open.set(id, entry);
    }
  }

  names(): string[] {
    return [...this.open.keys()].map((id) => `${id}.json`);
  }

  file(name: string): Uint8Array | undefined {
    const entry = name.endsWith('.json') ? this.open.get(name.slice(0, -'.json'.length)) : undefined;
    return entry?.json.of(entry.view);
  }

  get size(): number {
    return this.open.size;
  }
}

/** The delegation's id, when it can be a file name. */
function delegationOf(event: EventEnvelope): string | undefined {
  const id = event.stream.startsWith('delegation-') ? event.stream.slice('delegation-'.length) : (str(event.data['id']) ?? str(obj(event.data['delegation'])?.['id']));
  return id !== undefined && /^[A-Za-z0-9_.:@-]{1,200}$/.test(id) ? id : undefined;
}
