import { RevocationList } from './revocation-list';

const claims = (over: Partial<{ sub: string; sid: string; sat: number }> = {}) => ({
  sub: 'agent-1',
  sid: 's'.repeat(22),
  aud: 'lighthouse',
  iat: 100,
  exp: 1000,
  sat: 100,
  ...over,
});

describe('revocation list', () => {
  it('voids the sessions an agent started at or before its revocation, not later ones', () => {
    const list = new RevocationList();
    list.apply({ kind: 'agent', agentId: 'agent-1', revokedAt: 100 });
    expect(list.reasonToRefuse(claims({ sat: 99 }))).toMatch(/revoked/);
    expect(list.reasonToRefuse(claims({ sat: 100 }))).toMatch(/revoked/);
    expect(list.reasonToRefuse(claims({ sat: 101 }))).toBeUndefined();
    expect(list.reasonToRefuse(claims({ sub: 'agent-2', sat: 50 }))).toBeUndefined();
  });

  it('keeps the latest watermark whatever order revocations arrive in', () => {
    const list = new RevocationList();
    list.apply({ kind: 'agent', agentId: 'agent-1', revokedAt: 200 });
    list.apply({ kind: 'agent', agentId: 'agent-1', revokedAt: 100 });
    expect(list.reasonToRefuse(claims({ sat: 150 }))).toMatch(/revoked/);
  });

  it('voids an ended session until its tokens have expired, then forgets it', () => {
    const list = new RevocationList();
    list.apply({ kind: 'session', agentId: 'agent-1', sessionId: 'x'.repeat(22), until: 500 });
    expect(list.reasonToRefuse(claims({ sid: 'x'.repeat(22) }))).toMatch(/ended/);
    expect(list.reasonToRefuse(claims())).toBeUndefined();
    list.prune(500);
    expect(list.size.sessions).toBe(1);
    list.prune(501);
    expect(list.size.sessions).toBe(0);
  });
});
