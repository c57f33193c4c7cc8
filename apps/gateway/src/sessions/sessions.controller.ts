import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { RPC, SessionIdSchema, type EndSessionResult, type SessionGrant, type WhoAmI } from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller, CorrelationId, signedProofOf } from '../auth/identity.decorators';
import { RevocationsService } from '../auth/revocations.service';
import { RegistryClient } from '../registry/registry.client';
import { EmptyBodySchema } from './empty-body';
import { whoAmIOf } from './whoami';

/** The session routes besides the hot ones (create and heartbeat: hot/hot-routes.ts). */
@Controller()
export class SessionsController {
  constructor(
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(RevocationsService) private readonly revocations: RevocationsService,
  ) {}

  @Post('sessions/refresh')
  @HttpCode(200)
  refresh(@Body(new ZodValidationPipe(EmptyBodySchema)) _body: unknown, @Caller() caller: AgentIdentity, @CorrelationId() correlationId: string): Promise<SessionGrant> {
    return this.registry.send(RPC.session.refresh, { auth: signedProofOf(caller), correlationId });
  }

  @Delete('sessions/:sessionId')
  async end(@Param('sessionId', new ZodValidationPipe(SessionIdSchema)) sessionId: string, @Caller() caller: AgentIdentity, @CorrelationId() correlationId: string): Promise<EndSessionResult> {
    const ended = await this.registry.send(RPC.session.end, { auth: signedProofOf(caller), sessionId, correlationId });
    this.revocations.sessionEnded(caller.claims.sub, sessionId);
    return ended;
  }

  /** Answered here from the verified token: no NATS hop. */
  @Get('whoami')
  whoami(@Caller() caller: AgentIdentity): WhoAmI {
    return whoAmIOf(caller.claims);
  }
}
