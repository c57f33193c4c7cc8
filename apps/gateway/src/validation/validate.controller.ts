import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { RPC, type ValidateRequest, type ValidationResult } from '@lighthouse/contracts';
import { MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller } from '../auth/identity.decorators';
import { ActorResolver } from '../delegations/actor.resolver';

/**
 * `POST /validate`: the hot path. Signed like every POST (the guard checks token and signature
 * locally), but it makes no registry round trip: asking the same question twice changes nothing,
 * so there is no nonce to spend, and the agent comes from the verified token.
 *
 * The body (bounded by the body limit, parsed as JSON by Fastify) is checked against the contract
 * once, by the speed layer's handler, which parses every message it gets (`request` of
 * ValidateMessageSchema): a body that does not match is answered VALIDATION_FAILED (400) from
 * there, before any tier sees it. Parsing it here too was the same work twice per validation.
 */
@Controller('validate')
export class ValidateController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(ActorResolver) private readonly actors: ActorResolver,
  ) {}

  @Post()
  @HttpCode(200)
  validate(@Body() body: unknown, @Caller() caller: AgentIdentity): Promise<ValidationResult> {
    // An escalation may wait for an expert (30 s by default): give it that long plus a margin.
    return this.bus.request(RPC.speed.validate, { actor: this.actors.fromToken(caller), request: body as ValidateRequest }, { timeoutMs: 40_000 });
  }
}
