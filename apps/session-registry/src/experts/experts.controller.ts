import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  DeregisterExpertCommandSchema,
  ListExpertsCommandSchema,
  RegisterExpertCommandSchema,
  SUBJECTS,
  type DeregisterExpertCommand,
  type DeregisterExpertResult,
  type Expert,
  type ExpertList,
  type ListExpertsCommand,
  type RegisterExpertCommand,
} from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import { ExpertsService } from './experts.service';

@Controller()
export class ExpertsController {
  constructor(@Inject(ExpertsService) private readonly experts: ExpertsService) {}

  @MessagePattern(SUBJECTS.session.registerExpert)
  register(@Payload(new ZodValidationPipe(RegisterExpertCommandSchema)) command: RegisterExpertCommand): Promise<Expert> {
    return this.experts.register(command);
  }

  @MessagePattern(SUBJECTS.session.deregisterExpert)
  deregister(@Payload(new ZodValidationPipe(DeregisterExpertCommandSchema)) command: DeregisterExpertCommand): Promise<DeregisterExpertResult> {
    return this.experts.deregister(command);
  }

  @MessagePattern(SUBJECTS.session.experts)
  list(@Payload(new ZodValidationPipe(ListExpertsCommandSchema)) command: ListExpertsCommand): Promise<ExpertList> {
    return this.experts.list(command);
  }
}
