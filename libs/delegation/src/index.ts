export { decide, delegationDecider } from './delegation.commands';
export type { DelegationCommand, DelegationState, TimedDelegationEvent } from './delegation.commands';
export {
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
  decideTick,
} from './delegation.decider';
export type { LeaseSettings } from './delegation.decider';
export { evolve } from './delegation.evolve';
export { AssignmentBoard } from './assignment-board';
export type { Pairing, WaitingExpert } from './assignment-board';
