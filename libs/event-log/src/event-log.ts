import { ReadQuerySchema } from '@lighthouse/contracts';
import type { LogHead, ReadResult } from '@lighthouse/contracts';
import type { AppendInput, AppendOutcome } from './append-types';
import type { EventLogOptions } from './event-log.options';
import type { EventLogPort, ReadQueryInput } from './event-log-port';
import type { LogProblem } from './log-problem';
import { describeIssues, validateAppend } from './append-validation';
import { InvalidInputError } from './errors/invalid-input.error';
import { StoreClosedError } from './errors/store-closed.error';
import { openLog, type OpenedLog } from './log-opener';

export type { ReadQueryInput } from './event-log-port';

/**
 * A durable, tamper-evident, append-only event log: HMAC-chained records in segment files,
 * group-committed and acknowledged only after fdatasync. Open it with {@link EventLog.open}.
 */
export class EventLog implements EventLogPort {
  private closing: Promise<void> | undefined;

  private constructor(private readonly log: OpenedLog) {}

  /** Verifies and recovers the directory; throws if it is corrupted or rolled back. */
  static async open(options: EventLogOptions): Promise<EventLog> {
    return new EventLog(await openLog(options));
  }

  /** What the scan at open found: repaired leftovers, or (read-only) every problem. */
  get problems(): readonly LogProblem[] {
    return this.log.problems;
  }

  /** True once an fsync failed: every append fails until the process restarts. */
  get halted(): boolean {
    return this.log.writable?.committer.halted ?? false;
  }

  /**
   * Appends events of one stream; resolves once they are fdatasynced. A conflicting
   * `expectedVersion` resolves with `status: 'conflict'`; ids already stored are not stored again.
   */
  append(input: AppendInput): Promise<AppendOutcome> {
    // Not an async function: the committer's promise is handed back as is, without a second
    // promise and its extra turns of the microtask queue per append. Errors still reject.
    try {
      const writable = this.log.writable;
      if (!writable) throw new StoreClosedError('event log is open read-only');
      if (this.closing) throw new StoreClosedError('event log is closed');
      return writable.committer.enqueue(validateAppend(input));
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Events by sequence range and filters, each verified against the chain as it is read. */
  async read(query: ReadQueryInput = {}): Promise<ReadResult> {
    const parsed = ReadQuerySchema.safeParse(query);
    if (!parsed.success) throw new InvalidInputError(`invalid read query: ${describeIssues(parsed.error)}`, { cause: parsed.error });
    return this.log.reader.read(parsed.data);
  }

  head(): LogHead {
    return { lastSequence: this.log.index.lastSequence, chainHead: this.log.index.chainHead.toString('hex') };
  }

  /** Number of committed events in `stream` (0 when it has none). */
  streamVersion(stream: string): number {
    return this.log.index.streamVersion(stream);
  }

  /** Lets queued and in-flight batches finish, then fsyncs the checkpoint and closes files. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    const writable = this.log.writable;
    const steps: Array<() => Promise<void>> = writable
      ? [() => writable.committer.idle(), () => writable.compressor.idle(), () => writable.checkpoint.close(), () => writable.writer.close()]
      : [];
    steps.push(() => this.log.reader.close(), () => this.log.segments.close());
    const failures: unknown[] = [];
    for (const step of steps) await step().catch((error: unknown) => failures.push(error));
    if (failures.length > 0) throw failures[0];
  }
}
