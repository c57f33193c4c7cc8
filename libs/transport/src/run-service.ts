import type { INestMicroservice } from '@nestjs/common';
import type { IEntryNestModule } from '@nestjs/core';
import { loadConfig, natsServiceShape } from '@lighthouse/config';
import { ServiceMetrics, createLogger, guardProcess, startTracing, type Logger } from '@lighthouse/observability';
import type { z } from 'zod';
import { reportSliInHealth } from './health.module';
import { startNatsService } from './nats-service';
import { startOpsServer } from './ops-server';

type BaseConfig = z.infer<z.ZodObject<typeof natsServiceShape>>;

export interface RunServiceOptions<S extends z.ZodRawShape> {
  service: string;
  /** The service's own variables, on top of the shared NATS ones. */
  shape?: S;
  /** Builds the root module from the validated configuration. */
  module: (config: BaseConfig & z.infer<z.ZodObject<S>>, context: { logger: Logger; metrics: ServiceMetrics }) => IEntryNestModule;
}

/**
 * The whole life of a NATS service process: strict config, logger, tracing, the microservice,
 * and a clean stop on SIGINT/SIGTERM. A bad configuration exits with code 78 (EX_CONFIG).
 */
export async function runNatsService<S extends z.ZodRawShape = Record<never, never>>(options: RunServiceOptions<S>): Promise<INestMicroservice> {
  let config: BaseConfig & z.infer<z.ZodObject<S>>;
  try {
    config = loadConfig({ ...natsServiceShape, ...(options.shape ?? {}) } as typeof natsServiceShape & S) as typeof config;
  } catch (error) {
    process.stderr.write(`${options.service}: ${(error as Error).message}\n`);
    process.exit(78);
  }
  const logger = createLogger(options.service, config.LH_LOG_LEVEL);
  const stopTracing = startTracing(options.service);
  const metrics = new ServiceMetrics(options.service);
  guardProcess(logger, metrics);
  reportSliInHealth(metrics);
  let app: INestMicroservice;
  try {
    const module = await options.module(config, { logger, metrics });
    app = await startNatsService(module, {
      service: options.service,
      natsUrl: config.NATS_URL,
      natsUser: config.NATS_USER,
      natsPassword: config.NATS_PASSWORD,
      logger,
      maxFrameBytes: config.LH_MAX_FRAME_BYTES,
      metrics,
    });
  } catch (error) {
    // A service that cannot start must say so by its exit code (a supervisor restarts it): left to
    // the unhandled-rejection guard, the process would idle and then exit 0 as if it had stopped cleanly.
    logger.fatal({ err: error }, `${options.service} failed to start`);
    await stopTracing().catch(() => undefined);
    process.exit(1);
  }
  let stopping = false;
  const ops = config.LH_OPS_PORT
    ? await startOpsServer({ host: config.LH_OPS_HOST, port: config.LH_OPS_PORT, metrics, ready: () => !stopping })
    : undefined;
  logger.info({ nats: config.NATS_URL, opsPort: config.LH_OPS_PORT || undefined }, `${options.service} ready`);
  const stop = async (signal: string) => {
    logger.info(`${signal}: stopping`);
    stopping = true;
    ops?.close();
    await app.close();
    await stopTracing();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  return app;
}
