import 'reflect-metadata';
import { verifyLog } from '@lighthouse/event-log';
import { NatsBus, runNatsService } from '@lighthouse/transport';
import { AppModule } from './app.module';
import { eventDirOf, eventStoreConfigShape, keyringFrom } from './event-store.config';
import { openEventLog } from './open-log';
import { ChainVerifier } from './verify/chain-verifier';
import { runCopyToJetStream } from './verify/copy.command';
import { runVerify } from './verify/verify.command';

const COMMANDS: Record<string, (argument: string | undefined) => Promise<number>> = { verify: runVerify, 'copy-to-jetstream': runCopyToJetStream };
const command = COMMANDS[process.argv[2] ?? ''];

if (command) {
  command(process.argv[3]).then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`${process.argv[2]}: ${error.message}\n`);
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
      const { log, backend } = await openEventLog(config, { maxEventBytes: Math.min(config.LH_EVENT_MAX_EVENT_BYTES, maxReadBytes), maxReadBytes }, logger.child({ component: 'event-log' }));
      logger.info({ head: log.head(), backend }, 'event log open and verified');
      metrics.eventChainVerified.set(1);
      const bus = await NatsBus.connect({ servers: config.NATS_URL, user: config.NATS_USER, pass: config.NATS_PASSWORD, name: 'event-store-publisher', maxFrameBytes: config.LH_MAX_FRAME_BYTES, metrics });
      // The whole-log verification while serving (the file engine's): read-only, at most one at a time (see ChainVerifier).
      const keyring = keyringFrom(config);
      const verifier = backend !== 'file' ? undefined : new ChainVerifier({
        run: () => verifyLog(eventDirOf(config), keyring, { checkpointPath: config.LH_EVENT_CHECKPOINT_PATH }),
        minIntervalMs: config.LH_EVENT_VERIFY_MIN_INTERVAL_S * 1000,
        onVerdict: (ok) => {
          metrics.eventChainVerified.set(ok ? 1 : 0);
          if (!ok) logger.error('the event log failed verification while serving (see GET /console/api/chain)');
        },
      });
      void verifier?.verifyNow().catch((error: Error) => logger.warn({ err: error }, 'verification could not run'));
      if (verifier && config.LH_EVENT_VERIFY_INTERVAL_S > 0) {
        setInterval(() => void verifier.verifyNow().catch((error: Error) => logger.warn({ err: error }, 'verification could not run')), config.LH_EVENT_VERIFY_INTERVAL_S * 1000).unref();
      }
      return AppModule.register(log, bus, logger, verifier);
    },
  });
}
