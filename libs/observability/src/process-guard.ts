import type { Logger } from './logger';
import type { ServiceMetrics } from './metrics';

/**
 * Keeps a service alive through a promise rejection nothing handled: Node's default ends the
 * process, so one bad reply or one forgotten `catch` would let any agent take a service down
 * (and again after every restart). The rejection is logged and counted in
 * `lh_unhandled_rejections_total` instead. Installed once per process by the shared bootstrap.
 */
export function guardProcess(logger: Logger, metrics: ServiceMetrics): void {
  process.on('unhandledRejection', (reason: unknown) => {
    metrics.unhandledRejections.inc();
    logger.error({ err: reason }, 'unhandled promise rejection (the process keeps running)');
  });
}
