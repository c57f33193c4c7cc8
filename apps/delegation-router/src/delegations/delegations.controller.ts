import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { DelegationRequestSchemas as R, SUBJECTS, type Delegation, type DelegationList } from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import type { z } from 'zod';
import { DelegationsService } from './delegations.service';

type Req<K extends keyof typeof R> = z.infer<(typeof R)[K]>;
const valid = <K extends keyof typeof R>(key: K) => new ZodValidationPipe(R[key]);
const S = SUBJECTS.delegation;

/** Maps each delegation subject to its use case; the gateway fills `actor` from the session. */
@Controller()
export class DelegationsController {
  constructor(@Inject(DelegationsService) private readonly delegations: DelegationsService) {}

  @MessagePattern(S.create)
  create(@Payload(valid('create')) m: Req<'create'>): Promise<Delegation> {
    return this.delegations.create(m.actor, m.request);
  }

  @MessagePattern(S.get)
  get(@Payload(valid('get')) m: Req<'get'>): Promise<Delegation> {
    return this.delegations.get(m.actor, m.id);
  }

  @MessagePattern(S.list)
  list(@Payload(valid('list')) { actor, ...query }: Req<'list'>): DelegationList {
    return this.delegations.list(actor, query);
  }

  @MessagePattern(S.next)
  async next(@Payload(valid('next')) m: Req<'next'>): Promise<{ delegation: Delegation | null }> {
    return { delegation: await this.delegations.next(m.actor, m.waitMs) };
  }

  @MessagePattern(S.claim)
  claim(@Payload(valid('claim')) m: Req<'claim'>): Promise<Delegation> {
    return this.delegations.claim(m.actor, m.id);
  }

  @MessagePattern(S.progress)
  progress(@Payload(valid('progress')) m: Req<'progress'>): Promise<Delegation> {
    return this.delegations.progress(m.actor, m.id, m.epoch, m.note);
  }

  @MessagePattern(S.complete)
  complete(@Payload(valid('complete')) m: Req<'complete'>): Promise<Delegation> {
    return this.delegations.complete(m.actor, m.id, m.epoch, m.result);
  }

  @MessagePattern(S.fail)
  fail(@Payload(valid('fail')) m: Req<'fail'>): Promise<Delegation> {
    return this.delegations.fail(m.actor, m.id, m.epoch, m.error);
  }

  @MessagePattern(S.cancel)
  cancel(@Payload(valid('cancel')) m: Req<'cancel'>): Promise<Delegation> {
    return this.delegations.cancel(m.actor, m.id, m.reason);
  }

  @MessagePattern(S.wait)
  wait(@Payload(valid('wait')) m: Req<'wait'>): Promise<Delegation> {
    return this.delegations.wait(m.actor, m.id, m.waitMs);
  }
}
