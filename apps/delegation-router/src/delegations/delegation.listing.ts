import { LighthouseError, type Actor, type Delegation, type DelegationState } from '@lighthouse/contracts';

/** One list request, as the router receives it (the actor comes from the gateway). */
export interface ListingQuery {
  scope: 'mine' | 'assigned' | 'all';
  state?: DelegationState;
  kind?: Delegation['kind'];
  limit: number;
  /** Where the previous page stopped; absent for the first page. */
  cursor?: string;
}

export interface ListingPage {
  delegations: Delegation[];
  /** Pass as `cursor` for the next page; null when there is nothing further. */
  nextCursor: string | null;
}

const CURSOR = /^(\d{4}-\d{2}-\d{2}T[0-9:.]+Z)_([0-9a-f-]{36})$/;

/**
 * A page of the delegations an actor may list, newest first, bounded by count and by bytes: the
 * page stops before the delegation that would take its JSON past `maxBytes` (at least one
 * delegation per page), so the answer always fits one frame whatever agents put in them.
 */
export function listDelegations(all: Iterable<Delegation>, actor: Actor, query: ListingQuery, maxBytes: number): ListingPage {
  if (query.scope === 'all' && !actor.operator) throw new LighthouseError('FORBIDDEN', 'only operators may list every delegation');
  const after = parseCursor(query.cursor);
  const matches = (d: Delegation) =>
    (query.scope === 'all' || (query.scope === 'mine' ? d.requester === actor.agent : d.assignee === actor.agent)) &&
    (!query.state || d.state === query.state) &&
    (!query.kind || d.kind === query.kind) &&
    (!after || compare(d, after) > 0);
  const sorted = [...all].filter(matches).sort(compare);
  const delegations: Delegation[] = [];
  let bytes = 0;
  for (const d of sorted) {
    const cost = Buffer.byteLength(JSON.stringify(d));
    if (delegations.length === query.limit || (delegations.length > 0 && bytes + cost > maxBytes)) break;
    bytes += cost;
    delegations.push(d);
  }
  const last = delegations.at(-1);
  return { delegations, nextCursor: last && delegations.length < sorted.length ? cursorOf(last) : null };
}

/** Newest first; the id breaks ties so the order (and so a cursor) is total. */
function compare(a: Pick<Delegation, 'createdAt' | 'id'>, b: Pick<Delegation, 'createdAt' | 'id'>): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

function cursorOf(d: Delegation): string {
  return `${d.createdAt}_${d.id}`;
}

function parseCursor(cursor: string | undefined): Pick<Delegation, 'createdAt' | 'id'> | undefined {
  if (cursor === undefined) return undefined;
  const match = CURSOR.exec(cursor);
  if (!match) throw new LighthouseError('VALIDATION_FAILED', 'cursor is not one this service handed out');
  return { createdAt: match[1] as string, id: match[2] as string };
}
