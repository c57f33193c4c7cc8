import { Module } from '@nestjs/common';
import { ConsolePagesController } from './console-pages.controller';
import { ConsoleSessionController } from './console-session.controller';

/** The operators' console, served by the gateway (see README, "The console"). */
@Module({ controllers: [ConsoleSessionController, ConsolePagesController] })
export class ConsoleModule {}
