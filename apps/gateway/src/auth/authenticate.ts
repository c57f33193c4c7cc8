import { AUTH_HEADERS, LighthouseError } from '@lighthouse/contracts';
import {
  checkFreshness,
  describeTokenProblem,
  secretsEqual,
  verifyRequestSignature,
  type TokenClaims,
  type TokenVerifier,
} from '@lighthouse/auth';
import type { RevocationList } from './revocation-list';

/**
 * The gateway's checks of a request, as pure functions of the request and the verifier's state:
 * the session token (signature, audience, expiry: in full the first time a token is seen, then
 * its expiry only) and revocations (on every request) locally, with no NATS hop;
 * for a state-changing request also its timestamp, nonce and signature under the session key.
 * (The nonce's novelty is checked by the registry, in Redis, shared by every replica.)
 */
export type HeaderMap = Record<string, string | string[] | undefined>;

export interface RequestFacts {
  method: string;
  /** Path and query exactly as received. */
  url: string;
  headers: HeaderMap;
  /** The body bytes as received (before parsing). */
  rawBody?: Buffer;
}

export interface Verifier {
  /** Checks tokens (remembering the ones it verified until they expire) and derives session keys. */
  tokens: TokenVerifier;
  nowMs: number;
  revocations: Pick<RevocationList, 'reasonToRefuse'>;
}

/** Who a request proves to be; timestamp and nonce only on a signed (state-changing) request. */
export interface AgentIdentity {
  token: string;
  claims: TokenClaims;
  timestamp?: number;
  nonce?: string;
}

const unauthenticated = (message: string) => new LighthouseError('UNAUTHENTICATED', message);

/** Requests that can change state must be signed; reads need the token only. */
export const changesState = (method: string): boolean => !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());

export function bearerOf(headers: HeaderMap): string | undefined {
  const value = headers[AUTH_HEADERS.authorization];
  if (typeof value !== 'string') return undefined;
  return /^Bearer ([!-~]+)$/.exec(value)?.[1];
}

export function identify(request: RequestFacts, verifier: Verifier): AgentIdentity {
  const token = bearerOf(request.headers);
  if (!token) throw unauthenticated('this route needs Authorization: Bearer <session token>');
  const check = verifier.tokens.verify(token, Math.floor(verifier.nowMs / 1000));
  if (!check.ok) throw unauthenticated(describeTokenProblem(check.problem));
  const refused = verifier.revocations.reasonToRefuse(check.claims);
  if (refused) throw unauthenticated(refused);
  return { token, claims: check.claims };
}

export function verifySignature(request: RequestFacts, identity: AgentIdentity, verifier: Verifier): AgentIdentity {
  const fresh = checkFreshness(request.headers[AUTH_HEADERS.timestamp], request.headers[AUTH_HEADERS.nonce], Math.floor(verifier.nowMs / 1000));
  if (!fresh.ok) throw unauthenticated(fresh.reason);
  const signature = request.headers[AUTH_HEADERS.signature];
  if (typeof signature !== 'string') throw unauthenticated(`a state-changing request needs ${AUTH_HEADERS.signature}`);
  const parts = { method: request.method, path: request.url, timestamp: fresh.timestamp, nonce: fresh.nonce, body: request.rawBody ?? '' };
  if (!verifyRequestSignature(verifier.tokens.sessionKey(identity.claims.sid), parts, signature)) {
    throw unauthenticated('the request signature does not match: sign method, path, timestamp, nonce and body with the session key');
  }
  return { ...identity, timestamp: fresh.timestamp, nonce: fresh.nonce };
}

/** Operator routes: the configured admin secret as the bearer, compared in constant time. */
export function checkAdmin(headers: HeaderMap, adminSecret: string | undefined): void {
  if (!adminSecret) throw new LighthouseError('FORBIDDEN', 'admin routes are disabled: LH_ADMIN_SECRET is not set');
  const presented = bearerOf(headers);
  if (!presented || !secretsEqual(presented, adminSecret)) throw unauthenticated('admin routes need Authorization: Bearer <admin secret>');
}
