import { Controller, Inject, Optional } from '@nestjs/common';
import { LighthouseError, RPC, type AppendRequest, type ChainVerification, type ChainVerificationQuery, type AppendResult, type LogHead, type ReadQuery, type ReadResult } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { EventsService } from './events.service';
import { ChainVerifier } from '../verify/chain-verifier';

/** Each handler gets its request parsed against the contract table (a bad one never gets here). */
@Controller()
export class EventsController {
  constructor(
    @Inject(EventsService) private readonly events: EventsService,
    @Optional() @Inject(ChainVerifier) private readonly verifier: ChainVerifier | null,
  ) {}

  /** Acknowledged only once the events are durable (fdatasynced, or taken by the replicated engine). */
  @HandlesRpc(RPC.events.append)
  append(request: AppendRequest): Promise<AppendResult> {
    return this.events.append(request);
  }

  @HandlesRpc(RPC.events.read)
  read(query: ReadQuery): Promise<ReadResult> {
    return this.events.read(query);
  }

  @HandlesRpc(RPC.events.head)
  head(): LogHead {
    return this.events.head();
  }

  /** The last whole-log verification and the signed checkpoint (read-only, at most one run per interval). */
  @HandlesRpc(RPC.events.verify)
  verify(query: ChainVerificationQuery): Promise<ChainVerification> {
    if (!this.verifier) throw new LighthouseError('SERVICE_UNAVAILABLE', 'this event store does not verify its log while serving');
    return query.rerun ? this.verifier.latest() : this.verifier.last();
  }
}
