import type { Keyring } from '../keyring';
import type { LogProblem } from '../log-problem';
import type { VerifyReport } from '../verify';
import type { RecordStore } from './record-store.port';
import { decodeCheckpoint } from '../checkpoint';
import { GENESIS_HMAC, sameHmac } from '../record-codec';
import { Keyring as KeyringClass, type KeyringInput } from '../keyring';
import { walkChain } from './chain-position';

/**
 * Checks a whole replicated log without changing it: every record at the position of its
 * sequence, each HMAC over its predecessor's, and the signed checkpoint on the chain. An edited,
 * removed or reordered record, a truncated tail or a forged checkpoint is reported.
 */
export async function verifyRecordStore(store: RecordStore, keyringInput: KeyringInput | Keyring): Promise<VerifyReport> {
  const keyring = KeyringClass.from(keyringInput);
  let records = 0;
  let headAt: { sequence: number; hmac: Buffer } | undefined;
  const checkpointBytes = await store.readCheckpoint();
  const checkpoint = checkpointBytes === undefined ? undefined : decodeCheckpoint(keyring, Buffer.from(checkpointBytes));
  const wanted = typeof checkpoint === 'object' ? checkpoint.lastSequence : -1;
  const { position, problem } = await walkChain(store, keyring, { lastSequence: 0, chainHead: GENESIS_HMAC }, (record) => {
    records += 1;
    if (record.sequence === wanted) headAt = { sequence: record.sequence, hmac: record.hmac };
  });
  const problems: LogProblem[] = problem ? [problem] : [];
  const where = { severity: 'error' as const, segment: `${store.name} checkpoint`, offset: 0 };
  if (typeof checkpoint === 'string') problems.push({ ...where, kind: 'checkpoint_forged', message: checkpoint });
  else if (checkpoint && checkpoint.lastSequence > 0 && !problem) {
    if (!headAt || !sameHmac(headAt.hmac, checkpoint.chainHead)) {
      problems.push({ ...where, kind: 'checkpoint_mismatch', sequence: checkpoint.lastSequence, message: `the checkpoint is at sequence ${checkpoint.lastSequence}; the log ends at ${position.lastSequence} or differs there: rolled back or truncated` });
    }
  }
  return { ok: problems.length === 0, segments: 1, records, lastSequence: position.lastSequence, chainHead: position.chainHead.toString('hex'), problems };
}
