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

  /**
   * A new credential for the agent granting `roles` (replacing any earlier one), shown once. The
   * sessions of the credential it replaces end here at once (every other replica hears it over NATS).
   */
  @Post()
  async issue(@Body(new ZodValidationPipe(IssueCredentialRequestSchema)) body: IssueCredentialRequest, @CorrelationId() correlationId: string): Promise<IssuedCredential> {
    const issued = await this.registry.send(RPC.session.issueCredential, { agentId: body.agentId, roles: body.roles, via: 'http', correlationId });
    if (issued.sessionsEnded > 0) this.revocations.agentRevoked(issued.agentId, issued.issuedAt);
    return issued;
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
