import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { CreateDelegationSchema, LighthouseError, RPC, type CreateDelegation, type Delegation, type RpcRequest } from '@lighthouse/contracts';
import { MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { StreamLeases } from '../streams/stream-leases';
import { Access } from '../auth/access.decorator';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller, CorrelationId } from '../auth/identity.decorators';
import { ActorResolver } from './actor.resolver';
import { CancelBodySchema, CompleteBodySchema, FailBodySchema, ListQuerySchema, ProgressBodySchema, WaitQuerySchema } from './delegation-http.schemas';

const S = RPC.delegation;
const Id = new ZodValidationPipe(z.uuid());
const valid = <T extends z.ZodType>(schema: T) => new ZodValidationPipe(schema);
/** The rpcs that change a delegation: each answers the delegation as it now stands. */
type ChangeRpc = typeof S.claim | typeof S.progress | typeof S.complete | typeof S.fail | typeof S.cancel;
/** Long polls get the router's wait plus a margin before the gateway gives up on the reply. */
const pollDeadline = (waitMs: number) => waitMs + 5_000;

@Controller('delegations')
export class DelegationsController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(ActorResolver) private readonly actors: ActorResolver,
    @Inject(StreamLeases) private readonly leases: StreamLeases,
  ) {}

  @Post()
  async create(@Body(valid(CreateDelegationSchema)) request: CreateDelegation, @Caller() caller: AgentIdentity, @CorrelationId() correlationId: string): Promise<Delegation> {
    // Validation escalations are the speed layer's own questions, put to experts and to the humans in
    // the console; one an agent made up would stand before them as a call waiting for approval.
    if (request.kind === 'validation') throw new LighthouseError('FORBIDDEN', 'validation delegations are the bridge\'s own escalations; an agent creates tasks');
    // No registry round trip: the guard checked token, revocation, signature and freshness; the
    // id comes from the signed request's nonce, so a replay finds it taken (409) and creates nothing.
    const actor = this.actors.fromToken(caller);
    return this.bus.request(S.create, { actor, request: { ...request, correlationId: request.correlationId ?? correlationId }, requestNonce: caller.nonce });
  }

  @Get()
  list(@Query(valid(ListQuerySchema)) query: z.infer<typeof ListQuerySchema>, @Caller() caller: AgentIdentity) {
    return this.bus.request(S.list, { actor: this.actors.fromToken(caller), ...query });
  }

  /**
   * Long-poll: answers as soon as work for the caller arrives, or `{ delegation: null }` at the
   * timeout. It assigns work, so it is signed like a change and its nonce is spent (no replay).
   */
  @Get('next')
  @Access('signed')
  async next(@Query(valid(WaitQuerySchema)) { waitMs }: { waitMs: number }, @Caller() caller: AgentIdentity, @Res({ passthrough: true }) reply: FastifyReply) {
    const actor = await this.actors.checked(caller, true);
    return this.leases.during(caller, reply.raw, () => this.bus.request(S.next, { actor, waitMs }, { timeoutMs: pollDeadline(waitMs) }));
  }

  @Get(':id')
  get(@Param('id', Id) id: string, @Caller() caller: AgentIdentity): Promise<Delegation> {
    return this.bus.request(S.get, { actor: this.actors.fromToken(caller), id });
  }

  /** Long-poll: the delegation once it is finished, or as it stands at the timeout. */
  @Get(':id/wait')
  wait(@Param('id', Id) id: string, @Query(valid(WaitQuerySchema)) { waitMs }: { waitMs: number }, @Caller() caller: AgentIdentity, @Res({ passthrough: true }) reply: FastifyReply): Promise<Delegation> {
    return this.leases.during(caller, reply.raw, () => this.bus.request(S.wait, { actor: this.actors.fromToken(caller), id, waitMs }, { timeoutMs: pollDeadline(waitMs) }));
  }

  @Post(':id/claim')
  @HttpCode(200)
  async claim(@Param('id', Id) id: string, @Body(valid(z.strictObject({}))) _body: unknown, @Caller() caller: AgentIdentity): Promise<Delegation> {
    return this.change(S.claim, caller, { id });
  }

  @Post(':id/progress')
  @HttpCode(200)
  progress(@Param('id', Id) id: string, @Body(valid(ProgressBodySchema)) body: z.infer<typeof ProgressBodySchema>, @Caller() caller: AgentIdentity): Promise<Delegation> {
    return this.change(S.progress, caller, { id, ...body });
  }

  @Post(':id/complete')
  @HttpCode(200)
  complete(@Param('id', Id) id: string, @Body(valid(CompleteBodySchema)) body: z.infer<typeof CompleteBodySchema>, @Caller() caller: AgentIdentity): Promise<Delegation> {
    return this.fenced(S.complete, caller, { id, ...body });
  }

  @Post(':id/fail')
  @HttpCode(200)
  fail(@Param('id', Id) id: string, @Body(valid(FailBodySchema)) body: z.infer<typeof FailBodySchema>, @Caller() caller: AgentIdentity): Promise<Delegation> {
    return this.fenced(S.fail, caller, { id, ...body });
  }

  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id', Id) id: string, @Body(valid(CancelBodySchema)) body: z.infer<typeof CancelBodySchema>, @Caller() caller: AgentIdentity): Promise<Delegation> {
    return this.change(S.cancel, caller, { id, ...body });
  }

  private async change<R extends ChangeRpc>(rpc: R, caller: AgentIdentity, payload: Omit<RpcRequest<R>, 'actor'>): Promise<Delegation> {
    const actor = await this.actors.checked(caller, true);
    return this.bus.request(rpc, { actor, ...payload } as RpcRequest<R>);
  }

  /**
   * The end of a claim (complete, fail) without the registry's round trip: the guard has checked
   * the token (not revoked), the request's signature under the session key and its freshness;
   * the router lets only the holder of the current claim epoch end it, and once it has ended,
   * any replay of the request is refused by the delegation's state (409), so the nonce need not
   * be spent; no role is needed.
   */
  private fenced<R extends typeof S.complete | typeof S.fail>(rpc: R, caller: AgentIdentity, payload: Omit<RpcRequest<R>, 'actor'>): Promise<Delegation> {
    return this.bus.request(rpc, { actor: this.actors.fromToken(caller), ...payload } as RpcRequest<R>);
  }
}
