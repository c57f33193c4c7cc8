import 'reflect-metadata';
import { loadConfig } from '@lighthouse/config';
import { ServiceMetrics, createLogger, guardProcess, startTracing } from '@lighthouse/observability';
import { gatewayConfigShape } from './gateway.config';
import { createGateway } from './gateway.app';

async function main(): Promise<void> {
  const config = loadConfig(gatewayConfigShape);
  const logger = createLogger('gateway', config.LH_LOG_LEVEL);
  startTracing('gateway');
  const metrics = new ServiceMetrics('gateway');
  guardProcess(logger, metrics);
  const app = await createGateway(config, logger, metrics);
  await app.listen({ host: config.LH_GATEWAY_HOST, port: config.LH_GATEWAY_PORT });
  logger.info(`gateway listening on ${await app.getUrl()}`);
}

main().catch((error: Error) => {
  process.stderr.write(`gateway: ${error.message}\n`);
  process.exit(error.name === 'ConfigError' ? 78 : 1);
});
