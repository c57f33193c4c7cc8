import type { VerifyReport } from '../verify';
import type { RecordStore, RecordToAppend } from './record-store.port';
import { defaultCheckpointPath, encodeCheckpoint } from '../checkpoint';
import { InvalidInputError } from '../errors/invalid-input.error';
import { LogCorruptedError } from '../errors/log-corrupted.error';
import { nodeFileSystem } from '../fs-port';
import { Keyring, type KeyringInput } from '../keyring';
import { scanLog } from '../log-scanner';
import { RECORD_HEADER_BYTES, writeRecord } from '../record-codec';
import { verifyRecordStore } from './replicated-verify';

/** The outcome of a copy: what the source held, and the verification of the copy. */
export interface CopyReport {
  copied: number;
  source: { lastSequence: number; chainHead: string };
  target: VerifyReport;
  /** True when the copy verifies and ends at the source's sequence with the source's chain head. */
  ok: boolean;
}

/**
 * Copies a file log into an empty replicated store record for record (same bytes, same key ids,
 * same HMACs), then verifies the copy on the other side and compares its head with the source's.
 * The source is verified first and must be intact; it is never changed. The records are held in
 * memory while copying (about the size of the log).
 */
export async function copyFileLogToStore(
  dir: string,
  keyringInput: KeyringInput | Keyring,
  store: RecordStore,
  options: { checkpointPath?: string; chunk?: number } = {},
): Promise<CopyReport> {
  const keyring = Keyring.from(keyringInput);
  if ((await store.lastSequence()) !== 0) throw new InvalidInputError(`${store.name} is not empty: a copy goes into an empty store only`);
  const records: RecordToAppend[] = [];
  const scan = await scanLog({ dir, checkpointPath: options.checkpointPath ?? defaultCheckpointPath(dir), keyring, fs: nodeFileSystem }, (record) => {
    const bytes = Buffer.alloc(RECORD_HEADER_BYTES + record.payload.length);
    writeRecord(bytes, 0, record.keyId, record.hmac, record.payload);
    records.push({ id: record.hmac.toString('hex'), bytes });
  });
  const errors = scan.problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0) throw new LogCorruptedError(errors);
  const chunk = options.chunk ?? 500;
  for (let start = 0; start < records.length; start += chunk) {
    await store.append(records.slice(start, start + chunk), { sequence: start, id: start === 0 ? '' : (records[start - 1] as RecordToAppend).id });
  }
  await store.writeCheckpoint(encodeCheckpoint(keyring, scan.lastSequence, scan.chainHead));
  const target = await verifyRecordStore(store, keyring);
  const source = { lastSequence: scan.lastSequence, chainHead: scan.chainHead.toString('hex') };
  const ok = target.ok && target.lastSequence === source.lastSequence && target.chainHead === source.chainHead;
  return { copied: records.length, source, target, ok };
}
