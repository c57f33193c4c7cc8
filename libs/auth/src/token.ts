import { createHmac, timingSafeEqual } from 'node:crypto';
import { AgentIdSchema, SessionIdSchema } from '@lighthouse/contracts';
import { z } from 'zod';
import { decodeBase64url, type AuthKeys } from './keys';

/**
 * Session tokens: `v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(token key, "v1.<claims>"))>`.
 * The MAC is checked (in constant time) before the claims are even decoded.
 */
export const TOKEN_VERSION = 'v1';
export const MAX_TOKEN_CHARS = 4096;
/** A token issued up to this far in the verifier's future still counts (clocks of replicas differ). */
export const ISSUED_AT_LEEWAY_SECONDS = 60;

export const TokenClaimsSchema = z.strictObject({
  /** The agent the token proves. */
  sub: AgentIdSchema,
  /** The session it belongs to. */
  sid: SessionIdSchema,
  /** Which deployment it is for; a token for another audience is refused. */
  aud: z.string().min(1).max(128),
  /** Issued at, Unix seconds. */
  iat: z.number().int().min(0),
  /** Expires at, Unix seconds (exclusive). */
  exp: z.number().int().min(0),
  /** When the session was started, Unix seconds: an agent revocation voids sessions started at or before it. */
  sat: z.number().int().min(0),
});
export type TokenClaims = z.infer<typeof TokenClaimsSchema>;

export type TokenProblem = 'malformed' | 'bad_signature' | 'wrong_audience' | 'expired' | 'not_yet_valid';
export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; problem: TokenProblem };

export function signToken(claims: TokenClaims, keys: AuthKeys): string {
  const signed = `${TOKEN_VERSION}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${signed}.${createHmac('sha256', keys.token).update(signed).digest('base64url')}`;
}

export interface TokenExpectations {
  audience: string;
  nowSeconds: number;
}

export function verifyToken(token: string, keys: AuthKeys, expect: TokenExpectations): TokenCheck {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return fail('malformed');
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== TOKEN_VERSION) return fail('malformed');
  const [, payload, mac] = parts as [string, string, string];
  const presented = decodeBase64url(mac);
  if (!presented || presented.length !== 32) return fail('bad_signature');
  const expected = createHmac('sha256', keys.token).update(`${TOKEN_VERSION}.${payload}`).digest();
  if (!timingSafeEqual(expected, presented)) return fail('bad_signature');
  const claims = parseClaims(payload);
  if (!claims) return fail('malformed');
  if (claims.aud !== expect.audience) return fail('wrong_audience');
  if (claims.exp <= expect.nowSeconds) return fail('expired');
  if (claims.iat > expect.nowSeconds + ISSUED_AT_LEEWAY_SECONDS) return fail('not_yet_valid');
  return { ok: true, claims };
}

/** What a client is told; none of it helps a forger. */
export function describeTokenProblem(problem: TokenProblem): string {
  switch (problem) {
    case 'malformed':
      return 'the token is malformed';
    case 'bad_signature':
      return 'the token signature is invalid';
    case 'wrong_audience':
      return 'the token is for another audience';
    case 'expired':
      return 'the token has expired; refresh it or start a new session';
    case 'not_yet_valid':
      return 'the token is not valid yet';
  }
}

function parseClaims(payload: string): TokenClaims | undefined {
  const bytes = decodeBase64url(payload);
  if (!bytes) return undefined;
  try {
    const parsed = TokenClaimsSchema.safeParse(JSON.parse(bytes.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

const fail = (problem: TokenProblem): TokenCheck => ({ ok: false, problem });
