import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import {
  ForceReleaseRequestSchema,
  ListReservationsQuerySchema,
  ReleaseReservationRequestSchema,
  RenewReservationRequestSchema,
  ReserveRequestSchema,
  RPC,
  type ForceReleaseRequest,
  type ListReservationsQuery,
  type ReleasedReservations,
  type ReleaseReservationRequest,
  type RenewReservationRequest,
  type ReservationGrant,
  type ReservationList,
  type ReserveRequest,
} from '@lighthouse/contracts';
import { MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import type { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller } from '../auth/identity.decorators';
import { ActorResolver } from '../delegations/actor.resolver';

const R = RPC.delegation;
const valid = <T extends z.ZodType>(schema: T) => new ZodValidationPipe(schema);

/**
 * File reservations. A change is checked by the registry (live session, nonce spent) and made for
 * the caller and the session its token names, never for anyone a body names.
 */
@Controller('reservations')
export class ReservationsController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(ActorResolver) private readonly actors: ActorResolver,
  ) {}

  @Post()
  async reserve(@Body(valid(ReserveRequestSchema)) request: ReserveRequest, @Caller() caller: AgentIdentity): Promise<ReservationGrant> {
    const actor = await this.actors.checked(caller, true);
    return this.bus.request(R.reserve, { actor, sessionId: caller.claims.sid, request });
  }

  @Post('renew')
  @HttpCode(200)
  async renew(@Body(valid(RenewReservationRequestSchema)) request: RenewReservationRequest, @Caller() caller: AgentIdentity): Promise<ReservationGrant> {
    const actor = await this.actors.checked(caller, true);
    return this.bus.request(R.renewReservation, { actor, sessionId: caller.claims.sid, request });
  }

  @Post('release')
  @HttpCode(200)
  async release(@Body(valid(ReleaseReservationRequestSchema)) request: ReleaseReservationRequest, @Caller() caller: AgentIdentity): Promise<ReleasedReservations> {
    const actor = await this.actors.checked(caller, true);
    return this.bus.request(R.releaseReservation, { actor, sessionId: caller.claims.sid, request });
  }

  /** Every live reservation is visible to every agent: they are the map of who works where (a deny names the holder anyway). */
  @Get()
  list(@Query(valid(ListReservationsQuerySchema)) query: ListReservationsQuery, @Caller() caller: AgentIdentity): Promise<ReservationList> {
    return this.bus.request(R.listReservations, { actor: this.actors.fromToken(caller), ...query });
  }
}

/** The operator ends reservations (a holder that is stuck, or gone without its session ending). */
@Access('admin')
@Controller('admin/reservations')
export class AdminReservationsController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Post('release')
  @HttpCode(200)
  forceRelease(@Body(valid(ForceReleaseRequestSchema)) request: ForceReleaseRequest): Promise<ReleasedReservations> {
    return this.bus.request(R.forceReleaseReservations, { request });
  }
}
