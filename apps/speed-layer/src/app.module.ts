import { Module } from '@nestjs/common';
import { SUBJECTS } from '@lighthouse/contracts';
import { HealthModule } from '@lighthouse/transport';

/** Skeleton: answers health until its own issue gives it a feature. */
@Module({ imports: [HealthModule.register({ service: 'speed-layer', subject: SUBJECTS.speed.health })] })
export class AppModule {}
