import { z } from 'zod';
import { eventHmacKeysSchema } from '@lighthouse/config';
import type { KeyringInput } from '@lighthouse/event-log';

/**
 * `LH_EVENT_HMAC_KEYS`: comma-separated `id:base64secret` pairs. Required: there is no default
 * secret. Rotate by adding a key and pointing `LH_EVENT_ACTIVE_KEY_ID` at it; keep old keys so
 * old records keep verifying. The snapshot followers (router, speed layer) get the same keys to
 * sign their snapshots.
 */
const KeysSchema = eventHmacKeysSchema;

export const eventStoreConfigShape = {
  /** `file`: the segment log in LH_EVENT_DIR (default); `jetstream`: the replicated log in a JetStream stream. */
  LH_EVENT_BACKEND: z.enum(['file', 'jetstream']).default('file'),
  /** Required with the file backend. */
  LH_EVENT_DIR: z.string().min(1).optional(),
  /** JetStream stream of the replicated log (its checkpoint bucket is `<stream>_CHECKPOINT`). */
  LH_EVENT_STREAM: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only').default('LH_EVENTS'),
  /** Replicas of that stream when the store creates it: 3 in production, 1 on a single server. */
  LH_EVENT_REPLICAS: z.coerce.number().int().refine((n) => n === 1 || n === 3 || n === 5, 'must be 1, 3 or 5').default(3),
  LH_EVENT_HMAC_KEYS: KeysSchema,
  LH_EVENT_ACTIVE_KEY_ID: z.coerce.number().int().min(0).max(0xffff).optional(),
  LH_EVENT_CHECKPOINT_PATH: z.string().min(1).optional(),
  LH_EVENT_MAX_EVENT_BYTES: z.coerce.number().int().min(1024).max(16 * 1024 * 1024).default(1024 * 1024),
  LH_EVENT_SEGMENT_BYTES: z.coerce.number().int().min(4096).max(0xffffffff).default(100 * 1024 * 1024),
  /** Whole-log verification while serving (sets lh_event_chain_verified): every this many seconds, 0 never. */
  LH_EVENT_VERIFY_INTERVAL_S: z.coerce.number().int().min(0).max(7 * 24 * 3600).default(3600),
  /** A verification asked for (the console) is run at most once per this many seconds; callers in between get the last one. */
  LH_EVENT_VERIFY_MIN_INTERVAL_S: z.coerce.number().int().min(1).max(3600).default(60),
};

export type EventStoreConfig = z.infer<z.ZodObject<typeof eventStoreConfigShape>>;

/** The keyring from configuration; the active key defaults to the highest id. */
export function keyringFrom(config: Pick<EventStoreConfig, 'LH_EVENT_HMAC_KEYS' | 'LH_EVENT_ACTIVE_KEY_ID'>): KeyringInput {
  const keys = config.LH_EVENT_HMAC_KEYS;
  const activeKeyId = config.LH_EVENT_ACTIVE_KEY_ID ?? Math.max(...keys.map((key) => key.id));
  return { keys, activeKeyId };
}

/** The file backend's directory; a clear error when it is missing. */
export function eventDirOf(config: Pick<EventStoreConfig, 'LH_EVENT_DIR'>): string {
  if (!config.LH_EVENT_DIR) throw new Error('LH_EVENT_DIR is required with LH_EVENT_BACKEND=file');
  return config.LH_EVENT_DIR;
}
