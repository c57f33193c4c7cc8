import 'reflect-metadata';
import { NatsBus, runNatsService } from '@lighthouse/transport';
import { Redis } from 'ioredis';
import { AppModule } from './app.module';
import { runAgentCommand } from './cli/agent.command';
import { registryConfigShape } from './registry.config';
import { redisOptions } from './store/redis-options';

const command = process.argv[2];
if (command === 'issue-credential' || command === 'revoke-agent') {
  runAgentCommand(command, process.argv.slice(3)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`${command}: ${error.message}\n`);
      process.exit(1);
    },
  );
} else {
  void runNatsService({
    service: 'session-registry',
    shape: registryConfigShape,
    module: async (config, { logger, metrics }) => {
      const redis = new Redis(config.REDIS_URL, redisOptions('session-registry'));
      redis.on('error', (error) => logger.warn({ err: error }, 'redis'));
      const bus = await NatsBus.connect({ servers: config.NATS_URL, user: config.NATS_USER, pass: config.NATS_PASSWORD, name: 'session-registry-client', maxFrameBytes: config.LH_MAX_FRAME_BYTES, timeoutMs: config.LH_REQUEST_TIMEOUT_MS, metrics });
      return AppModule.register({ config, redis, bus, logger });
    },
  });
}

