import { Controller, Inject } from '@nestjs/common';
import { RPC, type ValidateMessage, type ValidationResult } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { ValidationService } from './validation.service';

@Controller()
export class ValidationController {
  constructor(@Inject(ValidationService) private readonly validation: ValidationService) {}

  @HandlesRpc(RPC.speed.validate)
  validate(message: ValidateMessage): Promise<ValidationResult> {
    return this.validation.validate(message.actor, message.request);
  }
}
