import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { MESSAGE_LIMITS, RPC, SendMessageSchema, type MarkReadResult, type Message, type MessagePage, type SendMessage } from '@lighthouse/contracts';
import { MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import { z } from 'zod';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller, CorrelationId, proofOf } from '../auth/identity.decorators';
import { ActorResolver } from '../delegations/actor.resolver';
import { RegistryClient } from '../registry/registry.client';
import { AcknowledgeBodySchema, InboxQuerySchema, MarkReadBodySchema, ThreadQuerySchema } from './message-http.schemas';

const M = RPC.message;
const Id = new ZodValidationPipe(z.uuid());
const valid = <T extends z.ZodType>(schema: T) => new ZodValidationPipe(schema);

/**
 * Messages between agents: send to agents, roles or a thread; the inbox; a thread; receipts.
 * The sender and reader always come from the token; a change is signed and checked by the registry.
 */
@Controller('messages')
export class MessagesController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(ActorResolver) private readonly actors: ActorResolver,
    @Inject(RegistryClient) private readonly registry: RegistryClient,
  ) {}

  @Post()
  async send(@Body(valid(SendMessageSchema)) request: SendMessage, @Caller() caller: AgentIdentity, @CorrelationId() correlationId: string): Promise<Message> {
    const actor = await this.actors.checked(caller, true);
    const roleMembers = await this.membersOf(request.to?.roles ?? [], caller);
    return this.bus.request(M.send, { actor, request, roleMembers, correlationId });
  }

  @Get()
  inbox(@Query(valid(InboxQuerySchema)) query: z.infer<typeof InboxQuerySchema>, @Caller() caller: AgentIdentity): Promise<MessagePage> {
    return this.bus.request(M.inbox, { actor: this.actors.fromToken(caller), ...query });
  }

  @Get('threads/:thread')
  thread(@Param('thread', Id) thread: string, @Query(valid(ThreadQuerySchema)) query: z.infer<typeof ThreadQuerySchema>, @Caller() caller: AgentIdentity): Promise<MessagePage> {
    return this.bus.request(M.thread, { actor: this.actors.fromToken(caller), thread, ...query });
  }

  @Post('read')
  @HttpCode(200)
  async markRead(@Body(valid(MarkReadBodySchema)) body: z.infer<typeof MarkReadBodySchema>, @Caller() caller: AgentIdentity): Promise<MarkReadResult> {
    return this.bus.request(M.markRead, { actor: await this.actors.checked(caller, true), ...body });
  }

  @Post(':id/ack')
  @HttpCode(200)
  async acknowledge(@Param('id', Id) id: string, @Body(valid(AcknowledgeBodySchema)) body: z.infer<typeof AcknowledgeBodySchema>, @Caller() caller: AgentIdentity): Promise<Message> {
    return this.bus.request(M.acknowledge, { actor: await this.actors.checked(caller, true), id, ...body });
  }

  /** The agents registered as experts of `roles` now (a message to a role reaches them). */
  private async membersOf(roles: readonly string[], caller: AgentIdentity): Promise<string[]> {
    const lists = await Promise.all(roles.map((role) => this.registry.send(RPC.session.experts, { auth: proofOf(caller), query: { role, limit: MESSAGE_LIMITS.recipients } })));
    return [...new Set(lists.flatMap((list) => list.experts.map((expert) => expert.agentId)))].slice(0, MESSAGE_LIMITS.recipients);
  }
}
