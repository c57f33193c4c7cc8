import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CreateSessionCommandSchema,
  EndSessionCommandSchema,
  HeartbeatCommandSchema,
  RefreshSessionCommandSchema,
  SUBJECTS,
  type CreateSessionCommand,
  type EndSessionCommand,
  type EndSessionResult,
  type HeartbeatCommand,
  type HeartbeatResult,
  type RefreshSessionCommand,
  type SessionGrant,
} from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsController {
  constructor(@Inject(SessionsService) private readonly sessions: SessionsService) {}

  @MessagePattern(SUBJECTS.session.create)
  create(@Payload(new ZodValidationPipe(CreateSessionCommandSchema)) command: CreateSessionCommand): Promise<SessionGrant> {
    return this.sessions.create(command);
  }

  @MessagePattern(SUBJECTS.session.refresh)
  refresh(@Payload(new ZodValidationPipe(RefreshSessionCommandSchema)) command: RefreshSessionCommand): Promise<SessionGrant> {
    return this.sessions.refresh(command);
  }

  @MessagePattern(SUBJECTS.session.heartbeat)
  heartbeat(@Payload(new ZodValidationPipe(HeartbeatCommandSchema)) command: HeartbeatCommand): Promise<HeartbeatResult> {
    return this.sessions.heartbeat(command);
  }

  @MessagePattern(SUBJECTS.session.end)
  end(@Payload(new ZodValidationPipe(EndSessionCommandSchema)) command: EndSessionCommand): Promise<EndSessionResult> {
    return this.sessions.end(command);
  }
}
