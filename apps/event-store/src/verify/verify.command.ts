import { loadConfig } from '@lighthouse/config';
import { formatVerifyReport, verifyLog } from '@lighthouse/event-log';
import { eventStoreConfigShape, keyringFrom } from '../event-store.config';

/**
 * `event-store verify [dir]`: checks a whole log directory (chain, records, checkpoint) without
 * changing it, prints what it found, and exits 0 when the log is intact, 1 otherwise.
 */
export async function runVerify(dir: string | undefined): Promise<number> {
  const config = loadConfig(eventStoreConfigShape, dir ? { ...process.env, LH_EVENT_DIR: dir } : process.env);
  const report = await verifyLog(config.LH_EVENT_DIR, keyringFrom(config), { checkpointPath: config.LH_EVENT_CHECKPOINT_PATH });
  process.stdout.write(`${formatVerifyReport(report)}\n`);
  return report.ok ? 0 : 1;
}
