import { Controller, Inject } from '@nestjs/common';
import {
  RPC,
  type DeregisterExpertCommand,
  type DeregisterExpertResult,
  type Expert,
  type ExpertList,
  type ListExpertsCommand,
  type RegisterExpertCommand,
} from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { ExpertsService } from './experts.service';

@Controller()
export class ExpertsController {
  constructor(@Inject(ExpertsService) private readonly experts: ExpertsService) {}

  @HandlesRpc(RPC.session.registerExpert)
  register(command: RegisterExpertCommand): Promise<Expert> {
    return this.experts.register(command);
  }

  @HandlesRpc(RPC.session.deregisterExpert)
  deregister(command: DeregisterExpertCommand): Promise<DeregisterExpertResult> {
    return this.experts.deregister(command);
  }

  @HandlesRpc(RPC.session.experts)
  list(command: ListExpertsCommand): Promise<ExpertList> {
    return this.experts.list(command);
  }
}
