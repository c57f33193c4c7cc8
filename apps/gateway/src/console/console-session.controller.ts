import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { secretsEqual } from '@lighthouse/auth';
import { LighthouseError, OperatorCredentialSchema } from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { EmptyBodySchema } from '../sessions/empty-body';
import { checkSameOrigin, ConsoleAuth } from './console-auth';
import { clearCookieHeader, csrfTokenOf, newConsoleSession, OPERATOR_NAME, sealSession, setCookieHeader, type ConsoleSession } from './console-session';
import { Operator } from './operator.decorator';
import { OperatorCredentials } from './operator-credentials';

/**
 * Sign-in: who the human is (recorded with each ruling) and, in the body only, the admin secret
 * or the operator credential the registry issued to that name (`lho_…`).
 */
export const SignInSchema = z.strictObject({
  operator: z.string().regex(OPERATOR_NAME, 'an operator name: 1-64 of A-Z a-z 0-9 _ . @ -, starting with a letter or digit'),
  secret: z.string().min(1).max(512),
});

const OPERATOR_CREDENTIAL_PREFIX = 'lho_';

/** What the console page knows of its session: who, until when, and the CSRF token for changes. */
export interface ConsoleMe {
  operator: string;
  expiresAt: string;
  csrfToken: string;
}

/**
 * `POST /console/api/session` signs an operator in with the admin secret (never in a URL) into a
 * session cookie; `GET /console/api/me` answers the page its CSRF token; `POST
 * /console/api/session/end` signs out.
 */
@Controller('console/api')
export class ConsoleSessionController {
  constructor(
    @Inject(ConsoleAuth) private readonly auth: ConsoleAuth,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(OperatorCredentials) private readonly operators: OperatorCredentials,
  ) {}

  @Post('session')
  @Access('probe')
  @HttpCode(200)
  async signIn(@Body(new ZodValidationPipe(SignInSchema)) body: z.infer<typeof SignInSchema>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<ConsoleMe> {
    if (request.url.includes('?')) throw new LighthouseError('VALIDATION_FAILED', 'sign-in takes nothing in the URL: the secret goes in the body, never in a URL');
    checkSameOrigin({ method: request.method, headers: request.headers, protocol: request.protocol, host: request.host });
    const session = body.secret.startsWith(OPERATOR_CREDENTIAL_PREFIX) ? await this.withCredential(body) : this.withAdminSecret(body);
    void reply.header('set-cookie', setCookieHeader(sealSession(session, this.auth.key), session, request.protocol === 'https'));
    void reply.header('cache-control', 'no-store');
    return this.me(session);
  }

  @Get('me')
  @Access('console')
  whoAmI(@Operator() session: ConsoleSession, @Res({ passthrough: true }) reply: FastifyReply): ConsoleMe {
    void reply.header('cache-control', 'no-store');
    return this.me(session);
  }

  @Post('session/end')
  @Access('console')
  @HttpCode(200)
  signOut(@Body(new ZodValidationPipe(EmptyBodySchema)) _body: unknown, @Operator() session: ConsoleSession, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): { signedOut: true } {
    this.auth.signedOut.add(session);
    void reply.header('set-cookie', clearCookieHeader(request.protocol === 'https'));
    return { signedOut: true };
  }

  private withAdminSecret(body: z.infer<typeof SignInSchema>): ConsoleSession {
    const admin = this.config.LH_ADMIN_SECRET;
    if (!admin) throw new LighthouseError('FORBIDDEN', 'the console is disabled: LH_ADMIN_SECRET is not set');
    if (!secretsEqual(body.secret, admin)) throw new LighthouseError('UNAUTHENTICATED', 'wrong operator secret');
    return newConsoleSession(body.operator, Date.now(), this.auth.ttlMs);
  }

  /** An operator credential signs in only the operator it was issued to, and only while it is live. */
  private async withCredential(body: z.infer<typeof SignInSchema>): Promise<ConsoleSession> {
    const parsed = OperatorCredentialSchema.safeParse(body.secret);
    if (!parsed.success) throw new LighthouseError('UNAUTHENTICATED', 'wrong operator secret');
    const info = await this.operators.authenticate(parsed.data);
    if (info.name !== body.operator) throw new LighthouseError('UNAUTHENTICATED', 'wrong operator secret');
    return newConsoleSession(body.operator, Date.now(), this.auth.ttlMs, { issuedAt: Date.parse(info.issuedAt), expiresAt: Date.parse(info.expiresAt) });
  }

  private me(session: ConsoleSession): ConsoleMe {
    return { operator: session.operator, expiresAt: new Date(session.expiresAt).toISOString(), csrfToken: csrfTokenOf(session, this.auth.key) };
  }
}
