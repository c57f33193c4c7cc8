// Jest global setup: make sure a real NATS (with JetStream) and a real Redis answer, starting
// private ones on free loopback ports when none is running, and hand their URLs to every worker.
// (Relative import: Jest applies no moduleNameMapper to the global setup module.)
// The two modules, not the index: the index pulls in the stack kit, which needs the path aliases.
import { findOrStartNats } from '../../libs/testing/src/nats-server';
import { findOrStartRedis } from '../../libs/testing/src/redis-server';

export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[test setup] ${line}\n`);
  const [nats, redis] = await Promise.all([findOrStartNats({ log }), findOrStartRedis(log)]);
  process.env['NATS_URL'] = nats.url;
  process.env['REDIS_URL'] = redis.url;
  log(`NATS ${nats.url}${nats.owned ? ' (started for this run)' : ''}, Redis ${redis.url}${redis.owned ? ' (started for this run)' : ''}`);
  (globalThis as Record<string, unknown>)['__LH_INFRA__'] = [nats, redis];
}
