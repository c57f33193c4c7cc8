import type { LogHead, ReadResult } from '@lighthouse/contracts';
import { ReadQuerySchema } from '@lighthouse/contracts';
import type { AppendInput, AppendOutcome } from '../append-types';
import type { EventLogLogger } from '../event-log-logger';
import type { EventLogPort, ReadQueryInput } from '../event-log-port';
import type { RecordStore } from './record-store.port';
import { consoleLogger } from '../event-log-logger';
import { decodeCheckpoint } from '../checkpoint';
import { InvalidInputError } from '../errors/invalid-input.error';
import { LogRolledBackError } from '../errors/log-rolled-back.error';
import { LogCorruptedError } from '../errors/log-corrupted.error';
import { StoreClosedError } from '../errors/store-closed.error';
import { describeIssues, validateAppend } from '../append-validation';
import { Keyring, type KeyringInput } from '../keyring';
import { LogReader } from '../log-reader';
import { sameHmac } from '../record-codec';
import { ReplicatedCommitter } from './replicated-committer';
import { ReplicatedState } from './replicated-state';

/** How to open the log on a replicated engine. Only `store` and `keyring` are required. */
export interface ReplicatedLogOptions {
  store: RecordStore;
  keyring: KeyringInput | Keyring;
  /** Largest encoded event accepted (default 1 MiB; keep the record under the engine's message limit). */
  maxEventBytes?: number;
  /** Upper bound of one group commit (default 4 MiB). */
  maxBatchBytes?: number;
  /** Byte budget of one read page (default 960 KiB). */
  maxReadBytes?: number;
  /** An append the engine has not taken within this long fails with STORE_UNAVAILABLE (default 10 s). */
  retryDeadlineMs?: number;
  /** Pause between two reads of a store that does not answer (default 200 ms). */
  retryDelayMs?: number;
  /** How often the signed checkpoint is written at most (default 1000 ms). */
  checkpointIntervalMs?: number;
  /** How long `open` keeps reading a chain whose read stops short (an engine node lost) before it gives up (default 60 s). */
  openRetryDeadlineMs?: number;
  logger?: EventLogLogger;
  clock?: () => Date;
}

/**
 * The event log on a replicated engine (JetStream): the same records, chain, key ids, checkpoint,
 * expected versions and idempotent ids as the file engine, one record per engine message at the
 * position of its sequence. Any number of processes may open it; appends are fenced by the
 * engine's last position, so a second writer's append fails and is retried after reading what
 * the first one wrote: the chain never forks.
 */
export class ReplicatedLog implements EventLogPort {
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly state: ReplicatedState,
    private readonly committer: ReplicatedCommitter,
    private readonly reader: LogReader,
  ) {}

  /** Reads and verifies the whole chain and its checkpoint; throws if it is corrupted or rolled back. */
  static async open(options: ReplicatedLogOptions): Promise<ReplicatedLog> {
    const keyring = Keyring.from(options.keyring);
    const maxEventBytes = options.maxEventBytes ?? 1024 * 1024;
    const maxBatchBytes = Math.max(options.maxBatchBytes ?? 4 * 1024 * 1024, maxEventBytes + 64);
    const state = new ReplicatedState(options.store, keyring);
    // The checkpoint first: live writers keep moving it, but never past what the store holds, so
    // the store read after it must reach it.
    const checkpoint = await options.store.readCheckpoint();
    await catchUpPatiently(state, options.openRetryDeadlineMs ?? 60_000, checkpointSequence(checkpoint, keyring), options.logger ?? consoleLogger);
    checkCheckpoint(options.store.name, checkpoint, keyring, state);
    const committer = new ReplicatedCommitter({
      store: options.store,
      state,
      keyring,
      limits: { maxEventBytes, maxBatchBytes },
      clock: options.clock ?? (() => new Date()),
      logger: options.logger ?? consoleLogger,
      retryDeadlineMs: options.retryDeadlineMs ?? 10_000,
      retryDelayMs: options.retryDelayMs ?? 100,
      checkpointIntervalMs: options.checkpointIntervalMs ?? 1000,
    });
    return new ReplicatedLog(state, committer, new LogReader(state.index, state, options.maxReadBytes ?? 960 * 1024));
  }

  get halted(): boolean {
    return this.committer.halted;
  }

  append(input: AppendInput): Promise<AppendOutcome> {
    try {
      if (this.closing) throw new StoreClosedError('event log is closed');
      return this.committer.enqueue(validateAppend(input));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Events by sequence range and filters, each verified against the chain as it is read. */
  async read(query: ReadQueryInput = {}): Promise<ReadResult> {
    const parsed = ReadQuerySchema.safeParse(query);
    if (!parsed.success) throw new InvalidInputError(`invalid read query: ${describeIssues(parsed.error)}`, { cause: parsed.error });
    return this.reader.read(parsed.data);
  }

  /** What this writer has seen: another writer may have appended since (it is read on the next append). */
  head(): LogHead {
    return { lastSequence: this.state.index.lastSequence, chainHead: this.state.index.chainHead.toString('hex') };
  }

  streamVersion(stream: string): number {
    return this.state.index.streamVersion(stream);
  }

  /** Lets queued batches finish. The store's connection is closed by whoever opened it. */
  close(): Promise<void> {
    this.closing ??= this.committer.idle();
    return this.closing;
  }
}

/** The signed checkpoint must lie on the chain: a log that ends before it, or differs at it, was rolled back. */
function checkCheckpoint(storeName: string, bytes: Uint8Array | undefined, keyring: Keyring, state: ReplicatedState): void {
  if (bytes === undefined) return;
  const checkpoint = decodeCheckpoint(keyring, Buffer.from(bytes));
  const where = { severity: 'error' as const, segment: storeName, offset: 0 };
  if (typeof checkpoint === 'string') throw new LogCorruptedError([{ ...where, kind: 'checkpoint_forged', message: checkpoint }]);
  const { lastSequence } = state.index;
  if (checkpoint.lastSequence > lastSequence || !sameHmac(state.hmacAt(checkpoint.lastSequence), checkpoint.chainHead)) {
    throw new LogRolledBackError({ ...where, kind: 'checkpoint_mismatch', sequence: checkpoint.lastSequence, message: `the checkpoint is at sequence ${checkpoint.lastSequence}, the store ends at ${lastSequence} or differs there` });
  }
}

/**
 * The first read of the whole chain, tried again while it stops short (an engine node lost, a
 * leader election: the store answers part of what it holds) until `deadlineMs`; what was read
 * stays read. A link that does not verify is corruption, never retried.
 */
async function catchUpPatiently(state: ReplicatedState, deadlineMs: number, checkpointAt: number, logger: EventLogLogger): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    let error: unknown;
    try {
      await state.catchUp();
      // The signed checkpoint says records up to it were acknowledged: a store that answers with
      // less right after a node was lost (an engine node answering before it has caught up) is
      // read again until the deadline; only then is it a rollback (checkCheckpoint).
      if (state.index.lastSequence >= checkpointAt || Date.now() + delay > deadline) return;
    } catch (failure) {
      if (failure instanceof LogCorruptedError || Date.now() + delay > deadline) throw failure;
      error = failure;
    }
    logger.warn({ readTo: state.index.lastSequence, checkpointAt, error: error === undefined ? undefined : (error as Error).message }, 'opening: the store read stopped short; reading again');
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** The sequence the signed checkpoint vouches for (0 when there is none or it does not verify: checkCheckpoint says why). */
function checkpointSequence(bytes: Uint8Array | undefined, keyring: Keyring): number {
  if (bytes === undefined) return 0;
  const checkpoint = decodeCheckpoint(keyring, Buffer.from(bytes));
  return typeof checkpoint === 'string' ? 0 : checkpoint.lastSequence;
}
