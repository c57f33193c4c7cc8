import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { SUBJECTS, ValidateMessageSchema, type ValidateMessage, type ValidationResult } from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import { ValidationService } from './validation.service';

@Controller()
export class ValidationController {
  constructor(@Inject(ValidationService) private readonly validation: ValidationService) {}

  @MessagePattern(SUBJECTS.speed.validate)
  validate(@Payload(new ZodValidationPipe(ValidateMessageSchema)) message: ValidateMessage): Promise<ValidationResult> {
    return this.validation.validate(message.actor, message.request);
  }
}
