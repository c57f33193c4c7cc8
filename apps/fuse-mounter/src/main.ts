import 'reflect-metadata';
import { NatsBus, runNatsService } from '@lighthouse/transport';
import { AppModule } from './app.module';
import { fuseConfigShape } from './fuse-mounter.config';
import { runImport } from './import/import.command';
import { Mounter } from './mount/mounter';

if (process.argv[2] === 'import') {
  runImport(process.argv.slice(3)).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`import: ${error.message}\n`);
      process.exit(1);
    },
  );
} else {
  void runNatsService({
    service: 'fuse-mounter',
    shape: fuseConfigShape,
    module: async (config, { logger, metrics }) => {
      const bus = await NatsBus.connect({ servers: config.NATS_URL, user: config.NATS_USER, pass: config.NATS_PASSWORD, name: 'fuse-mounter', maxFrameBytes: config.LH_MAX_FRAME_BYTES, metrics });
      const mounter = new Mounter(config, bus, logger, config.LH_REQUEST_TIMEOUT_MS);
      mounter.timing = metrics.fsOpSeconds;
      return AppModule.register(mounter);
    },
  });
}
