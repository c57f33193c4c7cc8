export { freePort, whichBinary, ensureBinary, spawnOwned, waitFor } from './processes';
export type { OwnedProcess } from './processes';
export { startNatsCluster } from './nats-cluster';
export type { NatsCluster, NatsClusterNode } from './nats-cluster';
export { startNats, findOrStartNats, natsAnswers, DEFAULT_NATS_URL, NATS_OBSERVER_USER } from './nats-server';
export type { NatsHandle, StartNatsOptions, NatsLogin } from './nats-server';
export { startRedis, findOrStartRedis, redisAnswers, DEFAULT_REDIS_URL } from './redis-server';
export type { RedisHandle } from './redis-server';
export { testNatsUrl, testRedisUrl, uniqueName, testEventKeys } from './test-env';
// The stack kit: build the services privately, start them (or one, or replicas), stop them,
// clean their Redis keys, sample their CPU and memory, and drive them open loop.
export { repoRoot } from './stack/repo-root';
export { buildServices, builtServices } from './stack/build';
export type { BuiltServices, BuildOptions } from './stack/build';
export { spawnService, startService, stopChild, stopPid } from './stack/service-process';
export type { ServiceProcess, SpawnServiceOptions, StartServiceOptions } from './stack/service-process';
export { startStack, NATS_SERVICES, STACK_SERVICES } from './stack/stack';
export type { Stack, StackOptions, StackProcess } from './stack/stack';
export { deleteRedisPrefix } from './stack/redis-prefix';
export { ProcSampler, readProc, cpuSecondsOf, rssBytesOf, childrenNamed, childPids, cpuMeter, cpuPerCall, idleCpu } from './stack/proc-sampler';
export type { ProcPoint, ProcSeries, ProcReading } from './stack/proc-sampler';
export { openLoop, errorKey, errorsOf } from './stack/open-loop';
export type { OpenLoopRun } from './stack/open-loop';
