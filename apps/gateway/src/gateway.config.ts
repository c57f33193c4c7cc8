import { z } from 'zod';
import { natsServiceShape } from '@lighthouse/config';

/** The gateway's configuration, from the environment (see README). */
export const gatewayConfigShape = {
  ...natsServiceShape,
  LH_GATEWAY_HOST: z.string().default('127.0.0.1'),
  LH_GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8765),
  LH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
  LH_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(1_000),
};

export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;

/** Injection token for the validated {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
