import 'reflect-metadata';
import { EventLog } from '@lighthouse/event-log';
import { NatsBus, runNatsService } from '@lighthouse/transport';
import { AppModule } from './app.module';
import { eventStoreConfigShape, keyringFrom } from './event-store.config';
import { runVerify } from './verify/verify.command';

if (process.argv[2] === 'verify') {
  runVerify(process.argv[3]).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`verify: ${error.message}\n`);
      process.exit(2);
    },
  );
} else {
  void runNatsService({
    service: 'event-store',
    shape: eventStoreConfigShape,
    module: async (config, { logger, metrics }) => {
      // A read answers in one frame: pages stop at 15/16 of the frame limit (the rest is room for
      // the reply's own fields), and an event larger than a page could never be read back.
      const maxReadBytes = Math.floor((config.LH_MAX_FRAME_BYTES * 15) / 16);
      const log = await EventLog.open({
        dir: config.LH_EVENT_DIR,
        keyring: keyringFrom(config),
        checkpointPath: config.LH_EVENT_CHECKPOINT_PATH,
        maxEventBytes: Math.min(config.LH_EVENT_MAX_EVENT_BYTES, maxReadBytes),
        maxReadBytes,
        segmentBytes: config.LH_EVENT_SEGMENT_BYTES,
        logger: logger.child({ component: 'event-log' }),
      });
      logger.info({ head: log.head() }, 'event log open and verified');
      metrics.eventChainVerified.set(1);
      const bus = await NatsBus.connect({ servers: config.NATS_URL, user: config.NATS_USER, pass: config.NATS_PASSWORD, name: 'event-store-publisher', maxFrameBytes: config.LH_MAX_FRAME_BYTES, metrics });
      return AppModule.register(log, bus, logger);
    },
  });
}
