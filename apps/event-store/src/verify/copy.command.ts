import { loadConfig, natsServiceShape } from '@lighthouse/config';
import { copyFileLogToStore, formatVerifyReport } from '@lighthouse/event-log';
import { eventStoreConfigShape, keyringFrom } from '../event-store.config';
import { connectEngine } from '@lighthouse/transport';
import { openJetStreamStore } from '../open-log';

/**
 * `event-store copy-to-jetstream <dir>`: copies the file log in `dir` (verified first, never
 * changed) into the empty JetStream stream LH_EVENT_STREAM, record for record, then verifies the
 * copy there and compares its last sequence and chain head with the source's. Exits 0 only when
 * the copy is complete and verified.
 */
export async function runCopyToJetStream(dir: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (!dir) throw new Error('usage: event-store copy-to-jetstream <file log directory>');
  const config = loadConfig({ ...natsServiceShape, ...eventStoreConfigShape }, { ...env, LH_EVENT_BACKEND: 'jetstream', LH_EVENT_DIR: dir });
  const nc = await connectEngine(config.NATS_URL, config.NATS_USER, config.NATS_PASSWORD, 'event-store-copy');
  try {
    const store = await openJetStreamStore(nc, config);
    const report = await copyFileLogToStore(dir, keyringFrom(config), store, { checkpointPath: config.LH_EVENT_CHECKPOINT_PATH });
    process.stdout.write(`copied ${report.copied} record(s) from ${dir} to ${store.name}\n`);
    process.stdout.write(`source: last sequence ${report.source.lastSequence}, chain head ${report.source.chainHead}\n`);
    process.stdout.write(`${formatVerifyReport(report.target)}\n`);
    process.stdout.write(report.ok ? 'copy verified: same last sequence and chain head\n' : 'copy FAILED verification\n');
    return report.ok ? 0 : 1;
  } finally {
    await nc.close();
  }
}
