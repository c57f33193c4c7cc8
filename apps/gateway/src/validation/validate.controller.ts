import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { RPC, ValidateRequestSchema, type ValidateRequest, type ValidationResult } from '@lighthouse/contracts';
import { MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller } from '../auth/identity.decorators';
import { ActorResolver } from '../delegations/actor.resolver';

/**
 * `POST /validate`: the hot path. Signed like every POST (the guard checks token and signature
 * locally), but it makes no registry round trip: asking the same question twice changes nothing,
 * so there is no nonce to spend, and the agent comes from the verified token.
 */
@Controller('validate')
export class ValidateController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(ActorResolver) private readonly actors: ActorResolver,
  ) {}

  @Post()
  @HttpCode(200)
  validate(@Body(new ZodValidationPipe(ValidateRequestSchema)) request: ValidateRequest, @Caller() caller: AgentIdentity): Promise<ValidationResult> {
    // An escalation may wait for an expert (30 s by default): give it that long plus a margin.
    return this.bus.request(RPC.speed.validate, { actor: this.actors.fromToken(caller), request }, { timeoutMs: 40_000 });
  }
}
