import { Body, Controller, Delete, Get, Inject, Param, Post, Query } from '@nestjs/common';
import {
  AgentIdSchema,
  ListExpertsQuerySchema,
  RegisterExpertRequestSchema,
  RPC,
  type DeregisterExpertResult,
  type Expert,
  type ExpertList,
  type ListExpertsQuery,
  type RegisterExpertRequest,
} from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller, CorrelationId, proofOf, signedProofOf } from '../auth/identity.decorators';
import { RegistryClient } from '../registry/registry.client';

@Controller('experts')
export class ExpertsController {
  constructor(@Inject(RegistryClient) private readonly registry: RegistryClient) {}

  /** Registers the caller (never anyone else: the agent comes from the token, not the body). */
  @Post()
  register(@Body(new ZodValidationPipe(RegisterExpertRequestSchema)) expert: RegisterExpertRequest, @Caller() caller: AgentIdentity, @CorrelationId() correlationId: string): Promise<Expert> {
    return this.registry.send(RPC.session.registerExpert, { auth: signedProofOf(caller), expert, correlationId });
  }

  @Delete(':agentId')
  deregister(@Param('agentId', new ZodValidationPipe(AgentIdSchema)) agentId: string, @Caller() caller: AgentIdentity, @CorrelationId() correlationId: string): Promise<DeregisterExpertResult> {
    return this.registry.send(RPC.session.deregisterExpert, { auth: signedProofOf(caller), agentId, correlationId });
  }

  @Get()
  list(@Query(new ZodValidationPipe(ListExpertsQuerySchema)) query: ListExpertsQuery, @Caller() caller: AgentIdentity): Promise<ExpertList> {
    return this.registry.send(RPC.session.experts, { auth: proofOf(caller), query });
  }
}
