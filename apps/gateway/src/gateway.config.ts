import { z } from 'zod';
import { adminSecretShape, natsServiceShape, tokenShape } from '@lighthouse/config';

/** The gateway's configuration, from the environment (see README). */
export const gatewayConfigShape = {
  ...natsServiceShape,
  LH_GATEWAY_HOST: z.string().default('127.0.0.1'),
  LH_GATEWAY_PORT: z.coerce.number().int().min(0).max(65535).default(8765),
  LH_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
  LH_HEALTH_TIMEOUT_MS: z.coerce.number().int().min(10).max(30_000).default(1_000),
  /** One health report serves every `/health` call for this long (the services are asked at most once per interval). */
  LH_HEALTH_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /**
   * Fastify's `trustProxy`: unset, the source address is the peer's; a hop count (`1` behind one
   * ingress) or comma-separated proxy addresses/CIDRs take it from `X-Forwarded-For`. Rate limits
   * keyed by address need the client's, not the ingress's.
   */
  LH_TRUST_PROXY: z
    .string()
    .regex(/^(\d{1,2}|[0-9A-Fa-f.:/,\s]+)$/, 'a hop count or comma-separated addresses/CIDRs')
    .optional(),
  ...tokenShape,
  ...adminSecretShape,
  /** Sustained requests per second per agent (token bucket refill, per gateway replica). */
  LH_RATE_LIMIT_RPS: z.coerce.number().min(0.1).max(100_000).default(20),
  /** Largest burst per agent (token bucket size). */
  LH_RATE_LIMIT_BURST: z.coerce.number().int().min(1).max(1_000_000).default(60),
  /** Open event streams and long polls per agent on one gateway replica; beyond, 429. */
  LH_STREAMS_PER_AGENT: z.coerce.number().int().min(1).max(1000).default(8),
  /**
   * Streams every agent may read besides its own and its delegations': comma-separated names,
   * or prefixes written `name*`. `fs` (the shared project's file events) by default.
   */
  LH_PUBLIC_STREAMS: z.string().regex(/^[A-Za-z0-9_.:\/*,\s-]*$/, 'comma-separated stream names or name* prefixes').default('fs'),
  /** Requests to the session-registry in flight at once; as many more wait, beyond that 503. */
  /** How long an operator's console session lasts after sign-in (absolute, no renewal). */
  LH_CONSOLE_SESSION_TTL_S: z.coerce.number().int().min(60).max(7 * 24 * 3600).default(8 * 3600),
  /** The console's built page assets (default: `console/` beside the gateway's bundle). */
  LH_CONSOLE_ASSETS_DIR: z.string().min(1).optional(),
  /** How often the console's SLA view reads the services' health and metrics (seconds). */
  LH_SLA_SAMPLE_S: z.coerce.number().min(0.2).max(300).default(15),
  /** One step of the SLA history (a minute; a breach needs the SLO's `for` in steps): tests shorten it. */
  LH_SLA_STEP_S: z.coerce.number().int().min(1).max(600).default(60),
  LH_REGISTRY_MAX_INFLIGHT: z.coerce.number().int().min(1).max(100_000).default(1_000),
};

export type GatewayConfig = z.infer<z.ZodObject<typeof gatewayConfigShape>>;

/** Injection token for the validated {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
