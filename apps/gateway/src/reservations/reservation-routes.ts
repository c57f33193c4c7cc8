import {
  ForceReleaseRequestSchema,
  ListReservationsQuerySchema,
  ReleasedReservationsSchema,
  ReleaseReservationRequestSchema,
  RenewReservationRequestSchema,
  ReservationGrantSchema,
  ReservationListSchema,
  ReserveRequestSchema,
} from '@lighthouse/contracts';
import type { ApiRoute } from '../openapi/api-routes';

/** The reservation routes, as the OpenAPI document lists them. */
export const RESERVATION_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/reservations',
    access: 'agent',
    summary: 'Reserve paths or globs of the workspace (relative to its root), exclusive or shared, for a reason and a TTL; all or none; 409 RESERVATION_CONFLICT names the holder, its reason and expiry',
    body: ReserveRequestSchema,
    status: 201,
    response: ReservationGrantSchema,
    errors: [409],
  },
  { method: 'post', path: '/reservations/renew', access: 'agent', summary: "Extend a grant's reservations (its current epoch only: 409 STALE_EPOCH otherwise)", body: RenewReservationRequestSchema, status: 200, response: ReservationGrantSchema, errors: [409] },
  { method: 'post', path: '/reservations/release', access: 'agent', summary: "Release a grant's reservations, all or the listed paths or ids (current epoch only)", body: ReleaseReservationRequestSchema, status: 200, response: ReleasedReservationsSchema, errors: [404, 409] },
  { method: 'get', path: '/reservations', access: 'agent', summary: 'Live reservations (every agent sees them), by holder or by a path they overlap, paged', query: ListReservationsQuerySchema, status: 200, response: ReservationListSchema },
  { method: 'post', path: '/admin/reservations/release', access: 'admin', summary: 'Operator: end reservations by id, or every one of a holder', body: ForceReleaseRequestSchema, status: 200, response: ReleasedReservationsSchema, errors: [404] },
];
