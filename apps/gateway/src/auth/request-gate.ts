import { Inject, Injectable } from '@nestjs/common';
import { deriveAuthKeys, TokenVerifier } from '@lighthouse/auth';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { RetryLaterError } from '../http/retry-later.error';
import { changesState, identify, verifySignature, type AgentIdentity, type HeaderMap, type RequestFacts } from './authenticate';
import { RateLimiter } from './rate-limiter';
import { RevocationsService } from './revocations.service';

/** The parts of a request the gate reads (a Fastify request has them all). */
export interface GateRequest {
  method: string;
  url: string;
  headers: HeaderMap;
  rawBody?: Buffer;
}

/**
 * The gateway's one place of agent authentication and rate limiting, shared by the auth guard
 * (Nest routes) and the routes served straight from Fastify (the agents' hot routes), so both
 * check alike and draw on the same buckets.
 */
@Injectable()
export class RequestGate {
  private readonly tokens: TokenVerifier;
  private readonly limiter: RateLimiter;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    @Inject(RevocationsService) private readonly revocations: RevocationsService,
  ) {
    this.tokens = new TokenVerifier(deriveAuthKeys(config.LH_TOKEN_SECRET), config.LH_TOKEN_AUDIENCE);
    this.limiter = new RateLimiter({ ratePerSecond: config.LH_RATE_LIMIT_RPS, burst: config.LH_RATE_LIMIT_BURST });
  }

  /**
   * An agent request: the revocation list loaded (else 503), the token (401), the agent's rate
   * limit (429), then for a change (or `alwaysSigned`) timestamp, nonce and signature (401).
   */
  authenticate(request: GateRequest, alwaysSigned: boolean): AgentIdentity {
    if (!this.revocations.ready) throw new RetryLaterError('SERVICE_UNAVAILABLE', 'the gateway has not loaded the revocation list yet', 1);
    const facts: RequestFacts = { method: request.method, url: request.url, headers: request.headers, rawBody: request.rawBody };
    const verifier = { tokens: this.tokens, nowMs: Date.now(), revocations: this.revocations.list };
    const identity = identify(facts, verifier);
    this.limit(identity.claims.sub);
    return alwaysSigned || changesState(request.method) ? verifySignature(facts, identity, verifier) : identity;
  }

  /** Takes a token of `key`'s bucket; 429 with Retry-After when it is empty. */
  limit(key: string): void {
    const retryAfter = this.limiter.take(key);
    if (retryAfter !== undefined) throw new RetryLaterError('RATE_LIMITED', `too many requests; retry in ${retryAfter} s`, retryAfter);
  }
}

/** The agent a credential exchange claims to be (unverified: only ever keys a limit together with the source address). */
export function claimedAgent(body: unknown): string {
  const agentId = (body as { agentId?: unknown } | undefined)?.agentId;
  return typeof agentId === 'string' ? agentId.slice(0, 128) : '(none)';
}
