import { Body, Controller, HttpCode, Inject, Param, Post } from '@nestjs/common';
import {
  AgentIdSchema,
  IssueCredentialRequestSchema,
  RPC,
  type AgentRevoked,
  type IssueCredentialRequest,
  type IssuedCredential,
} from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import { Access } from '../auth/access.decorator';
import { RevocationsService } from '../auth/revocations.service';
import { CorrelationId } from '../auth/identity.decorators';
import { RegistryClient } from '../registry/registry.client';
import { EmptyBodySchema } from '../sessions/empty-body';

/** The operator's routes, behind `Authorization: Bearer <LH_ADMIN_SECRET>`. */
@Controller('admin/agents')
@Access('admin')
export class AdminController {
  constructor(
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(RevocationsService) private readonly revocations: RevocationsService,
  ) {}

  /** A new credential for the agent (replacing any earlier one), shown once. */
  @Post()
  issue(@Body(new ZodValidationPipe(IssueCredentialRequestSchema)) body: IssueCredentialRequest, @CorrelationId() correlationId: string): Promise<IssuedCredential> {
    return this.registry.send(RPC.session.issueCredential, { agentId: body.agentId, via: 'http', correlationId });
  }

  @Post(':agentId/revoke')
  @HttpCode(200)
  async revoke(
    @Param('agentId', new ZodValidationPipe(AgentIdSchema)) agentId: string,
    @Body(new ZodValidationPipe(EmptyBodySchema)) _body: unknown,
    @CorrelationId() correlationId: string,
  ): Promise<AgentRevoked> {
    const revoked = await this.registry.send(RPC.session.revokeAgent, { agentId, via: 'http', correlationId });
    this.revocations.agentRevoked(agentId, revoked.revokedAt);
    return revoked;
  }
}
