import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AppendRequestSchema,
  ReadQuerySchema,
  SUBJECTS,
  type AppendRequest,
  type AppendResult,
  type LogHead,
  type ReadQuery,
  type ReadResult,
} from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import { EventsService } from './events.service';

@Controller()
export class EventsController {
  constructor(@Inject(EventsService) private readonly events: EventsService) {}

  /** Acknowledged only once the batch holding these events is fdatasynced. */
  @MessagePattern(SUBJECTS.events.append)
  append(@Payload(new ZodValidationPipe(AppendRequestSchema)) request: AppendRequest): Promise<AppendResult> {
    return this.events.append(request);
  }

  @MessagePattern(SUBJECTS.events.read)
  read(@Payload(new ZodValidationPipe(ReadQuerySchema)) query: ReadQuery): Promise<ReadResult> {
    return this.events.read(query);
  }

  @MessagePattern(SUBJECTS.events.head)
  head(): LogHead {
    return this.events.head();
  }
}
