import { Module } from '@nestjs/common';
import { ActorResolver } from './actor.resolver';
import { DelegationsController } from './delegations.controller';
import { EventStreamController } from './event-stream.controller';
import { StreamLeases } from '../streams/stream-leases';

@Module({ controllers: [DelegationsController, EventStreamController], providers: [ActorResolver, StreamLeases], exports: [ActorResolver, StreamLeases] })
export class DelegationsModule {}
