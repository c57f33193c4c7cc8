import { Controller, Inject } from '@nestjs/common';
import { RPC, type Delegation, type DelegationList, type RpcParsedRequest } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { DelegationsService } from './delegations.service';

const R = RPC.delegation;
type Req<K extends keyof typeof R> = RpcParsedRequest<(typeof R)[K]>;

/** Maps each delegation rpc to its use case; the gateway fills `actor` from the session. */
@Controller()
export class DelegationsController {
  constructor(@Inject(DelegationsService) private readonly delegations: DelegationsService) {}

  @HandlesRpc(R.create)
  create(m: Req<'create'>): Promise<Delegation> {
    return this.delegations.create(m.actor, m.request, m.requestNonce);
  }

  @HandlesRpc(R.get)
  get(m: Req<'get'>): Promise<Delegation> {
    return this.delegations.get(m.actor, m.id);
  }

  @HandlesRpc(R.list)
  list({ actor, ...query }: Req<'list'>): DelegationList {
    return this.delegations.list(actor, query);
  }

  @HandlesRpc(R.next)
  async next(m: Req<'next'>): Promise<{ delegation: Delegation | null }> {
    return { delegation: await this.delegations.next(m.actor, m.waitMs) };
  }

  @HandlesRpc(R.claim)
  claim(m: Req<'claim'>): Promise<Delegation> {
    return this.delegations.claim(m.actor, m.id);
  }

  @HandlesRpc(R.progress)
  progress(m: Req<'progress'>): Promise<Delegation> {
    return this.delegations.progress(m.actor, m.id, m.epoch, m.note);
  }

  @HandlesRpc(R.complete)
  complete(m: Req<'complete'>): Promise<Delegation> {
    return this.delegations.complete(m.actor, m.id, m.epoch, m.result);
  }

  @HandlesRpc(R.fail)
  fail(m: Req<'fail'>): Promise<Delegation> {
    return this.delegations.fail(m.actor, m.id, m.epoch, m.error);
  }

  @HandlesRpc(R.cancel)
  cancel(m: Req<'cancel'>): Promise<Delegation> {
    return this.delegations.cancel(m.actor, m.id, m.reason);
  }

  @HandlesRpc(R.rule)
  rule(m: Req<'rule'>): Promise<Delegation> {
    return this.delegations.rule(m.actor, m.id, m.operator, m.ruling);
  }

  @HandlesRpc(R.wait)
  wait(m: Req<'wait'>): Promise<Delegation> {
    return this.delegations.wait(m.actor, m.id, m.waitMs);
  }
}
