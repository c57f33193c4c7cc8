import { EventLog, ReplicatedLog, type EventLogLogger, type EventLogPort } from '@lighthouse/event-log';
import { eventDirOf, keyringFrom, type EventStoreConfig } from './event-store.config';
import { connectEngine, JetStreamRecordStore, type EngineConnection } from '@lighthouse/transport';

/** The log the store serves and what to close after it. */
export interface OpenedEventLog {
  log: EventLogPort;
  backend: EventStoreConfig['LH_EVENT_BACKEND'];
  close(): Promise<void>;
}

type LogConfig = Pick<
  EventStoreConfig,
  'LH_EVENT_BACKEND' | 'LH_EVENT_DIR' | 'LH_EVENT_STREAM' | 'LH_EVENT_REPLICAS' | 'LH_EVENT_HMAC_KEYS' | 'LH_EVENT_ACTIVE_KEY_ID' | 'LH_EVENT_CHECKPOINT_PATH' | 'LH_EVENT_SEGMENT_BYTES'
> & { NATS_URL: string; NATS_USER?: string; NATS_PASSWORD?: string };

/** Opens (and verifies) the configured backend: the file engine, or the replicated log on JetStream. */
export async function openEventLog(config: LogConfig, limits: { maxEventBytes: number; maxReadBytes: number }, logger: EventLogLogger): Promise<OpenedEventLog> {
  const keyring = keyringFrom(config);
  if (config.LH_EVENT_BACKEND === 'file') {
    const log = await EventLog.open({ dir: eventDirOf(config), keyring, checkpointPath: config.LH_EVENT_CHECKPOINT_PATH, segmentBytes: config.LH_EVENT_SEGMENT_BYTES, logger, ...limits });
    return { log, backend: 'file', close: () => log.close() };
  }
  const nc = await connectEngine(config.NATS_URL, config.NATS_USER, config.NATS_PASSWORD, 'event-store-engine');
  try {
    const store = await openJetStreamStore(nc, config, logger);
    const log = await ReplicatedLog.open({ store, keyring, logger, ...limits });
    return { log, backend: 'jetstream', close: () => log.close().finally(() => nc.drain()) };
  } catch (error) {
    await nc.close();
    throw error;
  }
}

export function openJetStreamStore(nc: EngineConnection, config: Pick<EventStoreConfig, 'LH_EVENT_STREAM' | 'LH_EVENT_REPLICAS'>, logger?: EventLogLogger): Promise<JetStreamRecordStore> {
  return JetStreamRecordStore.open(nc, { stream: config.LH_EVENT_STREAM, replicas: config.LH_EVENT_REPLICAS, ...(logger ? { logger } : {}) });
}
