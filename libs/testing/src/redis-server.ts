import { Redis } from 'ioredis';
import { ensureBinary, freePort, spawnOwned, waitFor } from './processes';

export interface RedisHandle {
  url: string;
  owned: boolean;
  stop(): Promise<void>;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** True when a Redis answers PING at `url`. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** Starts a private, memory-only redis-server on a free loopback port. */
export async function startRedis(log?: (line: string) => void): Promise<RedisHandle> {
  const binary = ensureBinary('redis-server', 'redis-server', log);
  const port = await freePort();
  const proc = spawnOwned(binary, ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'], 'redis-server');
  const url = `redis://127.0.0.1:${port}`;
  try {
    await waitFor(() => redisAnswers(url), 10_000, `redis-server on ${url}`, () => (proc.exit() ? `it exited (${proc.exit()}): ${proc.output()}` : undefined));
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { url, owned: true, stop: () => proc.stop() };
}

/** The Redis at `REDIS_URL` (or the default port) when it answers, else a private one. */
export async function findOrStartRedis(log?: (line: string) => void): Promise<RedisHandle> {
  const url = process.env['REDIS_URL'] || DEFAULT_REDIS_URL;
  if (await redisAnswers(url)) return { url, owned: false, stop: async () => undefined };
  return startRedis(log);
}
