import { Controller, Inject } from '@nestjs/common';
import { RPC, type AgentRevoked, type IssueCredentialCommand, type IssuedCredential, type RevocationsSnapshot, type RevokeAgentCommand } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { AgentsService } from './agents.service';

/**
 * Operator commands. They carry no secret: the gateway checked the operator's; on NATS they are
 * as trusted as any other internal subject (protect the bus with NATS accounts in production).
 */
@Controller()
export class AgentsController {
  constructor(@Inject(AgentsService) private readonly agents: AgentsService) {}

  @HandlesRpc(RPC.session.issueCredential)
  issue(command: IssueCredentialCommand): Promise<IssuedCredential> {
    return this.agents.issueCredential(command);
  }

  @HandlesRpc(RPC.session.revokeAgent)
  revoke(command: RevokeAgentCommand): Promise<AgentRevoked> {
    return this.agents.revoke(command);
  }

  @HandlesRpc(RPC.session.revocations)
  revocations(): Promise<RevocationsSnapshot> {
    return this.agents.snapshot();
  }
}
