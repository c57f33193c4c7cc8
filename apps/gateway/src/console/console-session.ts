import { createHmac, randomBytes } from 'node:crypto';
import { secretsEqual } from '@lighthouse/auth';

/**
 * The operators' console session, as pure functions: a signed cookie value (no server-side
 * store, so every gateway replica accepts it), the CSRF token bound to it, and the cookie
 * headers. The cookie is httpOnly, SameSite=Strict, Secure when the console is reached over
 * HTTPS, and carries its own absolute expiry.
 */
export const CONSOLE_COOKIE = 'lh_console';
/** The header every state-changing console request carries (the token `GET /console/api/me` answers). */
export const CSRF_HEADER = 'x-lh-csrf';
/** Where the cookie is sent: the console's pages and API only, never an agent route. */
export const CONSOLE_PATH = '/console';

export interface ConsoleSession {
  /** Session id: names the session in sign-out and binds the CSRF token. */
  sid: string;
  /** The human, as named at sign-in: recorded with every ruling (`ruledBy`). */
  operator: string;
  /** How the operator proved itself: the admin secret, or an operator credential the registry issued. */
  via: 'admin-secret' | 'operator-credential';
  /** For a credential sign-in: when that credential was issued (a re-issued or revoked one ends the session). */
  credentialIssuedAt?: number;
  issuedAt: number;
  expiresAt: number;
}

/** Operator names: what a ruling records as `ruledBy` (prefixed `human:`). */
export const OPERATOR_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;

/** The console's own key, derived from the token secret (never the same bytes as an agent's token key). */
export function consoleKeyOf(tokenSecret: string): Buffer {
  return createHmac('sha256', tokenSecret).update('lighthouse console session v1').digest();
}

const mac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest('base64url');

export function newConsoleSession(operator: string, nowMs: number, ttlMs: number, credential?: { issuedAt: number; expiresAt: number }): ConsoleSession {
  const sid = randomBytes(16).toString('base64url');
  if (!credential) return { sid, operator, via: 'admin-secret', issuedAt: nowMs, expiresAt: nowMs + ttlMs };
  // Never outlives the credential it was opened with.
  return { sid, operator, via: 'operator-credential', credentialIssuedAt: credential.issuedAt, issuedAt: nowMs, expiresAt: Math.min(nowMs + ttlMs, credential.expiresAt) };
}

/** `v1.<payload base64url>.<hmac>`: the cookie's value. */
export function sealSession(session: ConsoleSession, key: Buffer): string {
  const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
  return `v1.${payload}.${mac(key, `v1.${payload}`)}`;
}

export type SessionCheck = { ok: true; session: ConsoleSession } | { ok: false; reason: string };

/** The session a cookie value proves, or why it proves none (forged, malformed, expired). */
export function openSession(value: string | undefined, key: Buffer, nowMs: number): SessionCheck {
  if (!value) return { ok: false, reason: 'sign in to the console first' };
  if (value.length > 1024) return { ok: false, reason: 'the console cookie is malformed' };
  const [version, payload, signature, ...rest] = value.split('.');
  if (version !== 'v1' || !payload || !signature || rest.length > 0) return { ok: false, reason: 'the console cookie is malformed' };
  if (!secretsEqual(signature, mac(key, `v1.${payload}`))) return { ok: false, reason: 'the console cookie is not one this bridge signed' };
  const session = parseSession(payload);
  if (!session) return { ok: false, reason: 'the console cookie is malformed' };
  if (session.expiresAt <= nowMs) return { ok: false, reason: 'the console session has expired; sign in again' };
  return { ok: true, session };
}

function parseSession(payload: string): ConsoleSession | undefined {
  try {
    const s = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<ConsoleSession>;
    const valid =
      typeof s.sid === 'string' && typeof s.operator === 'string' && OPERATOR_NAME.test(s.operator) &&
      (s.via === 'admin-secret' ? s.credentialIssuedAt === undefined : s.via === 'operator-credential' && Number.isSafeInteger(s.credentialIssuedAt)) &&
      Number.isSafeInteger(s.issuedAt) && Number.isSafeInteger(s.expiresAt);
    return valid ? (s as ConsoleSession) : undefined;
  } catch {
    return undefined;
  }
}

/** The CSRF token of a session: only a page that read `GET /console/api/me` (same origin) knows it. */
export const csrfTokenOf = (session: Pick<ConsoleSession, 'sid'>, key: Buffer): string => mac(key, `csrf:${session.sid}`);

export function csrfMatches(presented: unknown, session: ConsoleSession, key: Buffer): boolean {
  return typeof presented === 'string' && presented.length <= 128 && secretsEqual(presented, csrfTokenOf(session, key));
}

/** The value of the console cookie in a `Cookie` header (the first one named so). */
export function consoleCookieOf(header: string | string[] | undefined): string | undefined {
  const text = [header ?? []].flat().join('; ');
  if (text.length > 16 * 1024) return undefined;
  for (const part of text.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === CONSOLE_COOKIE) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** `Set-Cookie` for a new session: httpOnly, SameSite=Strict, Secure over HTTPS, gone at its expiry. */
export function setCookieHeader(value: string, session: ConsoleSession, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((session.expiresAt - session.issuedAt) / 1000));
  return [`${CONSOLE_COOKIE}=${value}`, `Path=${CONSOLE_PATH}`, `Max-Age=${maxAge}`, 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

/** `Set-Cookie` that deletes the console cookie. */
export function clearCookieHeader(secure: boolean): string {
  return [`${CONSOLE_COOKIE}=`, `Path=${CONSOLE_PATH}`, 'Max-Age=0', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])].join('; ');
}

/**
 * Sessions signed out before their expiry, remembered until then (bounded: the oldest go
 * first). Per replica: a sign-out on one gateway is not heard by another (see README).
 */
export class SignedOut {
  private readonly until = new Map<string, number>();

  constructor(private readonly max = 10_000) {}

  add(session: ConsoleSession): void {
    this.until.set(session.sid, session.expiresAt);
    if (this.until.size > this.max) this.until.delete(this.until.keys().next().value as string);
  }

  has(sid: string, nowMs: number): boolean {
    const expiresAt = this.until.get(sid);
    if (expiresAt === undefined) return false;
    if (expiresAt <= nowMs) this.until.delete(sid);
    return expiresAt > nowMs;
  }
}
