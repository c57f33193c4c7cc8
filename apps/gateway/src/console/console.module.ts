import { Module } from '@nestjs/common';
import { ConsoleEscalationsController } from './console-escalations.controller';
import { ConsolePagesController } from './console-pages.controller';
import { ConsoleSessionController } from './console-session.controller';

/** The operators' console, served by the gateway (see README, "The console"). */
@Module({ controllers: [ConsoleSessionController, ConsoleEscalationsController, ConsolePagesController] })
export class ConsoleModule {}
