import { Module } from '@nestjs/common';
import { DelegationsModule } from '../delegations/delegations.module';
import { EventsController } from './events.controller';

@Module({ imports: [DelegationsModule], controllers: [EventsController] })
export class EventsModule {}
