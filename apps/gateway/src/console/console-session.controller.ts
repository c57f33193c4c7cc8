import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { secretsEqual } from '@lighthouse/auth';
import { LighthouseError } from '@lighthouse/contracts';
import { ZodValidationPipe } from '@lighthouse/transport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Access } from '../auth/access.decorator';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { EmptyBodySchema } from '../sessions/empty-body';
import { checkSameOrigin, ConsoleAuth } from './console-auth';
import { clearCookieHeader, csrfTokenOf, newConsoleSession, OPERATOR_NAME, sealSession, setCookieHeader, type ConsoleSession } from './console-session';
import { Operator } from './operator.decorator';

/** Sign-in: who the human is (recorded with each ruling) and the admin secret, in the body only. */
export const SignInSchema = z.strictObject({
  operator: z.string().regex(OPERATOR_NAME, 'an operator name: 1-64 of A-Z a-z 0-9 _ . @ -, starting with a letter or digit'),
  secret: z.string().min(1).max(512),
});

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
  ) {}

  @Post('session')
  @Access('probe')
  @HttpCode(200)
  signIn(@Body(new ZodValidationPipe(SignInSchema)) body: z.infer<typeof SignInSchema>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): ConsoleMe {
    if (request.url.includes('?')) throw new LighthouseError('VALIDATION_FAILED', 'sign-in takes nothing in the URL: the secret goes in the body, never in a URL');
    checkSameOrigin({ method: request.method, headers: request.headers, protocol: request.protocol, host: request.host });
    const admin = this.config.LH_ADMIN_SECRET;
    if (!admin) throw new LighthouseError('FORBIDDEN', 'the console is disabled: LH_ADMIN_SECRET is not set');
    if (!secretsEqual(body.secret, admin)) throw new LighthouseError('UNAUTHENTICATED', 'wrong operator secret');
    const session = newConsoleSession(body.operator, Date.now(), this.auth.ttlMs);
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

  private me(session: ConsoleSession): ConsoleMe {
    return { operator: session.operator, expiresAt: new Date(session.expiresAt).toISOString(), csrfToken: csrfTokenOf(session, this.auth.key) };
  }
}
