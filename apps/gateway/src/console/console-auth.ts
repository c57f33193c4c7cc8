import { Inject, Injectable } from '@nestjs/common';
import { LighthouseError } from '@lighthouse/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import type { HeaderMap } from '../auth/authenticate';
import { consoleCookieOf, consoleKeyOf, csrfMatches, CSRF_HEADER, openSession, SignedOut, type ConsoleSession } from './console-session';

/** What the guard needs of a console request. */
export interface ConsoleRequestFacts {
  method: string;
  headers: HeaderMap;
  /** `http` or `https`, as Fastify sees it (behind a trusted proxy, the client's). */
  protocol: string;
  host: string;
}

const unauthenticated = (message: string) => new LighthouseError('UNAUTHENTICATED', message);

/**
 * Checks console requests: the session cookie (signed by this bridge, not expired, not signed
 * out) and, on a change, the CSRF header and a same-origin `Origin`. Agents' bearer tokens are
 * not looked at: they open nothing here.
 */
@Injectable()
export class ConsoleAuth {
  readonly key: Buffer;
  readonly ttlMs: number;
  readonly signedOut = new SignedOut();

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.key = consoleKeyOf(config.LH_TOKEN_SECRET);
    this.ttlMs = config.LH_CONSOLE_SESSION_TTL_S * 1000;
  }

  /** The session of a request, or undefined (pages redirect to sign-in instead of failing). */
  sessionOf(headers: HeaderMap, nowMs = Date.now()): ConsoleSession | undefined {
    const check = openSession(consoleCookieOf(headers['cookie']), this.key, nowMs);
    return check.ok && !this.signedOut.has(check.session.sid, nowMs) ? check.session : undefined;
  }

  check(request: ConsoleRequestFacts, nowMs = Date.now()): ConsoleSession {
    const check = openSession(consoleCookieOf(request.headers['cookie']), this.key, nowMs);
    if (!check.ok) throw unauthenticated(check.reason);
    if (this.signedOut.has(check.session.sid, nowMs)) throw unauthenticated('this console session was signed out; sign in again');
    if (!['GET', 'HEAD'].includes(request.method.toUpperCase())) this.checkChange(request, check.session);
    return check.session;
  }

  /** A change: the CSRF token only the console's own page can read, from the console's own origin. */
  private checkChange(request: ConsoleRequestFacts, session: ConsoleSession): void {
    checkSameOrigin(request);
    if (!csrfMatches(request.headers[CSRF_HEADER], session, this.key)) {
      throw new LighthouseError('FORBIDDEN', `a console change needs the ${CSRF_HEADER} header of its session (read it from GET /console/api/me)`);
    }
  }
}

/** A browser's `Origin`, when it sends one, must be the console's own. */
export function checkSameOrigin(request: ConsoleRequestFacts): void {
  const origin = request.headers['origin'];
  if (origin === undefined) return;
  if (typeof origin !== 'string' || origin !== `${request.protocol}://${request.host}`) {
    throw new LighthouseError('FORBIDDEN', 'a console change must come from the console\'s own origin');
  }
}
