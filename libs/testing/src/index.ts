export { freePort, whichBinary, ensureBinary, spawnOwned, waitFor } from './processes';
export type { OwnedProcess } from './processes';
export { startNats, findOrStartNats, natsAnswers, DEFAULT_NATS_URL } from './nats-server';
export type { NatsHandle, StartNatsOptions } from './nats-server';
export { startRedis, findOrStartRedis, redisAnswers, DEFAULT_REDIS_URL } from './redis-server';
export type { RedisHandle } from './redis-server';
export { testNatsUrl, testRedisUrl, uniqueName } from './test-env';
