import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { deriveAuthKeys, TokenVerifier } from '@lighthouse/auth';
import type { FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { RetryLaterError } from '../http/retry-later.error';
import { ConsoleAuth } from '../console/console-auth';
import { OperatorCredentials } from '../console/operator-credentials';
import type { ConsoleSession } from '../console/console-session';
import { ACCESS_METADATA, type AccessLevel } from './access.decorator';
import { changesState, checkAdmin, identify, verifySignature, type AgentIdentity, type RequestFacts } from './authenticate';
import { RateLimiter } from './rate-limiter';
import { RevocationsService } from './revocations.service';

type GuardedRequest = FastifyRequest & { rawBody?: Buffer; lhIdentity?: AgentIdentity; lhConsole?: ConsoleSession };

/** The gateway's one guard, on every route: what each route needs is its {@link AccessLevel}. */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly tokens: TokenVerifier;
  private readonly limiter: RateLimiter;

  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(RevocationsService) private readonly revocations: RevocationsService,
    @Inject(ConsoleAuth) private readonly console: ConsoleAuth,
    @Inject(OperatorCredentials) private readonly operators: OperatorCredentials,
  ) {
    this.tokens = new TokenVerifier(deriveAuthKeys(config.LH_TOKEN_SECRET), config.LH_TOKEN_AUDIENCE);
    this.limiter = new RateLimiter({ ratePerSecond: config.LH_RATE_LIMIT_RPS, burst: config.LH_RATE_LIMIT_BURST });
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const level = this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]) ?? 'agent';
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    if (level === 'admin') checkAdmin(request.headers, this.config.LH_ADMIN_SECRET);
    if (level === 'probe') this.limit(`probe:${request.ip}`);
    if (level === 'credential') this.limit(`credential:${request.ip}:${claimedAgent(request.body)}`);
    if (level === 'console') return this.openConsole(request);
    if (level === 'agent' || level === 'signed') request.lhIdentity = this.authenticate(request, level === 'signed');
    return true;
  }

  private authenticate(request: GuardedRequest, alwaysSigned: boolean): AgentIdentity {
    if (!this.revocations.ready) throw new RetryLaterError('SERVICE_UNAVAILABLE', 'the gateway has not loaded the revocation list yet', 1);
    const facts: RequestFacts = { method: request.method, url: request.url, headers: request.headers, rawBody: request.rawBody };
    const verifier = { tokens: this.tokens, nowMs: Date.now(), revocations: this.revocations.list };
    const identity = identify(facts, verifier);
    this.limit(identity.claims.sub);
    return alwaysSigned || changesState(request.method) ? verifySignature(facts, identity, verifier) : identity;
  }

  /**
   * A console request: the operator's session cookie (and CSRF on a change), rate-limited per
   * session; a session opened with an operator credential stands only while the credential does.
   */
  private openConsole(request: GuardedRequest): boolean | Promise<boolean> {
    const session = this.console.check({ method: request.method, headers: request.headers, protocol: request.protocol, host: request.host });
    this.limit(`console:${session.sid}`);
    request.lhConsole = session;
    return session.via === 'admin-secret' ? true : this.operators.check(session).then(() => true);
  }

  private limit(key: string): void {
    const retryAfter = this.limiter.take(key);
    if (retryAfter !== undefined) throw new RetryLaterError('RATE_LIMITED', `too many requests; retry in ${retryAfter} s`, retryAfter);
  }
}

/** The agent a credential exchange claims to be (unverified: only ever keys a limit together with the source address). */
function claimedAgent(body: unknown): string {
  const agentId = (body as { agentId?: unknown } | undefined)?.agentId;
  return typeof agentId === 'string' ? agentId.slice(0, 128) : '(none)';
}
