import { AppendRequestSchema, ReadQuerySchema } from '@lighthouse/contracts';
import type { LogHead, ReadResult } from '@lighthouse/contracts';
import type { z } from 'zod';
import type { AppendInput, AppendOutcome } from './append-types';
import type { EventLogOptions } from './event-log.options';
import type { LogProblem } from './log-problem';
import { quickCheckedAppend } from './append-check';
import { InvalidInputError } from './errors/invalid-input.error';
import { StoreClosedError } from './errors/store-closed.error';
import { openLog, type OpenedLog } from './log-opener';

/** A read query as callers write it: `fromSequence` and `limit` may be left to their defaults. */
export type ReadQueryInput = z.input<typeof ReadQuerySchema>;

/**
 * A durable, tamper-evident, append-only event log: HMAC-chained records in segment files,
 * group-committed and acknowledged only after fdatasync. Open it with {@link EventLog.open}.
 */
export class EventLog {
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

function validateAppend(input: AppendInput): AppendInput {
  const checked = quickCheckedAppend(input) ?? parseAppend(input);
  const { events } = checked;
  if (events.length === 1) return checked;
  const stream = events[0]?.stream;
  if (events.some((event) => event.stream !== stream)) {
    throw new InvalidInputError('all events of one append must belong to the same stream');
  }
  if (new Set(events.map((event) => event.id)).size !== events.length) {
    throw new InvalidInputError('an append must not carry the same event id twice');
  }
  return checked;
}

/** The schema's verdict (and its words) on what the quick check was not sure of. */
function parseAppend(input: AppendInput): AppendInput {
  const parsed = AppendRequestSchema.safeParse(input);
  if (!parsed.success) throw new InvalidInputError(`invalid append: ${describeIssues(parsed.error)}`, { cause: parsed.error });
  return parsed.data;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}
