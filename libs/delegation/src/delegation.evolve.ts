import type { Delegation } from '@lighthouse/contracts';
import type { DelegationEvent } from '@lighthouse/contracts';

/** Folds one event into the state it follows; `time` is the event's commit time. */
export function evolve(state: Delegation | undefined, event: DelegationEvent, time: string): Delegation {
  if (event.type === 'delegation.created') return created(event.data, time);
  if (!state) throw new Error(`${event.type} before delegation.created`);
  const next = { ...state, updatedAt: time };
  switch (event.type) {
    case 'delegation.assigned':
      return { ...next, state: 'assigned', assignee: event.data.assignee, leaseExpiresAt: event.data.leaseExpiresAt };
    case 'delegation.claimed':
      return { ...next, state: 'in_progress', assignee: event.data.assignee, claimEpoch: event.data.claimEpoch, leaseExpiresAt: event.data.leaseExpiresAt };
    case 'delegation.progressed':
      return { ...next, leaseExpiresAt: event.data.leaseExpiresAt, progress: [...state.progress, { at: time, note: event.data.note }].slice(-20) };
    case 'delegation.lease_extended':
      return { ...next, leaseExpiresAt: event.data.leaseExpiresAt };
    case 'delegation.released':
      return { ...next, state: 'queued', assignee: null, leaseExpiresAt: null, releasedFrom: [...state.releasedFrom, event.data.from].slice(-100) };
    case 'delegation.completed':
      return { ...next, state: 'completed', result: event.data.result, leaseExpiresAt: null };
    case 'delegation.failed':
      return { ...next, state: 'failed', error: event.data.error, leaseExpiresAt: null };
    case 'delegation.cancelled':
      return { ...next, state: 'cancelled', error: { code: 'CANCELLED', message: event.data.reason }, leaseExpiresAt: null };
    case 'delegation.expired':
      return { ...next, state: 'expired', error: { code: 'EXPIRED', message: 'deadline passed before completion' }, leaseExpiresAt: null };
  }
}

function created(data: Extract<DelegationEvent, { type: 'delegation.created' }>['data'], time: string): Delegation {
  const { request } = data;
  return {
    id: data.id,
    kind: request.kind,
    requester: data.requester,
    target: request.target,
    title: request.title,
    body: request.body,
    context: request.context,
    state: 'queued',
    assignee: null,
    claimEpoch: 0,
    leaseExpiresAt: null,
    deadline: new Date(Date.parse(time) + request.deadlineSeconds * 1000).toISOString(),
    createdAt: time,
    updatedAt: time,
    releasedFrom: [],
    progress: [],
    result: null,
    error: null,
    correlationId: data.correlationId,
  };
}
