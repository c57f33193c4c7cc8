import type { INestMicroservice } from '@nestjs/common';
import { ModulesContainer, NestFactory, type IEntryNestModule } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { queueGroupOf } from '@lighthouse/contracts';
import { PinoNestLogger, type ServiceMetrics, type Logger } from '@lighthouse/observability';
import { findLeanRoutes } from './lean-rpc-routes';
import { LighthouseNatsServer } from './lighthouse-nats.server';
import { WireErrorFilter } from './wire-error.filter';

export interface NatsServiceOptions {
  service: string;
  natsUrl: string;
  /** The service's NATS login (NATS_USER / NATS_PASSWORD). */
  natsUser?: string;
  natsPassword?: string;
  logger: Logger;
  maxFrameBytes?: number;
  metrics?: ServiceMetrics;
  /**
   * Answer `@HandlesRpc` handlers straight from the subscription (default), skipping Nest's
   * per-message pipeline where no enhancer applies to them. false: every message through Nest.
   */
  leanRpc?: boolean;
}

/** Boots a Nest module as a Lighthouse NATS microservice (queue group per service). */
export async function startNatsService(module: IEntryNestModule, options: NatsServiceOptions): Promise<INestMicroservice> {
  const server = new LighthouseNatsServer({
    servers: options.natsUrl,
    user: options.natsUser,
    pass: options.natsPassword,
    queue: queueGroupOf(options.service),
    name: options.service,
    maxFrameBytes: options.maxFrameBytes,
    metrics: options.metrics,
    logger: options.logger,
  });
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, { strategy: server, logger: new PinoNestLogger(options.logger) });
  app.useGlobalFilters(new WireErrorFilter(options.logger));
  if (options.leanRpc !== false) server.useLeanRoutes(findLeanRoutes(app.get(ModulesContainer)));
  await app.listen();
  return app;
}
