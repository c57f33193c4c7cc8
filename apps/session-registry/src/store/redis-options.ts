import type { RedisOptions } from 'ioredis';

/**
 * Fail fast when Redis is away (the caller gets SERVICE_UNAVAILABLE and may retry) instead of
 * queueing commands for a long reconnect, and pipeline concurrent commands under load.
 */
export function redisOptions(connectionName: string): RedisOptions {
  return { connectionName, maxRetriesPerRequest: 1, commandTimeout: 2_000, enableAutoPipelining: true };
}
