import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  CreateSessionRequestSchema,
  LighthouseError,
  RPC,
  describeIssues,
  type HeartbeatResult,
  type SessionGrant,
  type ValidateRequest,
  type ValidationResult,
} from '@lighthouse/contracts';
import { MESSAGE_BUS, type MessageBus, type RpcOptions } from '@lighthouse/transport';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { signedProofOf } from '../auth/identity.decorators';
import { claimedAgent, RequestGate } from '../auth/request-gate';
import { ActorResolver } from '../delegations/actor.resolver';
import { RegistryClient } from '../registry/registry.client';
import { EmptyBodySchema } from '../sessions/empty-body';

type HotRequest = FastifyRequest & { rawBody?: Buffer };

/** An escalation may wait for an expert (30 s by default): a validation gets that long plus a margin. */
const VALIDATE_OPTIONS: RpcOptions = { timeoutMs: 40_000 };

/**
 * The agents' hot routes (`POST /validate`, `POST /sessions/heartbeat`, `POST /sessions`: most of
 * what a thousand agents send), served straight from Fastify rather than through Nest's route
 * pipeline (guard lookup by reflection, parameter decorators, pipes, interceptor chain), which
 * cost the gateway more CPU per request than the work itself. Everything a client sees is as on
 * the Nest routes, in the same order: Fastify's body limit and JSON parsing (with the raw bytes
 * kept for the signature), then the checks of the auth guard through the same
 * {@link RequestGate} (revocation list loaded, token, the agent's rate limit, timestamp, nonce
 * and signature; the credential limit per address and claimed agent), then the body against its
 * contract, once. An error thrown here goes to the error handler Nest installs on Fastify, that
 * is to the gateway's error filter: the same `{ code, message }`, status and headers. Request
 * ids, the `x-request-id` header and the request-duration metric come from the Fastify hooks
 * every route has. The routes stay in the OpenAPI document (openapi/api-routes.ts).
 */
@Injectable()
export class HotRoutes implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(RequestGate) private readonly gate: RequestGate,
    @Inject(RegistryClient) private readonly registry: RegistryClient,
    @Inject(ActorResolver) private readonly actors: ActorResolver,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  /** Registered while Nest initialises, beside its own routes (so `onRoute` hooks see them alike). */
  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.post('/validate', (request) => this.validate(request));
    fastify.post('/sessions/heartbeat', (request) => this.heartbeat(request));
    fastify.post('/sessions', (request, reply) => this.create(request, reply));
  }

  /**
   * `POST /validate`: no registry round trip (asking the same question twice changes nothing, so
   * there is no nonce to spend; the agent comes from the verified token). The body is checked
   * against the contract once, by the speed layer, which parses every request it gets: a body
   * that does not match is answered VALIDATION_FAILED (400) from there.
   */
  async validate(request: HotRequest): Promise<ValidationResult> {
    const caller = this.gate.authenticate(request, false);
    return this.bus.request(RPC.speed.validate, { actor: this.actors.fromToken(caller), request: request.body as ValidateRequest }, VALIDATE_OPTIONS);
  }

  /** `POST /sessions/heartbeat`: the registry checks the session and spends the nonce. */
  async heartbeat(request: HotRequest): Promise<HeartbeatResult> {
    const caller = this.gate.authenticate(request, false);
    checkEmptyBody(request.body);
    return this.registry.send(RPC.session.heartbeat, { auth: signedProofOf(caller), correlationId: request.id });
  }

  /** `POST /sessions`: the credential exchange, limited per source address and claimed agent. */
  async create(request: HotRequest, reply: FastifyReply): Promise<SessionGrant> {
    this.gate.limit(`credential:${request.ip}:${claimedAgent(request.body)}`);
    const body = parsed(CreateSessionRequestSchema, request.body);
    void reply.code(201);
    return this.registry.send(RPC.session.create, { ...body, correlationId: request.id });
  }
}

/** The body against its contract: VALIDATION_FAILED (400) with the first issues, as the Nest routes' pipe answers. */
function parsed<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  throw new LighthouseError('VALIDATION_FAILED', describeIssues(result.error.issues));
}

/** No body, or `{}` (the common cases, checked without zod); anything else as the schema says. */
function checkEmptyBody(body: unknown): void {
  if (body === undefined) return;
  if (body !== null && typeof body === 'object' && Object.getPrototypeOf(body) === Object.prototype && Object.keys(body).length === 0) return;
  parsed(EmptyBodySchema, body);
}
