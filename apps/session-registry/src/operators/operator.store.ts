import { LighthouseError } from '@lighthouse/contracts';
import type { Redis } from 'ioredis';
import type { OperatorRecord } from './operator-credential';

/**
 * Operator credentials in Redis: `<prefix>operator:<name>` (hash: hash, issuedMs, expiresMs,
 * revokedMs), `<prefix>operator-by-hash:<sha256>` → name (gone at expiry), `<prefix>operators`
 * (the names). A Redis failure is SERVICE_UNAVAILABLE.
 */
export class OperatorStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key = (name: string) => `${this.prefix}operator:${name}`;
  private byHash = (hash: string) => `${this.prefix}operator-by-hash:${hash}`;
  private get names() {
    return `${this.prefix}operators`;
  }

  /** Stores `record` as the name's one credential (the earlier one's hash no longer finds it). */
  async put(record: OperatorRecord, previousHash: string | undefined): Promise<void> {
    await this.run(async () => {
      const multi = this.redis.multi();
      if (previousHash) multi.del(this.byHash(previousHash));
      multi.del(this.key(record.name));
      multi.hset(this.key(record.name), { hash: record.hash, issuedMs: String(record.issuedMs), expiresMs: String(record.expiresMs), revokedMs: '' });
      multi.set(this.byHash(record.hash), record.name, 'PX', Math.max(1, record.expiresMs - Date.now()));
      multi.sadd(this.names, record.name);
      await multi.exec();
    });
  }

  async get(name: string): Promise<OperatorRecord | undefined> {
    return this.run(async () => parseRecord(name, await this.redis.hgetall(this.key(name))));
  }

  async nameOf(hash: string): Promise<string | undefined> {
    return this.run(async () => (await this.redis.get(this.byHash(hash))) ?? undefined);
  }

  async revoke(record: OperatorRecord, nowMs: number): Promise<void> {
    await this.run(async () => {
      await this.redis.multi().hset(this.key(record.name), 'revokedMs', String(nowMs)).del(this.byHash(record.hash)).exec();
    });
  }

  async list(limit: number): Promise<OperatorRecord[]> {
    return this.run(async () => {
      const names = (await this.redis.smembers(this.names)).sort().slice(0, limit);
      const records = await Promise.all(names.map(async (name) => parseRecord(name, await this.redis.hgetall(this.key(name)))));
      return records.filter((r): r is OperatorRecord => r !== undefined);
    });
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw new LighthouseError('SERVICE_UNAVAILABLE', 'the registry cannot reach its store; retry', { cause: error });
    }
  }
}

function parseRecord(name: string, hash: Record<string, string>): OperatorRecord | undefined {
  if (!hash['hash'] || !hash['issuedMs'] || !hash['expiresMs']) return undefined;
  return { name, hash: hash['hash'], issuedMs: Number(hash['issuedMs']), expiresMs: Number(hash['expiresMs']), revokedMs: hash['revokedMs'] ? Number(hash['revokedMs']) : null };
}
