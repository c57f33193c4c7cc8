import { Module, type DynamicModule } from '@nestjs/common';
import { SUBJECTS } from '@lighthouse/contracts';
import { HealthModule } from '@lighthouse/transport';
import { DelegationsModule, type DelegationsDeps } from './delegations/delegations.module';
import { MessagesModule } from './messages/messages.module';

@Module({})
export class AppModule {
  static async register(deps: DelegationsDeps): Promise<DynamicModule> {
    const messages = MessagesModule.create(deps);
    // One store follower feeds every projection of the router (delegations, messages).
    const delegations = await DelegationsModule.register({ ...deps, alsoFollow: [messages.follow] });
    return {
      module: AppModule,
      imports: [delegations, messages.module(), HealthModule.register({ service: 'delegation-router', subject: SUBJECTS.delegation.health })],
    };
  }
}
