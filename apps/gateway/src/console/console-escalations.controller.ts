import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { HumanRulingSchema, RPC, TERMINAL_DELEGATION_STATES, humanAgentIdOf, type Actor, type Delegation, type HumanRuling } from '@lighthouse/contracts';
import { MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { ConsoleSession } from './console-session';
import { Operator } from './operator.decorator';

/** The actor a signed-in human acts as toward the router: an operator, named `human.<operator>`. */
export const operatorActor = (session: ConsoleSession): Actor => ({ agent: humanAgentIdOf(session.operator), operator: true, roles: [], capacity: 1 });

/**
 * The escalations waiting for an answer, and a human's ruling on one: allow this exact call
 * once, allow its pattern for a time, or deny, with a reason. The waiting validation gets the
 * answer; the ruling is recorded as the delegation's completion by `human.<operator>`.
 */
@Controller('console/api/escalations')
@Access('console')
export class ConsoleEscalationsController {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  @Get()
  async waiting(@Operator() session: ConsoleSession): Promise<{ escalations: Delegation[] }> {
    const { delegations } = await this.bus.request(RPC.delegation.list, { actor: operatorActor(session), scope: 'all', limit: 500 });
    return { escalations: delegations.filter((d) => d.kind === 'validation' && !TERMINAL_DELEGATION_STATES.includes(d.state)) };
  }

  @Post(':id/ruling')
  @HttpCode(200)
  rule(@Param('id', new ZodValidationPipe(z.uuid())) id: string, @Body(new ZodValidationPipe(HumanRulingSchema)) ruling: HumanRuling, @Operator() session: ConsoleSession): Promise<Delegation> {
    return this.bus.request(RPC.delegation.rule, { actor: operatorActor(session), id, operator: session.operator, ruling });
  }
}
