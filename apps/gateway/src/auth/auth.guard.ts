import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { ConsoleAuth } from '../console/console-auth';
import { OperatorCredentials } from '../console/operator-credentials';
import type { ConsoleSession } from '../console/console-session';
import { ACCESS_METADATA, type AccessLevel } from './access.decorator';
import { checkAdmin, type AgentIdentity } from './authenticate';
import { claimedAgent, RequestGate } from './request-gate';

type GuardedRequest = FastifyRequest & { rawBody?: Buffer; lhIdentity?: AgentIdentity; lhConsole?: ConsoleSession };

/**
 * The gateway's one guard, on every Nest route: what each route needs is its {@link AccessLevel}.
 * (The agents' hot routes, served straight from Fastify, check through the same {@link RequestGate}.)
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(RequestGate) private readonly gate: RequestGate,
    @Inject(ConsoleAuth) private readonly console: ConsoleAuth,
    @Inject(OperatorCredentials) private readonly operators: OperatorCredentials,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const level = this.reflector.getAllAndOverride<AccessLevel | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]) ?? 'agent';
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    if (level === 'admin') checkAdmin(request.headers, this.config.LH_ADMIN_SECRET);
    if (level === 'probe') this.gate.limit(`probe:${request.ip}`);
    if (level === 'credential') this.gate.limit(`credential:${request.ip}:${claimedAgent(request.body)}`);
    if (level === 'console') return this.openConsole(request);
    if (level === 'agent' || level === 'signed') request.lhIdentity = this.gate.authenticate(request, level === 'signed');
    return true;
  }

  /**
   * A console request: the operator's session cookie (and CSRF on a change), rate-limited per
   * session; a session opened with an operator credential stands only while the credential does.
   */
  private openConsole(request: GuardedRequest): boolean | Promise<boolean> {
    const session = this.console.check({ method: request.method, headers: request.headers, protocol: request.protocol, host: request.host });
    this.gate.limit(`console:${session.sid}`);
    request.lhConsole = session;
    return session.via === 'admin-secret' ? true : this.operators.check(session).then(() => true);
  }
}
