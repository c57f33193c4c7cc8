import { Module } from '@nestjs/common';
import { DelegationsModule } from '../delegations/delegations.module';
import { AdminEventsController, EventsController } from './events.controller';
import { EventVisibilityFilter } from './event-visibility.filter';

@Module({ imports: [DelegationsModule], controllers: [EventsController, AdminEventsController], providers: [EventVisibilityFilter] })
export class EventsModule {}
