import { Controller, Inject } from '@nestjs/common';
import { RPC, type AppendRequest, type AppendResult, type LogHead, type ReadQuery, type ReadResult } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { EventsService } from './events.service';

/** Each handler gets its request parsed against the contract table (a bad one never gets here). */
@Controller()
export class EventsController {
  constructor(@Inject(EventsService) private readonly events: EventsService) {}

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
}
