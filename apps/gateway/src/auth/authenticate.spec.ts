import { randomBytes } from 'node:crypto';
import { deriveAuthKeys, sessionKeyOf, signRequest, signToken, TokenVerifier } from '@lighthouse/auth';
import { bearerOf, changesState, checkAdmin, identify, verifySignature, type RequestFacts } from './authenticate';
import { RevocationList } from './revocation-list';

const keys = deriveAuthKeys(randomBytes(32).toString('base64url'));
const nowMs = 1_800_000_000_000;
const now = nowMs / 1000;
const sid = randomBytes(16).toString('base64url');
const claims = { sub: 'agent-a', sid, aud: 'lighthouse', iat: now, exp: now + 900, sat: now };
const token = signToken(claims, keys);
const verifier = { tokens: new TokenVerifier(keys, 'lighthouse'), nowMs, revocations: new RevocationList() };

function request(overrides: Partial<RequestFacts> & { token?: string; sign?: { key?: Buffer; body?: string; nowSeconds?: number } } = {}): RequestFacts {
  const body = overrides.rawBody ?? Buffer.from('{"role":"qa"}');
  const signed = signRequest((overrides.sign?.key ?? sessionKeyOf(keys, sid)).toString('base64url'), { method: 'POST', path: '/experts', body: overrides.sign?.body ?? body }, { nowSeconds: overrides.sign?.nowSeconds ?? now });
  return { method: 'POST', url: '/experts', rawBody: body, ...overrides, headers: { authorization: `Bearer ${overrides.token ?? token}`, ...signed, ...overrides.headers } };
}

describe('gateway authentication', () => {
  it('identifies the agent a valid token proves, and checks the signature of a change', () => {
    const facts = request();
    const identity = verifySignature(facts, identify(facts, verifier), verifier);
    expect(identity).toMatchObject({ token, claims, timestamp: now, nonce: expect.any(String) });
  });

  it('refuses a missing or malformed Authorization header', () => {
    expect(() => identify(request({ headers: { authorization: undefined } }), verifier)).toThrow(/Bearer/);
    expect(bearerOf({ authorization: `Basic ${token}` })).toBeUndefined();
    expect(bearerOf({ authorization: `Bearer ${token} extra` })).toBeUndefined();
  });

  it('refuses forged, tampered, expired and foreign-audience tokens with 401', () => {
    const forged = signToken(claims, deriveAuthKeys(randomBytes(32).toString('base64url')));
    const flipped = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
    const expired = signToken({ ...claims, iat: now - 1000, exp: now }, keys);
    const foreign = signToken({ ...claims, aud: 'staging' }, keys);
    for (const bad of [forged, flipped, expired, foreign]) {
      expect(() => identify(request({ token: bad }), verifier)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    }
  });

  it('refuses the token of a revoked agent or an ended session', () => {
    const revoked = new RevocationList();
    revoked.apply({ kind: 'agent', agentId: 'agent-a', revokedAt: now });
    expect(() => identify(request(), { ...verifier, revocations: revoked })).toThrow(/revoked/);
    const ended = new RevocationList();
    ended.apply({ kind: 'session', agentId: 'agent-a', sessionId: sid, until: now + 900 });
    expect(() => identify(request(), { ...verifier, revocations: ended })).toThrow(/ended/);
  });

  it('refuses a token it has already accepted (and remembered) once its session ends, and once it expires', () => {
    const live = new RevocationList();
    const remembering = { ...verifier, tokens: new TokenVerifier(keys, 'lighthouse'), revocations: live };
    expect(identify(request(), remembering).claims.sub).toBe('agent-a');
    live.apply({ kind: 'session', agentId: 'agent-a', sessionId: sid, until: now + 900 });
    expect(() => identify(request(), remembering)).toThrow(/ended/);
    expect(() => identify(request(), { ...remembering, revocations: new RevocationList(), nowMs: (now + 900) * 1000 })).toThrow(/expired/);
  });

  it("refuses a change signed with another session's key (agent A using B's session)", () => {
    const facts = request({ sign: { key: sessionKeyOf(keys, randomBytes(16).toString('base64url')) } });
    expect(() => verifySignature(facts, identify(facts, verifier), verifier)).toThrow(/signature/);
  });

  it('refuses a change whose body differs from the signed body', () => {
    const facts = request({ sign: { body: '{"role":"admin"}' } });
    expect(() => verifySignature(facts, identify(facts, verifier), verifier)).toThrow(/signature/);
  });

  it('refuses a change signed more than 300 s away, or without timestamp, nonce or signature', () => {
    const old = request({ sign: { nowSeconds: now - 301 } });
    expect(() => verifySignature(old, identify(old, verifier), verifier)).toThrow(/300 s/);
    for (const missing of ['x-lh-timestamp', 'x-lh-nonce', 'x-lh-signature']) {
      const facts = request({ headers: { [missing]: undefined } });
      expect(() => verifySignature(facts, identify(facts, verifier), verifier)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    }
  });

  it('asks for signatures on changes only', () => {
    expect(['POST', 'PUT', 'PATCH', 'DELETE'].map(changesState)).toEqual([true, true, true, true]);
    expect(['GET', 'HEAD', 'get'].map(changesState)).toEqual([false, false, false]);
  });

  it('lets the operator in with the admin secret only, and not at all when none is configured', () => {
    const secret = randomBytes(32).toString('base64url');
    expect(() => checkAdmin({ authorization: `Bearer ${secret}` }, secret)).not.toThrow();
    expect(() => checkAdmin({ authorization: `Bearer ${secret}x` }, secret)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(() => checkAdmin({ authorization: `Bearer ${token}` }, secret)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(() => checkAdmin({ authorization: `Bearer ${secret}` }, undefined)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});
