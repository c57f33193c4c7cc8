import { defineRpc } from './contract';
import {
  ReleasedReservationsSchema,
  ReservationGrantSchema,
  ReservationListSchema,
  ReservationRequestSchemas as R,
} from './reservations';

/** The reservation rpcs, in the delegation router's context (it serves them). */
export const RESERVATION_RPCS = {
  /** Reserve paths or globs for the caller (all or none). */
  reserve: defineRpc({ subject: 'lh.delegation.cmd.reserve.v1', request: R.reserve, reply: ReservationGrantSchema }),
  /** Extend a grant's reservations (current epoch only). */
  renewReservation: defineRpc({ subject: 'lh.delegation.cmd.renew-reservation.v1', request: R.renew, reply: ReservationGrantSchema }),
  /** Release a grant's reservations (current epoch only). */
  releaseReservation: defineRpc({ subject: 'lh.delegation.cmd.release-reservation.v1', request: R.release, reply: ReleasedReservationsSchema }),
  /** Live reservations, paged. */
  listReservations: defineRpc({ subject: 'lh.delegation.query.reservations.v1', request: R.list, reply: ReservationListSchema }),
  /** Operator: end reservations by id or holder. */
  forceReleaseReservations: defineRpc({ subject: 'lh.delegation.cmd.force-release.v1', request: R.forceRelease, reply: ReleasedReservationsSchema }),
} as const;
