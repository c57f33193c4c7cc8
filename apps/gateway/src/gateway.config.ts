import { z } from 'zod';
import { adminSecretShape, natsServiceShape, tokenShape } from '@lighthouse/config';

/** The gateway's configuration, from the environment (see README). */
export const gatewayConfigShape = {
  ...natsServiceShape,
  LH_GATEWAY_HOST: z.string().default('127.0.0.1'),
  LH_GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8765),
  LH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
  LH_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(1_000),
  ...tokenShape,
  ...adminSecretShape,
  /** Sustained requests per second per agent (token bucket refill, per gateway replica). */
  LH_RATE_LIMIT_RPS: z.coerce.number().min(0.1).max(100_000).default(20),
  /** Largest burst per agent (token bucket size). */
  LH_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** Requests to the session-registry in flight at once; as many more wait, beyond that 503. */
  LH_REGISTRY_MAX_INFLIGHT: z.coerce.number().int().min(1).max(100_000).default(1_000),
};

export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;

/** Injection token for the validated {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
