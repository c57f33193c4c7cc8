import { Controller, Inject } from '@nestjs/common';
import { RPC, type AuthorizeCommand, type AuthorizedCaller } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { AuthorizeService } from './authorize.service';

@Controller()
export class AuthorizeController {
  constructor(@Inject(AuthorizeService) private readonly authorize: AuthorizeService) {}

  @HandlesRpc(RPC.session.authorize)
  check(command: AuthorizeCommand): Promise<AuthorizedCaller> {
    return this.authorize.check(command);
  }
}
