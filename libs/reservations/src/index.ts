// Public entry point of @lighthouse/reservations: file reservations as pure TypeScript — the
// pattern grammar, glob overlap, the path index and the reservation Decider. No Nest, no NATS.

export { parsePattern, PATTERN_LIMITS } from './glob-pattern';
export type { ParsedPattern, Alternative, Segment, Token } from './glob-pattern';
export { patternsOverlap, patternCovers, compileAlternative } from './glob-overlap';
export type { PathTest } from './glob-overlap';
export { ReservationIndex } from './reservation-index';
export { ReservationBook, describeHeld, toReservation } from './reservation-book';
export type { Held, BookLimits, ReservationCommand, Decision } from './reservation-book';
export { workspacePathOf, heldAgainst, writeTargetsOf } from './enforcement';
export type { WriteTarget, HeldAgainst, EnforcementOptions } from './enforcement';
