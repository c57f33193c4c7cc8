import { z } from 'zod';

/** The router's reservation settings (beside the delegation ones). */
export const reservationsConfigShape = {
  /** A holder not seen alive (heartbeat, signed request) for this long loses its reservations. */
  LH_RESERVATION_LEASE_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** How often TTLs and holders' liveness are checked. */
  LH_RESERVATION_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** Live reservations one agent may hold at once. */
  LH_RESERVATIONS_PER_AGENT: z.coerce.number().int().min(1).max(10_000).default(100),
};

export const ReservationsConfigSchema = z.object(reservationsConfigShape);
export type ReservationsConfig = z.infer<typeof ReservationsConfigSchema>;
