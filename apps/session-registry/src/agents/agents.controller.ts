import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  IssueCredentialCommandSchema,
  RevokeAgentCommandSchema,
  SUBJECTS,
  type AgentRevoked,
  type IssueCredentialCommand,
  type IssuedCredential,
  type RevocationsSnapshot,
  type RevokeAgentCommand,
} from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import { AgentsService } from './agents.service';

/**
 * Operator commands. They carry no secret: the gateway checked the operator's; on NATS they are
 * as trusted as any other internal subject (protect the bus with NATS accounts in production).
 */
@Controller()
export class AgentsController {
  constructor(@Inject(AgentsService) private readonly agents: AgentsService) {}

  @MessagePattern(SUBJECTS.session.issueCredential)
  issue(@Payload(new ZodValidationPipe(IssueCredentialCommandSchema)) command: IssueCredentialCommand): Promise<IssuedCredential> {
    return this.agents.issueCredential(command);
  }

  @MessagePattern(SUBJECTS.session.revokeAgent)
  revoke(@Payload(new ZodValidationPipe(RevokeAgentCommandSchema)) command: RevokeAgentCommand): Promise<AgentRevoked> {
    return this.agents.revoke(command);
  }

  @MessagePattern(SUBJECTS.session.revocations)
  revocations(): Promise<RevocationsSnapshot> {
    return this.agents.snapshot();
  }
}
