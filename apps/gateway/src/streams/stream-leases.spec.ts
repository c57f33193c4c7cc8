import type { TokenClaims } from '@lighthouse/auth';
import { RevocationList } from '../auth/revocation-list';
import type { RevocationsService } from '../auth/revocations.service';
import type { GatewayConfig } from '../gateway.config';
import { StreamLeases } from './stream-leases';

const NOW_S = 1_800_000_000;
const claims = (sub: string, sid = `s-${sub}`, exp = NOW_S + 600): TokenClaims => ({ sub, sid, aud: 'lighthouse', iat: NOW_S - 10, exp, sat: NOW_S - 10 });
const caller = (c: TokenClaims) => ({ token: 't', claims: c });

describe('stream leases', () => {
  let list: RevocationList;
  let leases: StreamLeases;

  beforeEach(() => {
    list = new RevocationList();
    leases = new StreamLeases({ LH_STREAMS_PER_AGENT: 2 } as GatewayConfig, { list } as RevocationsService);
  });

  afterEach(() => leases.onApplicationShutdown());

  it('given an agent holding its share, when it asks for one more, then RATE_LIMITED until one ends', () => {
    const first = leases.acquire(caller(claims('ana')));
    leases.acquire(caller(claims('ana')));
    expect(() => leases.acquire(caller(claims('ana')))).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    expect(() => leases.acquire(caller(claims('bo')))).not.toThrow();
    first.end('closed');
    expect(() => leases.acquire(caller(claims('ana')))).not.toThrow();
  });

  it('given open leases, when the agent is revoked, its session ends or its token expires, then the sweep ends exactly those', () => {
    const revoked = leases.acquire(caller(claims('ana')));
    const ended = leases.acquire(caller(claims('bo', 'sess-bo')));
    const expiring = leases.acquire(caller(claims('cy', 's-cy', NOW_S + 1)));
    const fine = leases.acquire(caller(claims('di')));
    list.apply({ kind: 'agent', agentId: 'ana', revokedAt: NOW_S });
    list.apply({ kind: 'session', agentId: 'bo', sessionId: 'sess-bo', until: NOW_S + 900 });
    leases.sweep((NOW_S + 1) * 1000);
    expect([revoked.endReason, ended.endReason, expiring.endReason, fine.endReason]).toEqual([
      'the agent has been revoked',
      'the session has ended',
      'the token has expired',
      undefined,
    ]);
    expect(leases.heldBy('ana')).toBe(0);
  });

  it('given a cleanup registered after the lease ended, when registered, then it runs at once, and every cleanup runs once', () => {
    const lease = leases.acquire(caller(claims('ana')));
    const runs: string[] = [];
    lease.onEnd(() => runs.push('before'));
    lease.end('gone');
    lease.end('again');
    lease.onEnd(() => runs.push('after'));
    expect(runs).toEqual(['before', 'after']);
  });

  it('given a long poll, when the lease ends first, then UNAUTHENTICATED with the reason, and its place is freed', async () => {
    const gone = { once: () => undefined };
    const poll = leases.during(caller(claims('ana')), gone, () => new Promise(() => undefined));
    list.apply({ kind: 'agent', agentId: 'ana', revokedAt: NOW_S });
    leases.sweep(NOW_S * 1000);
    await expect(poll).rejects.toMatchObject({ code: 'UNAUTHENTICATED', message: 'the agent has been revoked' });
    expect(leases.heldBy('ana')).toBe(0);
  });

  it('given a long poll, when it answers first, then its answer and nothing left open', async () => {
    await expect(leases.during(caller(claims('ana')), { once: () => undefined }, async () => 'work')).resolves.toBe('work');
    expect(leases.heldBy('ana')).toBe(0);
  });
});
