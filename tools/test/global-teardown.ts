// Jest global teardown: stop whatever the global setup started (by PID), nothing else.
import type { NatsHandle } from '../../libs/testing/src/nats-server';
import type { RedisHandle } from '../../libs/testing/src/redis-server';

export default async function globalTeardown(): Promise<void> {
  const owned = ((globalThis as Record<string, unknown>)['__LH_INFRA__'] ?? []) as Array<NatsHandle | RedisHandle>;
  await Promise.all(owned.map((handle) => handle.stop()));
}
