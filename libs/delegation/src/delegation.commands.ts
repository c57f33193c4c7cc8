import type { Actor, CreateDelegation, Delegation, DelegationEvent, HumanRuling } from '@lighthouse/contracts';
import {
  decideAssign,
  decideCancel,
  decideClaim,
  decideComplete,
  decideCreate,
  decideExtend,
  decideFail,
  decideProgress,
  decideRelease,
  decideTake,
  decideRule,
  decideTick,
  reject,
  type Decision,
  type LeaseSettings,
} from './delegation.decider';
import { evolve } from './delegation.evolve';

/** Everything that may be asked of one delegation: a discriminated union on `type`. */
export type DelegationCommand =
  | { type: 'create'; actor: Actor; request: CreateDelegation; id: string; correlationId: string }
  | { type: 'assign'; actor: Actor; now: number; leases: LeaseSettings }
  | { type: 'claim'; actor: Actor; now: number; leases: LeaseSettings }
  /** Offer and claim in one step: the expert takes a queued delegation, claimed at once. */
  | { type: 'take'; actor: Actor; now: number; leases: LeaseSettings }
  | { type: 'progress'; actor: Actor; epoch: number; note: string; now: number; leases: LeaseSettings }
  | { type: 'complete'; actor: Actor; epoch: number; result: Record<string, unknown> }
  | { type: 'fail'; actor: Actor; epoch: number; error: { code: string; message: string } }
  | { type: 'cancel'; actor: Actor; reason: string }
  /** A human (an operator in the console) rules on a validation escalation. */
  | { type: 'rule'; actor: Actor; operator: string; ruling: HumanRuling; now: number; leases: LeaseSettings }
  /** A heartbeat of `agent`: keeps its claim or assignment alive. */
  | { type: 'extend'; agent: string; now: number; leases: LeaseSettings }
  /** Housekeeping at `now`: expire past the deadline, release a lapsed lease. */
  | { type: 'tick'; now: number }
  /** `agent` is gone (session ended, agent revoked). */
  | { type: 'release'; agent: string; reason: string };

/** The state of one delegation: null until it is created. */
export type DelegationState = Delegation | null;

/** A delegation event with the time it was decided (its stored `at`). */
export interface TimedDelegationEvent {
  event: DelegationEvent;
  at: string;
}

const missing = (command: DelegationCommand): Decision => reject('NOT_FOUND', `cannot ${command.type} a delegation that does not exist`);

function assertNever(command: never): never {
  throw new Error(`unknown delegation command ${JSON.stringify(command)}`);
}

/**
 * What a command decides on a delegation's state: the events to append (none when nothing
 * changes), or a rejection with a stable code (FORBIDDEN, CONFLICT, VALIDATION_FAILED, NOT_FOUND).
 * Expected refusals are values; only an impossible command (outside the union) throws.
 */
export function decide(command: DelegationCommand, state: DelegationState): Decision {
  if (command.type === 'create') {
    return state === null ? decideCreate(command.actor, command.request, command.id, command.correlationId) : reject('CONFLICT', `delegation ${command.id} already exists`);
  }
  if (state === null) return missing(command);
  switch (command.type) {
    case 'assign':
      return decideAssign(state, command.actor, command.now, command.leases);
    case 'claim':
      return decideClaim(state, command.actor, command.now, command.leases);
    case 'take':
      return decideTake(state, command.actor, command.now, command.leases);
    case 'progress':
      return decideProgress(state, command.actor, command.epoch, command.note, command.now, command.leases);
    case 'complete':
      return decideComplete(state, command.actor, command.epoch, command.result);
    case 'fail':
      return decideFail(state, command.actor, command.epoch, command.error);
    case 'cancel':
      return decideCancel(state, command.actor, command.reason);
    case 'rule':
      return decideRule(state, command.actor, command.operator, command.ruling, command.now, command.leases);
    case 'extend':
      return decideExtend(state, command.agent, command.now, command.leases);
    case 'tick':
      return decideTick(state, command.now);
    case 'release':
      return decideRelease(state, command.agent, command.reason);
    default:
      return assertNever(command);
  }
}

/**
 * The delegation Decider: `decide(command, state)` → events, `evolve(state, event)` → state,
 * from `initialState`. Pure: time comes in with the command (`now`) and with the event (`at`).
 */
export const delegationDecider = {
  decide,
  evolve: (state: DelegationState, { event, at }: TimedDelegationEvent): DelegationState => evolve(state ?? undefined, event, at),
  initialState: null as DelegationState,
} as const;
