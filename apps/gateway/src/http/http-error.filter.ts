import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { HTTP_STATUS_BY_CODE, LighthouseError, type ErrorCode, type WireError } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import type { FastifyReply } from 'fastify';

/** HTTP statuses Nest or Fastify raise themselves, and the stable code each becomes. */
const CODE_BY_HTTP_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
};

/** Every error leaves the gateway as `{ code, message }` with the status its code maps to. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const [status, body] = this.describe(exception);
    if (status >= 500 && !(exception instanceof LighthouseError)) this.logger.error({ err: exception }, 'unhandled error');
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const retryAfter = retryAfterOf(exception, status);
    if (retryAfter !== undefined) void reply.header('retry-after', String(retryAfter));
    if (status === 401) void reply.header('www-authenticate', 'Bearer realm="lighthouse"');
    void reply.status(status).send(body);
  }

  private describe(exception: unknown): [number, WireError] {
    if (exception instanceof LighthouseError) return [HTTP_STATUS_BY_CODE[exception.code], exception.toWire()];
    const status = exception instanceof HttpException ? exception.getStatus() : fastifyStatus(exception);
    if (status !== undefined && CODE_BY_HTTP_STATUS[status]) {
      return [status, { code: CODE_BY_HTTP_STATUS[status], message: (exception as Error).message }];
    }
    return [500, { code: 'INTERNAL', message: 'internal error' }];
  }
}

/** 429, 503 and 504 say when to come back: the error's own figure, or one second. */
function retryAfterOf(exception: unknown, status: number): number | undefined {
  const given = (exception as { retryAfterSeconds?: unknown })?.retryAfterSeconds;
  if (typeof given === 'number') return given;
  return status === 429 || status === 503 || status === 504 ? 1 : undefined;
}

/** Fastify's own errors (body too large, bad JSON) carry a statusCode. */
function fastifyStatus(exception: unknown): number | undefined {
  const statusCode = (exception as { statusCode?: unknown })?.statusCode;
  return typeof statusCode === 'number' ? statusCode : undefined;
}
