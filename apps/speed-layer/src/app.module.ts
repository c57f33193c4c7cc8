import { Module, type DynamicModule } from '@nestjs/common';
import { SUBJECTS } from '@lighthouse/contracts';
import { HealthModule } from '@lighthouse/transport';
import { ValidationModule, type ValidationDeps } from './validation/validation.module';

@Module({})
export class AppModule {
  static async register(deps: ValidationDeps): Promise<DynamicModule> {
    return {
      module: AppModule,
      imports: [
        await ValidationModule.register(deps),
        HealthModule.register({
          service: 'speed-layer',
          subject: SUBJECTS.speed.health,
          probe: () => (deps.redis.status === 'ready' ? { status: 'up' } : { status: 'degraded', detail: { redis: deps.redis.status } }),
        }),
      ],
    };
  }
}
