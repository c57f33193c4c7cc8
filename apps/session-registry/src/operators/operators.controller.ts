import { Controller, Inject } from '@nestjs/common';
import {
  RPC,
  type AuthenticateOperatorCommand,
  type IssueOperatorCredentialCommand,
  type IssuedOperatorCredential,
  type ListOperatorCredentialsCommand,
  type OperatorCredentialInfo,
  type OperatorCredentialList,
  type RevokeOperatorCredentialCommand,
} from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { OperatorsService } from './operators.service';

/** Operator credentials (the gateway checked the admin secret for issue, revoke and list). */
@Controller()
export class OperatorsController {
  constructor(@Inject(OperatorsService) private readonly operators: OperatorsService) {}

  @HandlesRpc(RPC.session.issueOperatorCredential)
  issue(command: IssueOperatorCredentialCommand): Promise<IssuedOperatorCredential> {
    return this.operators.issue(command);
  }

  @HandlesRpc(RPC.session.revokeOperatorCredential)
  revoke(command: RevokeOperatorCredentialCommand): Promise<OperatorCredentialInfo> {
    return this.operators.revoke(command);
  }

  @HandlesRpc(RPC.session.operatorCredentials)
  list(command: ListOperatorCredentialsCommand): Promise<OperatorCredentialList> {
    return this.operators.list(command);
  }

  @HandlesRpc(RPC.session.authenticateOperator)
  authenticate(command: AuthenticateOperatorCommand): Promise<OperatorCredentialInfo> {
    return this.operators.authenticate(command);
  }
}
