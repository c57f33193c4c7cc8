import { randomBytes } from 'node:crypto';
import { DEFAULT_NATS_URL } from './nats-server';
import { DEFAULT_REDIS_URL } from './redis-server';

/** The NATS the global test setup found or started (it exports NATS_URL to every worker). */
export const testNatsUrl = (): string => process.env['NATS_URL'] || DEFAULT_NATS_URL;

/** The Redis the global test setup found or started. */
export const testRedisUrl = (): string => process.env['REDIS_URL'] || DEFAULT_REDIS_URL;

/** A name no other test run uses (for subjects, streams, key prefixes), so runs can share brokers. */
export const uniqueName = (prefix: string): string => `${prefix}-${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * The event log keyring of a follower under test, as its configuration carries it (snapshot
 * followers sign their snapshots with it): one random key, a fresh one per call.
 */
export const testEventKeys = (): { LH_EVENT_HMAC_KEYS: Array<{ id: number; secret: Uint8Array }> } => ({ LH_EVENT_HMAC_KEYS: [{ id: 1, secret: randomBytes(32) }] });
