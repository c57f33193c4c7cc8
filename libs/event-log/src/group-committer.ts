import type { AppendInput, AppendOutcome } from './append-types';
import type { CheckpointFile } from './checkpoint';
import type { EventLogLogger } from './event-log-logger';
import type { FaultHook } from './fault-point';
import type { Keyring } from './keyring';
import type { LogIndex } from './log-index';
import type { SegmentWriter } from './segment-writer';
import { BATCH_FULL, BatchBuilder, type BatchLimits } from './batch-builder';
import { StoreHaltedError } from './errors/store-halted.error';

interface Pending {
  input: AppendInput;
  resolve(outcome: AppendOutcome): void;
  reject(error: unknown): void;
  /** Set when a batch admits the append: what its promise settles with once the batch is durable. */
  outcome?: AppendOutcome;
}

/** What the committer drives. */
export interface GroupCommitterParts {
  index: LogIndex;
  keyring: Keyring;
  writer: SegmentWriter;
  checkpoint: CheckpointFile;
  limits: BatchLimits & { segmentBytes: number };
  clock: () => Date;
  logger: EventLogLogger;
  hook: FaultHook | undefined;
  /** Called after a rotation with the index of the sealed segment and of the new active one. */
  onRotated(sealed: number, active: number): void;
}

/**
 * Group commit: appends queue up while a batch is written and fdatasynced; the next batch takes
 * everything queued meanwhile (up to the batch byte limit). A promise settles only after its
 * batch is on disk, or failed. After a failed fsync the committer halts for good.
 */
export class GroupCommitter {
  private readonly queue: Pending[] = [];
  private running: Promise<void> | undefined;
  private haltedBy: StoreHaltedError | undefined;

  constructor(private readonly parts: GroupCommitterParts) {}

  get halted(): boolean {
    return this.haltedBy !== undefined;
  }

  /** Queues an append; settles once its batch is durable (or failed). */
  enqueue(input: AppendInput): Promise<AppendOutcome> {
    if (this.haltedBy) return Promise.reject(this.haltError());
    return new Promise<AppendOutcome>((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when the queue is empty and no batch is in flight. */
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
    // Let appends issued in the same tick join the first batch.
    await Promise.resolve();
    while (this.queue.length > 0) {
      if (this.haltedBy) return this.rejectQueued();
      try {
        await this.commitNext();
      } catch (error) {
        this.halt(new StoreHaltedError('unexpected failure in the commit loop; restart required', { cause: error }));
      }
    }
  }

  private async commitNext(): Promise<void> {
    const { writer } = this.parts;
    const builder = new BatchBuilder(this.parts.index, this.parts.keyring, this.parts.limits, {
      segment: writer.segment,
      offset: writer.bytes,
      time: this.parts.clock().toISOString(),
    });
    const members = this.admit(builder);
    try {
      await this.commit(builder, members);
    } catch (error) {
      // Settled promises ignore this; it only frees callers an unexpected failure left waiting.
      for (const member of members) member.reject(error);
      throw error;
    }
  }

  private async commit(builder: BatchBuilder, members: Pending[]): Promise<void> {
    if (builder.recordCount === 0) return settle(members);
    try {
      await this.parts.writer.append(builder.bytesToWrite);
    } catch (error) {
      if (error instanceof StoreHaltedError) this.halt(error);
      for (const member of members) member.reject(error);
      return;
    }
    this.parts.hook?.('after-fsync-before-ack');
    builder.addToIndex(this.parts.index);
    settle(members);
    await this.afterBatch();
  }

  private admit(builder: BatchBuilder): Pending[] {
    const members: Pending[] = [];
    const { queue } = this;
    // Consumed by index and removed in one splice: a shift() per append moves the whole queue.
    let taken = 0;
    for (; taken < queue.length; taken++) {
      const pending = queue[taken] as Pending;
      const admission = builder.admit(pending.input);
      if (admission === BATCH_FULL) break;
      if (admission instanceof Error) {
        pending.reject(admission);
        continue;
      }
      pending.outcome = admission;
      members.push(pending);
    }
    queue.splice(0, taken);
    return members;
  }

  /** Checkpoint and rotation: the batch is acknowledged already, so failures here only halt. */
  private async afterBatch(): Promise<void> {
    const { index, checkpoint, writer } = this.parts;
    try {
      await checkpoint.write(index.lastSequence, index.chainHead);
      await checkpoint.syncIfDue();
    } catch (error) {
      return this.halt(new StoreHaltedError('checkpoint update failed; restart required', { cause: error }));
    }
    if (writer.bytes >= this.parts.limits.segmentBytes) await this.rotate();
  }

  private async rotate(): Promise<void> {
    try {
      await this.parts.checkpoint.sync();
      const sealed = await this.parts.writer.rotate();
      this.parts.onRotated(sealed, this.parts.writer.segment);
    } catch (error) {
      // The current segment is intact; keep appending to it and try again after the next batch.
      this.parts.logger.error({ error: (error as Error).message }, 'segment rotation failed');
    }
  }

  private halt(error: StoreHaltedError): void {
    if (!this.haltedBy) {
      this.haltedBy = error;
      this.parts.logger.error({ error: error.message, cause: String(error.cause) }, 'event log halted');
    }
    this.rejectQueued();
  }

  private rejectQueued(): void {
    for (const pending of this.queue.splice(0)) pending.reject(this.haltError());
  }

  private haltError(): StoreHaltedError {
    return new StoreHaltedError(this.haltedBy?.message ?? 'store halted', { cause: this.haltedBy });
  }
}

function settle(members: Pending[]): void {
  for (const member of members) member.resolve(member.outcome as AppendOutcome);
}
