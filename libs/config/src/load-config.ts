import { z } from 'zod';

/**
 * Every `LH_*` variable any Lighthouse service reads. A variable with the prefix that is not
 * here is a typo or a leftover and fails the boot loudly instead of being silently ignored.
 */
export const KNOWN_LH_VARIABLES = new Set([
  'LH_SERVICE_NAME',
  'LH_SNAPSHOTS',
  'LH_SNAPSHOT_BUCKET',
  'LH_SNAPSHOT_EVERY_EVENTS',
  'LH_SNAPSHOT_EVERY_MS',
  'LH_SNAPSHOT_MAX_BYTES',
  'LH_DELEGATION_KEEP_FINISHED',
  'LH_DELEGATION_KEEP_FINISHED_MS',
  'LH_LOG_LEVEL',
  'LH_GATEWAY_HOST',
  'LH_GATEWAY_PORT',
  'LH_MAX_FRAME_BYTES',
  'LH_MAX_BODY_BYTES',
  'LH_REQUEST_TIMEOUT_MS',
  'LH_HEALTH_TIMEOUT_MS',
  'LH_HEALTH_CACHE_MS',
  'LH_TRUST_PROXY',
  'LH_STREAMS_PER_AGENT',
  'LH_PUBLIC_STREAMS',
  'LH_CONSOLE_SESSION_TTL_S',
  'LH_CONSOLE_ASSETS_DIR',
  'LH_SLA_SAMPLE_S',
  'LH_SLA_STEP_S',
  'LH_EVENT_DIR',
  'LH_EVENT_HMAC_KEYS',
  'LH_EVENT_ACTIVE_KEY_ID',
  'LH_EVENT_MAX_EVENT_BYTES',
  'LH_EVENT_SEGMENT_BYTES',
  'LH_EVENT_CHECKPOINT_PATH',
  'LH_EVENT_BACKEND',
  'LH_EVENT_STREAM',
  'LH_EVENT_REPLICAS',
  'LH_EVENT_VERIFY_INTERVAL_S',
  'LH_EVENT_VERIFY_MIN_INTERVAL_S',
  'LH_SPEED_POLICY_FILE',
  'LH_SPEED_WORKSPACE_ROOT',
  'LH_SPEED_HOME_DIR',
  'LH_SPEED_ENVIRONMENT',
  'LH_SPEED_MEMORY_ENTRIES',
  'LH_SPEED_PATTERN_THRESHOLD',
  'LH_SPEED_PATTERN_PRIOR_SUPPORT',
  'LH_SPEED_ESCALATION_TIMEOUT_MS',
  'LH_SPEED_UNSERVED_COOLDOWN_MS',
  'LH_SPEED_DEFAULT_EXPERT_ROLE',
  'LH_SPEED_BREAKER_FAILURE_RATIO',
  'LH_SPEED_BREAKER_WINDOW',
  'LH_SPEED_BREAKER_MIN_CALLS',
  'LH_SPEED_BREAKER_HALF_OPEN_MS',
  'LH_SPEED_SHARED_TTL_S',
  'LH_OPS_PORT',
  'LH_OPS_HOST',
  'LH_TOKEN_SECRET',
  'LH_TOKEN_AUDIENCE',
  'LH_TOKEN_TTL_S',
  'LH_SESSION_TTL_S',
  'LH_PRESENCE_INTERVAL_MS',
  'LH_SESSION_IDLE_S',
  'LH_ADMIN_SECRET',
  'LH_REDIS_PREFIX',
  'LH_RATE_LIMIT_RPS',
  'LH_RATE_LIMIT_BURST',
  'LH_REGISTRY_MAX_INFLIGHT',
  'LH_DELEGATION_ASSIGN_LEASE_MS',
  'LH_DELEGATION_CLAIM_LEASE_MS',
  'LH_DELEGATION_TICK_MS',
  'LH_RESERVATION_LEASE_MS',
  'LH_RESERVATION_TICK_MS',
  'LH_RESERVATIONS_PER_AGENT',
  'LH_RESERVATIONS_STRICT',
  'LH_SEARCH_MAX_BYTES',
  'LH_MESSAGE_RATE_PER_SECOND',
  'LH_MESSAGE_BURST',
  'LH_MESSAGE_MEMORY_BYTES',
  'LH_MESSAGE_INBOX_MAX',
  'LH_MESSAGE_RETENTION_S',
  'LH_FUSE_MOUNT_POINT',
  'LH_FUSE_MOUNT',
  'LH_FUSE_CACHE_DIR',
  'LH_FUSE_CACHE_BYTES',
  'LH_FUSE_BUCKET',
  'LH_FUSE_AGENT',
  'LH_FUSE_OP_TIMEOUT_MS',
]);

const LH_PREFIX = 'LH_';

/** Thrown at boot when the environment does not satisfy a service's configuration schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads a service's configuration from the environment, strictly: each key of `shape` is an
 * environment variable name, values are parsed by its schema (use `z.coerce` for numbers).
 * Unknown `LH_*` variables and values that fail their schema stop the boot with every problem
 * listed at once.
 */
export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const problems: string[] = [];
  for (const key of Object.keys(env)) {
    if (key.startsWith(LH_PREFIX) && !KNOWN_LH_VARIABLES.has(key)) {
      problems.push(`${key}: unknown variable (known: ${[...KNOWN_LH_VARIABLES].join(', ')})`);
    }
  }
  const picked: Record<string, string> = {};
  for (const key of Object.keys(shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = z.object(shape).safeParse(picked);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message}`);
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  return parsed.data;
}

/** Variables every NATS service shares. */
export const natsServiceShape = {
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  /** The service's own NATS user (unset: a bus without users, e.g. a developer's local NATS). */
  NATS_USER: z.string().regex(/^[a-z-]{1,64}$/).optional(),
  /** Its password (a secret: in Kubernetes from a Secret by reference). */
  NATS_PASSWORD: z.string().min(16).optional(),
  LH_LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  LH_MAX_FRAME_BYTES: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  LH_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(10).max(120_000).default(5_000),
  /** Port of the small HTTP server for probes and Prometheus (/healthz, /readyz, /metrics); 0 = off. */
  LH_OPS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  LH_OPS_HOST: z.string().default('127.0.0.1'),
};

/**
 * `LH_EVENT_HMAC_KEYS`: the event log's HMAC keys, comma-separated `id:base64secret` pairs, each
 * secret at least 32 bytes. No default secret. The event store signs the chain and checkpoints
 * with them; snapshot followers sign and check their snapshots with the same keys.
 */
export const eventHmacKeysSchema = z
  .string()
  .min(1, 'required (comma-separated id:base64secret pairs, each secret at least 32 bytes)')
  .transform((value, ctx) => {
    const keys: Array<{ id: number; secret: Uint8Array }> = [];
    for (const pair of value.split(',')) {
      const match = /^\s*(\d{1,5}):([A-Za-z0-9+/=_-]+)\s*$/.exec(pair);
      const secret = match ? Buffer.from(match[2] as string, 'base64') : undefined;
      if (!match || !secret || secret.length < 32 || Number(match[1]) > 0xffff) {
        ctx.addIssue({ code: 'custom', message: 'each key must be id:base64secret with a secret of at least 32 bytes' });
        return z.NEVER;
      }
      keys.push({ id: Number(match[1]), secret });
    }
    return keys;
  });

/**
 * Variables of a store follower that starts from a snapshot (router, speed layer): whether it
 * keeps snapshots, in which JetStream object store bucket, and how often it writes one.
 */
export const followerSnapshotShape = {
  /** `off`: every start replays the log from sequence 1 and no snapshot is written. */
  LH_SNAPSHOTS: z.enum(['on', 'off']).default('on'),
  LH_SNAPSHOT_BUCKET: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('lh-snapshots'),
  /** A snapshot after this many events applied (0: not by count). */
  LH_SNAPSHOT_EVERY_EVENTS: z.coerce.number().int().min(0).max(100_000_000).default(50_000),
  /** ...or this long after the last one, if any event was applied since (0: not by time). */
  LH_SNAPSHOT_EVERY_MS: z.coerce.number().int().min(0).max(86_400_000).default(300_000),
  /** The largest snapshot written or read; a larger one is refused (and the log replayed). */
  LH_SNAPSHOT_MAX_BYTES: z.coerce.number().int().min(1024).max(4 * 1024 ** 3).default(1024 ** 3),
  /**
   * The event log's keyring: every snapshot is signed with the active key (default: the highest
   * id) and a snapshot whose MAC does not check is refused. Required while LH_SNAPSHOTS is on
   * (checked when the snapshot store opens).
   */
  LH_EVENT_HMAC_KEYS: eventHmacKeysSchema.optional(),
  LH_EVENT_ACTIVE_KEY_ID: z.coerce.number().int().min(0).max(0xffff).optional(),
};

export type FollowerSnapshotConfig = z.infer<z.ZodObject<typeof followerSnapshotShape>>;

const atLeast32Bytes = (name: string) =>
  z
    .string()
    .refine((value) => Buffer.byteLength(value, 'utf8') >= 32, `${name} must be at least 32 bytes (e.g. openssl rand -base64 48)`);

/**
 * Variables every verifier of session tokens shares (gateway and session-registry). The secret
 * has no default: a deployment that forgets it does not boot.
 */
export const tokenShape = {
  LH_TOKEN_SECRET: atLeast32Bytes('LH_TOKEN_SECRET'),
  LH_TOKEN_AUDIENCE: z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/).default('lighthouse'),
};

/** The operator secret for admin routes: optional (unset, they are disabled), at least 32 bytes when set. */
export const adminSecretShape = {
  LH_ADMIN_SECRET: atLeast32Bytes('LH_ADMIN_SECRET').optional(),
};
