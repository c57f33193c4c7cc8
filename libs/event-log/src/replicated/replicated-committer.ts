import type { AppendInput, AppendOutcome } from '../append-types';
import type { EventLogLogger } from '../event-log-logger';
import type { Keyring } from '../keyring';
import type { RecordStore, RecordToAppend } from './record-store.port';
import type { ReplicatedState } from './replicated-state';
import { BATCH_FULL, BatchBuilder, type BatchLimits } from '../batch-builder';
import { encodeCheckpoint } from '../checkpoint';
import { AppendFailedError } from '../errors/append-failed.error';
import { LogCorruptedError } from '../errors/log-corrupted.error';
import { StoreHaltedError } from '../errors/store-halted.error';

interface Pending {
  input: AppendInput;
  resolve(outcome: AppendOutcome): void;
  reject(error: unknown): void;
  /** When it was first offered to the store (ms), for the retry deadline. */
  since: number;
}

/** How a writer commits to the engine and waits through its failures. */
export interface ReplicatedCommitterParts {
  store: RecordStore;
  state: ReplicatedState;
  keyring: Keyring;
  limits: BatchLimits;
  clock: () => Date;
  logger: EventLogLogger;
  /** An append not committed within this long of its first try fails with STORE_UNAVAILABLE. */
  retryDeadlineMs: number;
  /** Pause between two attempts to read the store again while it does not answer. */
  retryDelayMs: number;
  /** The signed checkpoint is written to the store at most this often. */
  checkpointIntervalMs: number;
}

/**
 * Group commit onto a replicated engine: appends queue up while a batch is written; each batch is
 * one fenced append of its records (positions = sequences). When the engine refuses or fails
 * (another writer appended, a node died, a leader election), what the store holds is read again
 * (verifying each new link) and the same appends are offered again: ids that did land answer as
 * retries with their original sequences, so nothing is written twice and no chain forks.
 */
export class ReplicatedCommitter {
  private readonly queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private stale = false;
  private haltedBy: StoreHaltedError | undefined;
  private lastCheckpoint = 0;

  constructor(private readonly parts: ReplicatedCommitterParts) {}

  get halted(): boolean {
    return this.haltedBy !== undefined;
  }

  enqueue(input: AppendInput): Promise<AppendOutcome> {
    if (this.haltedBy) return Promise.reject(new StoreHaltedError(this.haltedBy.message, { cause: this.haltedBy }));
    return new Promise<AppendOutcome>((resolve, reject) => {
      this.queue.push({ input, resolve, reject, since: Date.now() });
      this.kick();
    });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async drain(): Promise<void> {
    await Promise.resolve();
    while (this.queue.length > 0 && !this.haltedBy) {
      try {
        if (this.stale && !(await this.resync())) continue;
        await this.commitNext();
      } catch (error) {
        this.halt(new StoreHaltedError('unexpected failure in the commit loop; restart required', { cause: error }));
      }
    }
  }

  /** Brings the state up to what the store holds; false (after a pause) while the store does not answer. */
  private async resync(): Promise<boolean> {
    try {
      const learned = await this.parts.state.catchUp();
      if (learned > 0) this.parts.logger.warn({ learned, lastSequence: this.parts.state.index.lastSequence }, 'read records another writer appended');
      this.stale = false;
      return true;
    } catch (error) {
      if (error instanceof LogCorruptedError) {
        this.halt(new StoreHaltedError(`the replicated log no longer verifies: ${error.message}`, { cause: error }));
        return false;
      }
      this.expire(error);
      await new Promise((resolve) => setTimeout(resolve, this.parts.retryDelayMs));
      return false;
    }
  }

  private async commitNext(): Promise<void> {
    const { state, keyring, limits, store } = this.parts;
    const builder = new BatchBuilder(state.index, keyring, limits, { segment: 0, offset: 0, time: this.parts.clock().toISOString() });
    const members: Array<{ pending: Pending; outcome: AppendOutcome }> = [];
    let taken = 0;
    for (; taken < this.queue.length; taken++) {
      const pending = this.queue[taken] as Pending;
      const admission = builder.admit(pending.input);
      if (admission === BATCH_FULL) break;
      if (admission instanceof Error) pending.reject(admission);
      else members.push({ pending, outcome: admission });
    }
    this.queue.splice(0, taken);
    if (builder.recordCount > 0) {
      try {
        await store.append(splitRecords(builder), { sequence: state.index.lastSequence, id: recordId(state.index.lastSequence, state.index.chainHead) });
      } catch (error) {
        // Unknown outcome: some records may have landed. Read the store, then offer them again.
        this.parts.logger.warn({ error: (error as Error).message, records: builder.recordCount }, 'replicated append failed; reading the store before retrying');
        this.stale = true;
        this.queue.unshift(...members.map((member) => member.pending));
        this.expire(error);
        return;
      }
      for (let i = 0; i < builder.recordCount; i++) state.addEntry(builder.entryOf(i), builder.hmacOf(i));
    } else if (members.some(({ outcome }) => outcome.result.status === 'conflict') && !(await this.stillCurrent())) {
      // A conflict judged on a state another writer has moved past may be false: judge it again.
      this.stale = true;
      this.queue.unshift(...members.map((member) => member.pending));
      return;
    }
    for (const { pending, outcome } of members) pending.resolve(outcome);
    if (builder.recordCount > 0) this.checkpointIfDue();
  }

  /**
   * True when the store ends where this writer's state does. A batch that wrote records proved it
   * by the fenced append; one that only answers conflicts asks.
   */
  private async stillCurrent(): Promise<boolean> {
    try {
      return (await this.parts.store.lastSequence()) === this.parts.state.index.lastSequence;
    } catch {
      return false;
    }
  }

  /** Fails the appends waiting longer than the deadline; the others wait for the store. */
  private expire(cause: unknown): void {
    const limit = Date.now() - this.parts.retryDeadlineMs;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      const pending = this.queue[i] as Pending;
      if (pending.since > limit) continue;
      this.queue.splice(i, 1);
      pending.reject(new AppendFailedError(`the replicated store did not take the append within ${this.parts.retryDeadlineMs} ms: ${(cause as Error).message}`, { cause }));
    }
  }

  /** The signed head, written after acknowledging (never ahead of the records); a failure is only logged. */
  private checkpointIfDue(): void {
    const now = Date.now();
    if (now - this.lastCheckpoint < this.parts.checkpointIntervalMs) return;
    this.lastCheckpoint = now;
    const { lastSequence, chainHead } = this.parts.state.position;
    this.parts.store.writeCheckpoint(encodeCheckpoint(this.parts.keyring, lastSequence, chainHead)).catch((error: unknown) => {
      this.parts.logger.warn({ error: (error as Error).message }, 'could not write the checkpoint');
    });
  }

  private halt(error: StoreHaltedError): void {
    if (!this.haltedBy) {
      this.haltedBy = error;
      this.parts.logger.error({ error: error.message }, 'replicated event log halted');
    }
    for (const pending of this.queue.splice(0)) pending.reject(new StoreHaltedError(error.message, { cause: error }));
  }
}

/** The batch's bytes cut into its records, each with its id. */
function splitRecords(builder: BatchBuilder): RecordToAppend[] {
  const bytes = builder.bytesToWrite;
  const records: RecordToAppend[] = [];
  for (let i = 0; i < builder.recordCount; i++) {
    const offset = builder.offsetOf(i);
    records.push({ id: builder.hmacOf(i).toString('hex'), bytes: Buffer.from(bytes.subarray(offset, offset + builder.sizeOf(i))) });
  }
  return records;
}

/** The id of the record at `sequence` (its HMAC's hex), '' for the empty log. */
export function recordId(sequence: number, hmac: Buffer): string {
  return sequence === 0 ? '' : hmac.toString('hex');
}
