import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoNestLogger, ServiceMetrics, type Logger } from '@lighthouse/observability';
import { NatsBus } from '@lighthouse/transport';
import { AppModule } from './app.module';
import type { GatewayConfig } from './gateway.config';
import { HttpErrorFilter } from './http/http-error.filter';

/**
 * Builds the gateway (not listening yet): Fastify with the body limit enforced before parsing,
 * the stable error filter, request-duration metrics, and a connected NATS bus.
 */
export async function createGateway(config: GatewayConfig, logger: Logger): Promise<NestFastifyApplication> {
  const metrics = new ServiceMetrics('gateway');
  const bus = await NatsBus.connect({
    servers: config.NATS_URL,
    name: 'gateway',
    timeoutMs: config.LH_REQUEST_TIMEOUT_MS,
    maxFrameBytes: config.LH_MAX_FRAME_BYTES,
    metrics,
  });
  const adapter = new FastifyAdapter({ bodyLimit: config.LH_MAX_BODY_BYTES });
  adapter.getInstance().addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.httpRequestSeconds.observe({ route, method: request.method, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.register(config, metrics, bus), adapter, {
    logger: new PinoNestLogger(logger),
  });
  app.useGlobalFilters(new HttpErrorFilter(logger));
  app.enableShutdownHooks();
  return app;
}
