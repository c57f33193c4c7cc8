import 'reflect-metadata';
import { NatsBus, runNatsService } from '@lighthouse/transport';
import { AppModule } from './app.module';
import { followerSnapshotShape } from '@lighthouse/config';
import { delegationRetentionShape, delegationRouterConfigShape } from './delegation-router.config';
import { messagesConfigShape } from './messages/messages.config';
import { reservationsConfigShape } from './reservations/reservations.config';

void runNatsService({
  service: 'delegation-router',
  shape: { ...delegationRouterConfigShape, ...delegationRetentionShape, ...followerSnapshotShape, ...reservationsConfigShape, ...messagesConfigShape },
  module: async (config, { logger, metrics }) => {
    const bus = await NatsBus.connect({ servers: config.NATS_URL, user: config.NATS_USER, pass: config.NATS_PASSWORD, name: 'delegation-router', maxFrameBytes: config.LH_MAX_FRAME_BYTES, metrics });
    return AppModule.register({ config, bus, logger, metrics });
  },
});
