import { z } from 'zod';

export const HealthQuerySchema = z.strictObject({});
export type HealthQuery = z.infer<typeof HealthQuerySchema>;

/** What each service answers on its health subject. */
export const ServiceHealthSchema = z.strictObject({
  service: z.string(),
  status: z.enum(['up', 'degraded']),
  version: z.string(),
  instance: z.string(),
  uptimeSeconds: z.number().min(0),
  detail: z.record(z.string(), z.unknown()).optional(),
});
export type ServiceHealth = z.infer<typeof ServiceHealthSchema>;

/** The gateway's `GET /health` answer: every service, up or down, with its round trip. */
export const GatewayHealthSchema = z.strictObject({
  status: z.enum(['up', 'degraded', 'down']),
  services: z.record(
    z.string(),
    z.strictObject({
      status: z.enum(['up', 'degraded', 'down']),
      rttMs: z.number().min(0).nullable(),
      instance: z.string().optional(),
      error: z.string().optional(),
    }),
  ),
});
export type GatewayHealth = z.infer<typeof GatewayHealthSchema>;
