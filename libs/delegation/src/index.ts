export { decide, delegationDecider } from './delegation.commands';
export type { DelegationCommand, DelegationState, TimedDelegationEvent } from './delegation.commands';
export {
  accept,
  reject,
  canSee,
  canTake,
  isTerminal,
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
} from './delegation.decider';
export type { Decision, LeaseSettings, Rejection } from './delegation.decider';
export { evolve } from './delegation.evolve';
export { AssignmentBoard } from './assignment-board';
export type { Pairing, WaitingExpert } from './assignment-board';
export { DelegationProjection, DEFAULT_RETENTION, DELEGATION_SNAPSHOT_VERSION } from './delegation-projection';
export type { RetentionOptions, Tracked } from './delegation-projection';
