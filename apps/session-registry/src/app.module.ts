import { Module, type DynamicModule } from '@nestjs/common';
import { SUBJECTS } from '@lighthouse/contracts';
import { HealthModule } from '@lighthouse/transport';
import { AgentsModule } from './agents/agents.module';
import { ExpertsModule } from './experts/experts.module';
import { OperatorsModule } from './operators/operators.module';
import { RegistryCoreModule, type RegistryDependencies } from './registry-core.module';
import { PresenceModule } from './presence/presence.module';
import { SessionsModule } from './sessions/sessions.module';

@Module({})
export class AppModule {
  static register(deps: RegistryDependencies): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RegistryCoreModule.register(deps),
        PresenceModule,
        SessionsModule,
        ExpertsModule,
        AgentsModule,
        OperatorsModule,
        HealthModule.register({
          service: 'session-registry',
          subject: SUBJECTS.session.health,
          probe: async () => ((await redisAnswers(deps)) ? { status: 'up' } : { status: 'degraded', detail: { redis: 'unreachable' } }),
        }),
      ],
    };
  }
}

const redisAnswers = async (deps: RegistryDependencies): Promise<boolean> => (await deps.redis.ping().catch(() => 'down')) === 'PONG';
