import { Module } from '@nestjs/common';
import { ActorResolver } from './actor.resolver';
import { DelegationsController } from './delegations.controller';
import { EventStreamController } from './event-stream.controller';

@Module({ controllers: [DelegationsController, EventStreamController], providers: [ActorResolver], exports: [ActorResolver] })
export class DelegationsModule {}
