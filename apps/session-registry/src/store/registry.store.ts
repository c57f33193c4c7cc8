import { LighthouseError, type Expert, type ExpertStatusSchema, type Revocation } from '@lighthouse/contracts';
import type { Redis, Result } from 'ioredis';
import type { z } from 'zod';
import { RegistryKeys } from './registry-keys';
import { AUTHORIZE_LUA, ISSUE_CREDENTIAL_LUA, REVOKE_AGENT_LUA, START_SESSION_LUA } from './registry-scripts';

type AuthorizeStatus = 'ok' | 'revoked' | 'no_session' | 'replay';
/** An authorized caller comes with its expert registration (none: `undefined`), read in the same script. */
export type Authorization = { status: Exclude<AuthorizeStatus, 'ok'> } | { status: 'ok'; absExpMs: number; idleExpMs: number; expert: ExpertRecord | undefined };

export interface AuthorizeInput {
  agentId: string;
  sessionId: string;
  sessionStartedS: number;
  nowMs: number;
  idleMs: number;
  /** A change consumes the nonce and keeps the session alive; a query only checks. */
  change?: { nonce: string; nonceTtlS: number };
}

export interface StartSessionInput {
  agentId: string;
  sessionId: string;
  /** The hash of the credential presented; the session starts only if it is still the agent's. */
  credentialHash: string;
  nowMs: number;
  absExpMs: number;
  idleMs: number;
}

/** A started session with the agent's revocation watermark then, or why it did not start. */
export type StartedSession = { status: 'ok'; revokedAtS: number } | { status: 'credential_changed' };

export interface ExpertRecord {
  role: string;
  capabilities: string[];
  capacity: number;
  status: z.infer<typeof ExpertStatusSchema>;
  sessionId: string;
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    lhAuthorize(s: string, r: string, n: string, e: string, ...argv: string[]): Result<[string, string?, string?, string[]?], Context>;
    lhStartSession(c: string, s: string, ss: string, r: string, ...argv: string[]): Result<string[], Context>;
    lhRevokeAgent(c: string, r: string, ss: string, e: string, ...argv: string[]): Result<[number, string], Context>;
    lhIssueCredential(c: string, r: string, ss: string, e: string, ...argv: string[]): Result<[number, string], Context>;
  }
}

/**
 * Every read and write of the registry's state in Redis. A Redis failure surfaces as
 * SERVICE_UNAVAILABLE (the caller may retry), never as an internal error with Redis' words.
 */
export class RegistryStore {
  readonly keys: RegistryKeys;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.keys = new RegistryKeys(prefix);
    redis.defineCommand('lhAuthorize', { numberOfKeys: 4, lua: AUTHORIZE_LUA });
    redis.defineCommand('lhStartSession', { numberOfKeys: 4, lua: START_SESSION_LUA });
    redis.defineCommand('lhRevokeAgent', { numberOfKeys: 4, lua: REVOKE_AGENT_LUA });
    redis.defineCommand('lhIssueCredential', { numberOfKeys: 4, lua: ISSUE_CREDENTIAL_LUA });
  }

  // ---- credentials and revocation -------------------------------------------------------

  /** The stored credential hash and revocation watermark of an agent. */
  credentialOf(agentId: string): Promise<{ hash: string | null; revokedAtS: number }> {
    return this.run(async () => {
      const [hash, revokedAt] = await Promise.all([this.redis.hget(this.keys.credential(agentId), 'hash'), this.redis.get(this.keys.revokedAt(agentId))]);
      return { hash, revokedAtS: Number(revokedAt ?? 0) };
    });
  }

  /** The expert roles the operator granted with the agent's credential (none without one). */
  grantedRoles(agentId: string): Promise<string[]> {
    return this.run(async () => parseRoles(await this.redis.hget(this.keys.credential(agentId), 'roles')));
  }

  /**
   * Sets the agent's credential and the roles it grants, ending every session of the previous
   * one (and its expert registration); answers how many live sessions it ended.
   */
  setCredential(agentId: string, credential: { hash: string; roles: readonly string[] }, nowMs: number): Promise<{ sessionsEnded: number }> {
    return this.run(async () => {
      const k = this.keys;
      const revokedAtS = Math.floor(nowMs / 1000);
      const args = [credential.hash, String(nowMs), JSON.stringify(credential.roles), String(revokedAtS), k.session(agentId, '')];
      const [ended, role] = await this.redis.lhIssueCredential(k.credential(agentId), k.revokedAt(agentId), k.sessions(agentId), k.expert(agentId), ...args);
      await this.afterSessionsEnded(agentId, Number(ended) > 0 ? revokedAtS : undefined, role);
      return { sessionsEnded: Number(ended) };
    });
  }

  /** Revokes an agent; answers how many live sessions it ended. */
  revokeAgent(agentId: string, revokedAtS: number): Promise<{ sessionsEnded: number }> {
    return this.run(async () => {
      const k = this.keys;
      const sessionPrefix = k.session(agentId, '');
      const [ended, role] = await this.redis.lhRevokeAgent(k.credential(agentId), k.revokedAt(agentId), k.sessions(agentId), k.expert(agentId), String(revokedAtS), sessionPrefix);
      await this.afterSessionsEnded(agentId, revokedAtS, role);
      return { sessionsEnded: Number(ended) };
    });
  }

  /** The cross-agent indexes after an agent's sessions were ended: the verifiers' list, the role's experts. */
  private async afterSessionsEnded(agentId: string, revokedAtS: number | undefined, role: string): Promise<void> {
    const k = this.keys;
    const cleanup = this.redis.multi();
    if (revokedAtS !== undefined) cleanup.hset(k.revokedAgents, agentId, String(revokedAtS));
    if (role) cleanup.srem(k.expertsByRole(role), agentId);
    await cleanup.exec();
  }

  /** Every revocation still in force (ended sessions whose tokens may still be unexpired). */
  revocations(nowS: number): Promise<Revocation[]> {
    return this.run(async () => {
      const k = this.keys;
      const [agents, sessions] = await Promise.all([
        this.redis.hgetall(k.revokedAgents),
        this.redis.zrangebyscore(k.endedSessions, nowS, '+inf', 'WITHSCORES'),
      ]);
      void this.redis.zremrangebyscore(k.endedSessions, '-inf', `(${nowS}`).catch(() => undefined);
      const out: Revocation[] = Object.entries(agents).map(([agentId, at]) => ({ kind: 'agent', agentId, revokedAt: Number(at) }));
      for (let i = 0; i + 1 < sessions.length; i += 2) {
        const [sessionId, agentId] = (sessions[i] as string).split(' ') as [string, string];
        out.push({ kind: 'session', sessionId, agentId, until: Number(sessions[i + 1]) });
      }
      return out;
    });
  }

  // ---- sessions --------------------------------------------------------------------------

  startSession(input: StartSessionInput): Promise<StartedSession> {
    return this.run(async () => {
      const k = this.keys;
      const { agentId } = input;
      const [status, revokedAt] = await this.redis.lhStartSession(
        k.credential(agentId),
        k.session(agentId, input.sessionId),
        k.sessions(agentId),
        k.revokedAt(agentId),
        input.credentialHash,
        String(input.nowMs),
        String(input.absExpMs),
        String(input.idleMs),
        input.sessionId,
      );
      return status === 'ok' ? { status, revokedAtS: Number(revokedAt ?? 0) } : { status: 'credential_changed' };
    });
  }

  authorize(input: AuthorizeInput): Promise<Authorization> {
    return this.run(async () => {
      const k = this.keys;
      const { agentId, change } = input;
      const [status, absExpMs, idleExpMs, expertPairs] = await this.redis.lhAuthorize(
        k.session(agentId, input.sessionId),
        k.revokedAt(agentId),
        k.nonce(agentId, change?.nonce ?? '-'),
        k.expert(agentId),
        String(input.sessionStartedS),
        String(input.nowMs),
        String(input.idleMs),
        String(change?.nonceTtlS ?? 0),
        change ? 'change' : 'query',
        input.sessionId,
      );
      if (status !== 'ok') return { status: status as Exclude<AuthorizeStatus, 'ok'> };
      return { status, absExpMs: Number(absExpMs), idleExpMs: Number(idleExpMs), expert: parseExpert(hashOf(expertPairs ?? []))?.record };
    });
  }

  sessionExists(agentId: string, sessionId: string): Promise<boolean> {
    return this.run(async () => (await this.redis.exists(this.keys.session(agentId, sessionId))) === 1);
  }

  /** Ends a session, and withdraws the expert registration it made; answers whether it did. */
  endSession(agentId: string, sessionId: string, forgetAfterS: number): Promise<{ expertDeregistered: boolean }> {
    return this.run(async () => {
      const k = this.keys;
      const expert = await this.redis.hmget(k.expert(agentId), 'sessionId', 'role');
      const ownsExpert = expert[0] === sessionId;
      const tx = this.redis
        .multi()
        .del(k.session(agentId, sessionId))
        .srem(k.sessions(agentId), sessionId)
        .zadd(k.endedSessions, forgetAfterS, `${sessionId} ${agentId}`);
      if (ownsExpert) tx.del(k.expert(agentId)).srem(k.expertsByRole(expert[1] as string), agentId);
      await tx.exec();
      return { expertDeregistered: ownsExpert };
    });
  }

  // ---- experts ---------------------------------------------------------------------------

  expertOf(agentId: string): Promise<ExpertRecord | undefined> {
    return this.run(async () => parseExpert(await this.redis.hgetall(this.keys.expert(agentId)))?.record);
  }

  /** Registers (or replaces) an expert; the registration lives as long as its session stays alive. */
  registerExpert(agentId: string, expert: ExpertRecord, nowMs: number, ttlMs: number): Promise<void> {
    return this.run(async () => {
      const k = this.keys;
      const previousRole = await this.redis.hget(k.expert(agentId), 'role');
      const tx = this.redis
        .multi()
        .del(k.expert(agentId))
        .hset(k.expert(agentId), {
          role: expert.role,
          capabilities: JSON.stringify(expert.capabilities),
          capacity: String(expert.capacity),
          status: expert.status,
          sessionId: expert.sessionId,
          registeredMs: String(nowMs),
          lastSeenMs: String(nowMs),
        })
        .pexpire(k.expert(agentId), Math.max(1, ttlMs))
        .sadd(k.expertsByRole(expert.role), agentId)
        .sadd(k.expertRoles, expert.role);
      if (previousRole && previousRole !== expert.role) tx.srem(k.expertsByRole(previousRole), agentId);
      await tx.exec();
    });
  }

  deregisterExpert(agentId: string, role: string): Promise<void> {
    return this.run(async () => {
      await this.redis.multi().del(this.keys.expert(agentId)).srem(this.keys.expertsByRole(role), agentId).exec();
    });
  }

  /** Live registrations for a role (or every role), sorted by agent id; stale index entries are pruned. */
  listExperts(role: string | undefined): Promise<Expert[]> {
    return this.run(async () => {
      const k = this.keys;
      const roles = role ? [role] : await this.redis.smembers(k.expertRoles);
      const experts: Expert[] = [];
      for (const r of roles) {
        const agentIds = await this.redis.smembers(k.expertsByRole(r));
        const hashes = await Promise.all(agentIds.map((agentId) => this.redis.hgetall(k.expert(agentId))));
        const stale: string[] = [];
        hashes.forEach((hash, i) => {
          const agentId = agentIds[i] as string;
          const parsed = parseExpert(hash);
          if (parsed && parsed.record.role === r) experts.push(toExpert(agentId, parsed));
          else stale.push(agentId);
        });
        if (stale.length > 0) await this.redis.srem(k.expertsByRole(r), ...stale);
      }
      return experts.sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0));
    });
  }

  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      if (error instanceof LighthouseError) throw error;
      throw new LighthouseError('SERVICE_UNAVAILABLE', 'the registry state store (Redis) is unavailable', { cause: error });
    }
  }
}

interface ParsedExpert {
  record: ExpertRecord;
  registeredMs: number;
  lastSeenMs: number;
}

function parseRoles(raw: string | null): string[] {
  if (!raw) return [];
  const roles = JSON.parse(raw) as unknown;
  return Array.isArray(roles) ? roles.filter((role): role is string => typeof role === 'string') : [];
}

/** HGETALL's answer inside a script (field, value, field, value, …) as the object ioredis makes of it. */
function hashOf(pairs: readonly string[]): Record<string, string> {
  const hash: Record<string, string> = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) hash[pairs[i] as string] = pairs[i + 1] as string;
  return hash;
}

function parseExpert(hash: Record<string, string>): ParsedExpert | undefined {
  if (!hash['role'] || !hash['sessionId']) return undefined;
  return {
    record: {
      role: hash['role'],
      capabilities: JSON.parse(hash['capabilities'] ?? '[]') as string[],
      capacity: Number(hash['capacity']),
      status: hash['status'] as ExpertRecord['status'],
      sessionId: hash['sessionId'],
    },
    registeredMs: Number(hash['registeredMs']),
    lastSeenMs: Number(hash['lastSeenMs']),
  };
}

function toExpert(agentId: string, parsed: ParsedExpert): Expert {
  const { role, capabilities, capacity, status } = parsed.record;
  return {
    agentId,
    role,
    capabilities,
    capacity,
    status,
    registeredAt: new Date(parsed.registeredMs).toISOString(),
    lastSeenAt: new Date(parsed.lastSeenMs).toISOString(),
  };
}
