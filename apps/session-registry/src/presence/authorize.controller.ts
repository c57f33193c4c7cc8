import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { AuthorizeCommandSchema, SUBJECTS, type AuthorizeCommand, type AuthorizedCaller } from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import { AuthorizeService } from './authorize.service';

@Controller()
export class AuthorizeController {
  constructor(@Inject(AuthorizeService) private readonly authorize: AuthorizeService) {}

  @MessagePattern(SUBJECTS.session.authorize)
  check(@Payload(new ZodValidationPipe(AuthorizeCommandSchema)) command: AuthorizeCommand): Promise<AuthorizedCaller> {
    return this.authorize.check(command);
  }
}
