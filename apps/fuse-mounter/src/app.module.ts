import { Inject, Injectable, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SUBJECTS } from '@lighthouse/contracts';
import { HealthModule } from '@lighthouse/transport';
import { Mounter } from './mount/mounter';

/** Starts the mounter with the service and unmounts when it stops (after NATS handlers close). */
@Injectable()
class MountLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(Mounter) private readonly mounter: Mounter) {}

  onApplicationBootstrap(): void {
    this.mounter.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.mounter.stop();
  }
}

@Module({})
export class AppModule {
  static register(mounter: Mounter): DynamicModule {
    return {
      module: AppModule,
      imports: [HealthModule.register({ service: 'fuse-mounter', subject: SUBJECTS.fuse.health, probe: () => mounter.health() })],
      providers: [{ provide: Mounter, useValue: mounter }, MountLifecycle],
    };
  }
}
