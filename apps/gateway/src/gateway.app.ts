import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { fastify } from 'fastify';
import { PinoNestLogger, ServiceMetrics, type Logger } from '@lighthouse/observability';
import { NatsBus } from '@lighthouse/transport';
import { AppModule } from './app.module';
import type { GatewayConfig } from './gateway.config';
import { HttpErrorFilter } from './http/http-error.filter';

/**
 * Builds the gateway (not listening yet): Fastify with the body limit enforced before parsing,
 * the auth guard on every route, the stable error filter, request-duration metrics, request ids,
 * and a connected NATS bus.
 */
export async function createGateway(config: GatewayConfig, logger: Logger, metrics = new ServiceMetrics('gateway')): Promise<NestFastifyApplication> {
  const bus = await NatsBus.connect({
    servers: config.NATS_URL, user: config.NATS_USER, pass: config.NATS_PASSWORD,
    name: 'gateway',
    timeoutMs: config.LH_REQUEST_TIMEOUT_MS,
    maxFrameBytes: config.LH_MAX_FRAME_BYTES,
    metrics,
  });
  // Our own Fastify (the workspace's version) rather than the one @nestjs/platform-fastify pins for
  // itself: that one wraps every body's parse callback with AsyncResource.bind(), which on Node 20
  // defines two deprecated accessors per request; the newer one keeps the async context without.
  // (A hop count is a trustProxy Fastify takes, though its typings leave numbers out.)
  const trustProxy = trustProxyOf(config.LH_TRUST_PROXY) as boolean | string[];
  const instance = fastify({ bodyLimit: config.LH_MAX_BODY_BYTES, genReqId: requestIdOf, trustProxy });
  const adapter = new FastifyAdapter(instance as unknown as ConstructorParameters<typeof FastifyAdapter>[0]);
  // Callback hooks rather than async ones: no promise per hook per request.
  instance.addHook('onSend', (request, reply, payload, done) => {
    void reply.header('x-request-id', request.id);
    done(null, payload);
  });
  instance.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestSeconds.observe({ route, method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
    done();
  });
  // rawBody: the signature of a request covers the body bytes exactly as they were sent.
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, metrics, bus, logger), adapter, {
    logger: new PinoNestLogger(logger),
    rawBody: true,
  });
  app.useGlobalFilters(new HttpErrorFilter(logger));
  app.enableShutdownHooks();
  return app;
}

/** `LH_TRUST_PROXY` as Fastify takes it: off, a hop count, or the proxies' addresses. */
function trustProxyOf(value: string | undefined): boolean | number | string[] {
  if (value === undefined || value.trim() === '') return false;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

/** The client's X-Request-Id when it is a sane token, else a new UUID; it becomes the correlation id of events. */
function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[A-Za-z0-9_.:-]{1,128}$/.test(given) ? given : randomUUID();
}
