import { clearCookieHeader, consoleCookieOf, consoleKeyOf, csrfMatches, csrfTokenOf, newConsoleSession, openSession, sealSession, setCookieHeader, SignedOut } from './console-session';

const key = consoleKeyOf('a token secret of at least thirty-two bytes, for tests');
const now = 1_800_000_000_000;

describe('console session cookie', () => {
  it('opens a session it sealed, until its expiry', () => {
    const session = newConsoleSession('alice', now, 60_000);
    const sealed = sealSession(session, key);
    expect(openSession(sealed, key, now + 59_999)).toEqual({ ok: true, session });
    expect(openSession(sealed, key, now + 60_000)).toEqual({ ok: false, reason: expect.stringContaining('expired') });
  });

  it('refuses a cookie another key sealed, a tampered payload, and malformed values', () => {
    const session = newConsoleSession('alice', now, 60_000);
    const other = sealSession(session, consoleKeyOf('another secret of at least thirty-two bytes......'));
    expect(openSession(other, key, now)).toMatchObject({ ok: false, reason: expect.stringContaining('not one this bridge signed') });
    const [v, , mac] = sealSession(session, key).split('.');
    const promoted = Buffer.from(JSON.stringify({ ...session, operator: 'mallory', expiresAt: now + 10 ** 9 })).toString('base64url');
    expect(openSession(`${v}.${promoted}.${mac}`, key, now).ok).toBe(false);
    for (const bad of [undefined, '', 'v1', 'v2.a.b', 'v1.a.b.c', 'x'.repeat(2000)]) expect(openSession(bad, key, now).ok).toBe(false);
  });

  it('a session opened with an operator credential names the credential\'s issue time and never outlives the credential', () => {
    const session = newConsoleSession('carol', now, 3_600_000, { issuedAt: now - 5000, expiresAt: now + 60_000 });
    expect(session).toMatchObject({ operator: 'carol', via: 'operator-credential', credentialIssuedAt: now - 5000, expiresAt: now + 60_000 });
    expect(openSession(sealSession(session, key), key, now)).toEqual({ ok: true, session });
    const admin = newConsoleSession('carol', now, 3_600_000);
    expect(admin).toMatchObject({ via: 'admin-secret', expiresAt: now + 3_600_000 });
    expect(admin.credentialIssuedAt).toBeUndefined();
  });

  it('binds the CSRF token to the session', () => {
    const a = newConsoleSession('alice', now, 60_000);
    const b = newConsoleSession('alice', now, 60_000);
    expect(csrfMatches(csrfTokenOf(a, key), a, key)).toBe(true);
    expect(csrfMatches(csrfTokenOf(b, key), a, key)).toBe(false);
    expect(csrfMatches(undefined, a, key)).toBe(false);
    expect(csrfMatches(['x'], a, key)).toBe(false);
  });

  it('reads the cookie among others and writes it httpOnly, SameSite=Strict, Secure only over HTTPS', () => {
    expect(consoleCookieOf('a=1; lh_console=v1.x.y; b=2')).toBe('v1.x.y');
    expect(consoleCookieOf('lh_consolex=1')).toBeUndefined();
    expect(consoleCookieOf(undefined)).toBeUndefined();
    const session = newConsoleSession('alice', now, 3_600_000);
    expect(setCookieHeader('v', session, false)).toBe('lh_console=v; Path=/console; Max-Age=3600; HttpOnly; SameSite=Strict');
    expect(setCookieHeader('v', session, true)).toMatch(/; Secure$/);
    expect(clearCookieHeader(false)).toContain('Max-Age=0');
  });

  it('remembers signed-out sessions until they would have expired, and no longer', () => {
    const out = new SignedOut(2);
    const a = newConsoleSession('alice', now, 1000);
    out.add(a);
    expect(out.has(a.sid, now)).toBe(true);
    expect(out.has(a.sid, now + 1000)).toBe(false);
    const [b, c, d] = [1, 2, 3].map(() => newConsoleSession('bob', now, 1000));
    for (const s of [b, c, d]) out.add(s!);
    expect(out.has(b!.sid, now)).toBe(false); // bounded: the oldest went first
    expect(out.has(d!.sid, now)).toBe(true);
  });
});
