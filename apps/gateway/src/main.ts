import 'reflect-metadata';
import { loadConfig } from '@lighthouse/config';
import { createLogger, startTracing } from '@lighthouse/observability';
import { gatewayConfigShape } from './gateway.config';
import { createGateway } from './gateway.app';

async function main(): Promise<void> {
  const config = loadConfig(gatewayConfigShape);
  const logger = createLogger('gateway', config.LH_LOG_LEVEL);
  startTracing('gateway');
  const app = await createGateway(config, logger);
  await app.listen({ host: config.LH_GATEWAY_HOST, port: config.LH_GATEWAY_PORT });
  logger.info(`gateway listening on ${await app.getUrl()}`);
}

main().catch((error: Error) => {
  process.stderr.write(`gateway: ${error.message}\n`);
  process.exit(error.name === 'ConfigError' ? 78 : 1);
});
