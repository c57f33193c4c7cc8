import 'reflect-metadata';
import { runNatsService } from '@lighthouse/transport';
import { AppModule } from './app.module';

void runNatsService({ service: 'delegation-router', module: () => AppModule });
