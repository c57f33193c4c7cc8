import { Module } from '@nestjs/common';
import { ActorResolver } from '../delegations/actor.resolver';
import { AdminReservationsController, ReservationsController } from './reservations.controller';

@Module({ controllers: [ReservationsController, AdminReservationsController], providers: [ActorResolver] })
export class ReservationsModule {}
