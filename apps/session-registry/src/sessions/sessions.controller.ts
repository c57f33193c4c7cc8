import { Controller, Inject } from '@nestjs/common';
import {
  RPC,
  type CreateSessionCommand,
  type EndSessionCommand,
  type EndSessionResult,
  type HeartbeatCommand,
  type HeartbeatResult,
  type RefreshSessionCommand,
  type SessionGrant,
} from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { SessionsService } from './sessions.service';

@Controller()
export class SessionsController {
  constructor(@Inject(SessionsService) private readonly sessions: SessionsService) {}

  @HandlesRpc(RPC.session.create)
  create(command: CreateSessionCommand): Promise<SessionGrant> {
    return this.sessions.create(command);
  }

  @HandlesRpc(RPC.session.refresh)
  refresh(command: RefreshSessionCommand): Promise<SessionGrant> {
    return this.sessions.refresh(command);
  }

  @HandlesRpc(RPC.session.heartbeat)
  heartbeat(command: HeartbeatCommand): Promise<HeartbeatResult> {
    return this.sessions.heartbeat(command);
  }

  @HandlesRpc(RPC.session.end)
  end(command: EndSessionCommand): Promise<EndSessionResult> {
    return this.sessions.end(command);
  }
}
