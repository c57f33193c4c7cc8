import { Module, type DynamicModule } from '@nestjs/common';
import { SUBJECTS } from '@lighthouse/contracts';
import { HealthModule } from '@lighthouse/transport';
import { DelegationsModule, type DelegationsDeps } from './delegations/delegations.module';

@Module({})
export class AppModule {
  static async register(deps: DelegationsDeps): Promise<DynamicModule> {
    const delegations = await DelegationsModule.register(deps);
    return {
      module: AppModule,
      imports: [delegations, HealthModule.register({ service: 'delegation-router', subject: SUBJECTS.delegation.health })],
    };
  }
}
