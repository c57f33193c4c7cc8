import type { CreateDelegation, Delegation } from '@lighthouse/contracts';

/**
 * What can happen to a delegation. The event store holds these (one stream per delegation,
 * `delegation-<id>`); the current state is their fold ({@link evolve}).
 */
export type DelegationEvent =
  | { type: 'delegation.created'; data: { id: string; requester: string; request: Required<Omit<CreateDelegation, 'correlationId'>>; correlationId: string } }
  | { type: 'delegation.assigned'; data: { assignee: string; leaseExpiresAt: string } }
  | { type: 'delegation.claimed'; data: { assignee: string; claimEpoch: number; leaseExpiresAt: string } }
  | { type: 'delegation.progressed'; data: { note: string; leaseExpiresAt: string } }
  | { type: 'delegation.lease_extended'; data: { leaseExpiresAt: string } }
  | { type: 'delegation.released'; data: { from: string; reason: string } }
  | { type: 'delegation.completed'; data: { result: Record<string, unknown> } }
  | { type: 'delegation.failed'; data: { error: { code: string; message: string } } }
  | { type: 'delegation.cancelled'; data: { by: string; reason: string } }
  | { type: 'delegation.expired'; data: Record<string, never> };

export type DelegationEventType = DelegationEvent['type'];

/** A delegation's state plus the version of its stream (for optimistic concurrency). */
export interface VersionedDelegation {
  delegation: Delegation;
  version: number;
}

export const streamOf = (id: string): string => `delegation-${id}`;
