import { Module } from '@nestjs/common';
import { GatewayHealthModule } from '../health/health.module';
import { ConsoleEscalationsController } from './console-escalations.controller';
import { ConsoleFeed } from './console-feed';
import { ConsoleLiveController } from './console-live.controller';
import { ConsoleOpsController } from './console-ops.controller';
import { ConsolePagesController } from './console-pages.controller';
import { ConsoleSessionController } from './console-session.controller';
import { SlaMonitor } from './sla-monitor';

/** The operators' console, served by the gateway (see README, "The console"). */
@Module({
  imports: [GatewayHealthModule],
  controllers: [ConsoleSessionController, ConsoleEscalationsController, ConsoleLiveController, ConsoleOpsController, ConsolePagesController],
  providers: [ConsoleFeed, SlaMonitor],
})
export class ConsoleModule {}
