import { loadConfig, natsServiceShape } from '@lighthouse/config';
import { formatVerifyReport, verifyLog, verifyRecordStore, type VerifyReport } from '@lighthouse/event-log';
import { eventDirOf, eventStoreConfigShape, keyringFrom } from '../event-store.config';
import { connectEngine } from '@lighthouse/transport';
import { openJetStreamStore } from '../open-log';

const commandShape = { ...natsServiceShape, ...eventStoreConfigShape };

/**
 * `event-store verify [dir]`: checks the whole log of the configured backend (LH_EVENT_BACKEND)
 * without changing it: a log directory (chain, records, checkpoint), or the JetStream stream
 * (every record at its sequence, the chain, the checkpoint). Prints what it found; exits 0 when
 * the log is intact, 1 otherwise.
 */
export async function runVerify(dir: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfig(commandShape, dir ? { ...env, LH_EVENT_DIR: dir } : env);
  const report = config.LH_EVENT_BACKEND === 'file' ? await verifyLog(eventDirOf(config), keyringFrom(config), { checkpointPath: config.LH_EVENT_CHECKPOINT_PATH }) : await verifyJetStream(config);
  process.stdout.write(`${formatVerifyReport(report)}\n`);
  return report.ok ? 0 : 1;
}

async function verifyJetStream(config: ReturnType<typeof loadConfig<typeof commandShape>>): Promise<VerifyReport> {
  const nc = await connectEngine(config.NATS_URL, config.NATS_USER, config.NATS_PASSWORD, 'event-store-verify');
  try {
    return await verifyRecordStore(await openJetStreamStore(nc, config), keyringFrom(config));
  } finally {
    await nc.close();
  }
}
