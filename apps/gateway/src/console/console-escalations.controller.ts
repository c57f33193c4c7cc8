import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { DelegationStateSchema, HumanRulingSchema, RPC, TERMINAL_DELEGATION_STATES, humanAgentIdOf, type Actor, type Delegation, type HumanRuling } from '@lighthouse/contracts';
import { MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import type { ConsoleSession } from './console-session';
import { Operator } from './operator.decorator';

/** The states of an escalation still waiting for an answer. */
const WAITING_STATES = DelegationStateSchema.options.filter((state) => !TERMINAL_DELEGATION_STATES.includes(state));

/** Newest first; the id breaks ties. */
const newestFirst = (a: Delegation, b: Delegation) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);

/** The escalations waiting for an answer (at most 500, newest first), asked of the router by kind and state. */
export async function waitingEscalations(bus: MessageBus, actor: Actor): Promise<Delegation[]> {
  const pages = await Promise.all(WAITING_STATES.map((state) => bus.request(RPC.delegation.list, { actor, scope: 'all', kind: 'validation', state, limit: 500 })));
  return pages.flatMap((page) => page.delegations).sort(newestFirst).slice(0, 500);
}

/** The board's newest delegations with every waiting escalation added (the pages find escalations among them). */
export function withEscalations(newest: readonly Delegation[], escalations: readonly Delegation[]): Delegation[] {
  const known = new Set(newest.map((d) => d.id));
  return [...newest, ...escalations.filter((d) => !known.has(d.id))].sort(newestFirst);
}

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
    // Asked by kind and state, not picked out of the newest delegations of all: an agent's own
    // tasks (as many and as large as it likes) would otherwise push a waiting escalation off the page.
    return { escalations: await waitingEscalations(this.bus, operatorActor(session)) };
  }

  @Post(':id/ruling')
  @HttpCode(200)
  rule(@Param('id', new ZodValidationPipe(z.uuid())) id: string, @Body(new ZodValidationPipe(HumanRulingSchema)) ruling: HumanRuling, @Operator() session: ConsoleSession): Promise<Delegation> {
    return this.bus.request(RPC.delegation.rule, { actor: operatorActor(session), id, operator: session.operator, ruling });
  }
}
