import { TERMINAL_DELEGATION_STATES, humanAgentIdOf, type Actor, type CreateDelegation, type Delegation, type DelegationEvent, type HumanRuling } from '@lighthouse/contracts';

/** Timing rules of the router, from configuration. */
export interface LeaseSettings {
  /** How long an assigned expert has to claim before the delegation goes back to the queue. */
  assignLeaseMs: number;
  /** How long a claim lives without a heartbeat or progress note. */
  claimLeaseMs: number;
}

/** Why a command was refused, with a stable code: an expected outcome, a value rather than an exception. */
export interface Rejection {
  ok: false;
  code: 'FORBIDDEN' | 'CONFLICT' | 'NOT_FOUND' | 'VALIDATION_FAILED';
  message: string;
}

/** What a command decides: the events to append (none when nothing changes), or why it is refused. */
export type Decision = { ok: true; events: DelegationEvent[] } | Rejection;

const iso = (ms: number) => new Date(ms).toISOString();
export const accept = (...events: DelegationEvent[]): Decision => ({ ok: true, events });
export const reject = (code: Rejection['code'], message: string): Rejection => ({ ok: false, code, message });
const forbidden = (what: string) => reject('FORBIDDEN', what);
const conflict = (what: string) => reject('CONFLICT', what);

export const isTerminal = (d: Delegation): boolean => TERMINAL_DELEGATION_STATES.includes(d.state);

/** Only the requester, the assignee (or the agent it is addressed to) and operators may see a delegation. */
export function canSee(d: Delegation, actor: Actor): boolean {
  const addressedTo = 'agent' in d.target && d.target.agent === actor.agent;
  return actor.operator || d.requester === actor.agent || d.assignee === actor.agent || addressedTo;
}

export function decideCreate(actor: Actor, request: CreateDelegation, id: string, correlationId: string): Decision {
  if ('agent' in request.target && request.target.agent === actor.agent) return reject('VALIDATION_FAILED', 'an agent cannot delegate to itself');
  const { correlationId: _ignored, ...rest } = request;
  return accept({ type: 'delegation.created', data: { id, requester: actor.agent, request: rest as Required<typeof rest>, correlationId } } as DelegationEvent);
}

/** May this expert be given this queued delegation? */
export function canTake(d: Delegation, actor: Actor): boolean {
  if (d.state !== 'queued' || d.requester === actor.agent || d.releasedFrom.includes(actor.agent)) return false;
  return 'agent' in d.target ? d.target.agent === actor.agent : actor.roles.includes(d.target.role);
}

export function decideAssign(d: Delegation, actor: Actor, now: number, settings: LeaseSettings): Decision {
  if (!canTake(d, actor)) return conflict(`delegation ${d.id} cannot be assigned to ${actor.agent}`);
  return accept({ type: 'delegation.assigned', data: { assignee: actor.agent, leaseExpiresAt: iso(now + settings.assignLeaseMs) } });
}

/**
 * The assignee claims what it was assigned. Claiming what one already holds (it was handed over
 * claimed, see decideTake) changes nothing and answers the same epoch: a client that claims
 * after taking keeps working.
 */
export function decideClaim(d: Delegation, actor: Actor, now: number, settings: LeaseSettings): Decision {
  if (d.assignee !== actor.agent) return forbidden(`delegation ${d.id} is not assigned to ${actor.agent}`);
  if (d.state === 'in_progress') return accept();
  if (d.state !== 'assigned') return conflict(`delegation ${d.id} is ${d.state}, not assigned`);
  const claimEpoch = d.claimEpoch + 1;
  return accept({ type: 'delegation.claimed', data: { assignee: actor.agent, claimEpoch, leaseExpiresAt: iso(now + settings.claimLeaseMs) } });
}

/**
 * Offer and claim in one step: a queued delegation handed to an expert that may take it is
 * claimed by it at once, under a new epoch and a claim lease (one event instead of assigned
 * then claimed).
 */
export function decideTake(d: Delegation, actor: Actor, now: number, settings: LeaseSettings): Decision {
  if (!canTake(d, actor)) return conflict(`delegation ${d.id} cannot be taken by ${actor.agent}`);
  return accept({ type: 'delegation.claimed', data: { assignee: actor.agent, claimEpoch: d.claimEpoch + 1, leaseExpiresAt: iso(now + settings.claimLeaseMs) } });
}

/**
 * The fence: only the current holder of the current claim may act on it. A former holder
 * (its lease expired and the work moved on) gets CONFLICT, a stranger FORBIDDEN.
 */
function checkClaim(d: Delegation, actor: Actor, epoch: number): Rejection | undefined {
  const heldBefore = d.releasedFrom.includes(actor.agent);
  if (d.assignee !== actor.agent && !heldBefore) return forbidden(`delegation ${d.id} is not assigned to ${actor.agent}`);
  if (d.assignee !== actor.agent || epoch !== d.claimEpoch || d.state !== 'in_progress') {
    return conflict(`claim lost: delegation ${d.id} is ${d.state} at claim epoch ${d.claimEpoch}, you hold epoch ${epoch}`);
  }
  return undefined;
}

export function decideProgress(d: Delegation, actor: Actor, epoch: number, note: string, now: number, settings: LeaseSettings): Decision {
  return checkClaim(d, actor, epoch) ?? accept({ type: 'delegation.progressed', data: { note, leaseExpiresAt: iso(now + settings.claimLeaseMs) } });
}

export function decideComplete(d: Delegation, actor: Actor, epoch: number, result: Record<string, unknown>): Decision {
  return checkClaim(d, actor, epoch) ?? accept({ type: 'delegation.completed', data: { result } });
}

export function decideFail(d: Delegation, actor: Actor, epoch: number, error: { code: string; message: string }): Decision {
  return checkClaim(d, actor, epoch) ?? accept({ type: 'delegation.failed', data: { error } });
}

export function decideCancel(d: Delegation, actor: Actor, reason: string): Decision {
  if (d.requester !== actor.agent && !actor.operator) return forbidden(`only the requester or an operator may cancel delegation ${d.id}`);
  if (isTerminal(d)) return conflict(`delegation ${d.id} is already ${d.state}`);
  return accept({ type: 'delegation.cancelled', data: { by: actor.agent, reason } });
}

/**
 * A heartbeat of the assignee keeps its claim (or assignment) alive. Only once half the lease is
 * used, so frequent heartbeats do not turn into a stream of events.
 */
export function decideExtend(d: Delegation, agent: string, now: number, settings: LeaseSettings): Decision {
  if (d.assignee !== agent || (d.state !== 'in_progress' && d.state !== 'assigned')) return accept();
  const lease = d.state === 'in_progress' ? settings.claimLeaseMs : settings.assignLeaseMs;
  if (d.leaseExpiresAt && Date.parse(d.leaseExpiresAt) - now > lease / 2) return accept();
  return accept({ type: 'delegation.lease_extended', data: { leaseExpiresAt: iso(now + lease) } });
}

/** Housekeeping at `now`: expire past the deadline, release a lapsed lease. */
export function decideTick(d: Delegation, now: number): Decision {
  if (isTerminal(d)) return accept();
  if (now >= Date.parse(d.deadline)) return accept({ type: 'delegation.expired', data: {} });
  if (d.assignee && d.leaseExpiresAt && now >= Date.parse(d.leaseExpiresAt)) {
    return accept({ type: 'delegation.released', data: { from: d.assignee, reason: `lease expired while ${d.state}` } });
  }
  return accept();
}

/** The assignee is gone (session ended, agent revoked): its work goes back to the queue. */
export function decideRelease(d: Delegation, agent: string, reason: string): Decision {
  if (isTerminal(d) || d.assignee !== agent) return accept();
  return accept({ type: 'delegation.released', data: { from: agent, reason } });
}

/**
 * A human rules on a waiting validation escalation from the console: whoever held it loses the
 * claim (released, so its late completion is refused as a lost claim), the human takes it at a
 * new claim epoch and completes it with the ruling. Operators only; `validation` delegations only.
 */
export function decideRule(d: Delegation, actor: Actor, operator: string, ruling: HumanRuling, now: number, settings: LeaseSettings): Decision {
  if (!actor.operator) return forbidden('only an operator may rule on an escalation');
  if (d.kind !== 'validation') return reject('VALIDATION_FAILED', `delegation ${d.id} is a ${d.kind}, not an escalation of a validation`);
  if (isTerminal(d)) return conflict(`escalation ${d.id} is already ${d.state}`);
  const human = humanAgentIdOf(operator);
  const lease = iso(now + settings.claimLeaseMs);
  const released: DelegationEvent[] = d.assignee ? [{ type: 'delegation.released', data: { from: d.assignee, reason: `ruled on by ${human} in the console` } }] : [];
  return accept(
    ...released,
    { type: 'delegation.assigned', data: { assignee: human, leaseExpiresAt: lease } },
    { type: 'delegation.claimed', data: { assignee: human, claimEpoch: d.claimEpoch + 1, leaseExpiresAt: lease } },
    { type: 'delegation.completed', data: { result: { ...ruling, by: 'human', operator, ruledBy: human } } },
  );
}
