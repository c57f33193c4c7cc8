import { Controller, Inject } from '@nestjs/common';
import { RPC, type ReleasedReservations, type ReservationGrant, type ReservationList, type RpcParsedRequest } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { ReservationsService } from './reservations.service';

const R = RPC.delegation;
type Req<K extends keyof typeof R> = RpcParsedRequest<(typeof R)[K]>;

/** Maps each reservation rpc to its use case; the gateway fills `actor` and `sessionId` from the token. */
@Controller()
export class ReservationsController {
  constructor(@Inject(ReservationsService) private readonly reservations: ReservationsService) {}

  @HandlesRpc(R.reserve)
  reserve(m: Req<'reserve'>): Promise<ReservationGrant> {
    return this.reservations.reserve(m.actor, m.sessionId, m.request);
  }

  @HandlesRpc(R.renewReservation)
  renew(m: Req<'renewReservation'>): Promise<ReservationGrant> {
    return this.reservations.renew(m.actor, m.request);
  }

  @HandlesRpc(R.releaseReservation)
  release(m: Req<'releaseReservation'>): Promise<ReleasedReservations> {
    return this.reservations.release(m.actor, m.request);
  }

  @HandlesRpc(R.listReservations)
  list({ actor: _actor, ...query }: Req<'listReservations'>): ReservationList {
    return this.reservations.list(query);
  }

  @HandlesRpc(R.forceReleaseReservations)
  forceRelease(m: Req<'forceReleaseReservations'>): Promise<ReleasedReservations> {
    return this.reservations.forceRelease(m.request);
  }
}
