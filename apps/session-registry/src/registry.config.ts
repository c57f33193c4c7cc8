import { z } from 'zod';
import { tokenShape, type natsServiceShape } from '@lighthouse/config';

/** The session-registry's configuration, from the environment (see README). */
export const registryConfigShape = {
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Every key the registry writes starts with this, so deployments (and test runs) can share a Redis. */
  LH_REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_.:-]{0,64}$/).default('lh:'),
  ...tokenShape,
  /** Lifetime of one token; a client refreshes before it ends. */
  LH_TOKEN_TTL_S: z.coerce.number().int().min(10).max(86_400).default(900),
  /** A session with no signed request or heartbeat for this long ends. */
  LH_SESSION_IDLE_S: z.coerce.number().int().min(10).max(7 * 86_400).default(1_800),
  /** A session ends this long after it started, however active. */
  LH_SESSION_TTL_S: z.coerce.number().int().min(10).max(90 * 86_400).default(86_400),
  /**
   * An agent's presence `alive` goes out at most this often from one replica (0: on every
   * heartbeat and signed change). Keep it well under the router's shortest lease.
   */
  LH_PRESENCE_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
};

/** The whole configuration: the shared NATS variables (runNatsService adds them) and the registry's. */
export type RegistryConfig = z.infer<z.ZodObject<typeof natsServiceShape & typeof registryConfigShape>>;

/** Injection token for the validated {@link RegistryConfig}. */
export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');

/** Where the registry keeps its state: a Redis reachable over the network (any replica, same state). */
export const redisShape = {
  REDIS_URL: registryConfigShape.REDIS_URL,
  LH_REDIS_PREFIX: registryConfigShape.LH_REDIS_PREFIX,
};

/** Injection token for the {@link AuthKeys} derived from `LH_TOKEN_SECRET`. */
export const AUTH_KEYS = Symbol('AUTH_KEYS');

/** Injection token for the {@link SessionLimits} derived from the TTL settings. */
export const SESSION_LIMITS = Symbol('SESSION_LIMITS');
