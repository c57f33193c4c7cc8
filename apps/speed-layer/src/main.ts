import 'reflect-metadata';
import { NatsBus, runNatsService } from '@lighthouse/transport';
import { Redis } from 'ioredis';
import { AppModule } from './app.module';
import { followerSnapshotShape } from '@lighthouse/config';
import { speedLayerConfigShape } from './speed-layer.config';

void runNatsService({
  service: 'speed-layer',
  shape: { ...speedLayerConfigShape, ...followerSnapshotShape },
  module: async (config, { logger, metrics }) => {
    const bus = await NatsBus.connect({ servers: config.NATS_URL, user: config.NATS_USER, pass: config.NATS_PASSWORD, name: 'speed-layer', maxFrameBytes: config.LH_MAX_FRAME_BYTES, metrics });
    // Redis only shares expert rulings: a slow or absent Redis must never hold a validation up.
    const redis = new Redis(config.REDIS_URL, { enableOfflineQueue: false, commandTimeout: 50, maxRetriesPerRequest: 0, lazyConnect: false });
    redis.on('error', () => undefined);
    return AppModule.register({ config, bus, redis, logger, metrics });
  },
});
