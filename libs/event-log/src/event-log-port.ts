import type { LogHead, ReadQuerySchema, ReadResult } from '@lighthouse/contracts';
import type { z } from 'zod';
import type { AppendInput, AppendOutcome } from './append-types';

/** A read query as callers write it: `fromSequence` and `limit` may be left to their defaults. */
export type ReadQueryInput = z.input<typeof ReadQuerySchema>;

/**
 * What the event store needs of a log, whichever engine holds it: the file engine
 * ({@link EventLog}) or a replicated one ({@link ReplicatedLog}).
 */
export interface EventLogPort {
  /** Resolves once the events are durable; a wrong expected version resolves as a conflict value. */
  append(input: AppendInput): Promise<AppendOutcome>;
  /** Events by sequence range and filters, each verified against the chain as it is read. */
  read(query?: ReadQueryInput): Promise<ReadResult>;
  head(): LogHead;
  streamVersion(stream: string): number;
  /** True once the log stopped taking appends until a restart. */
  readonly halted: boolean;
  close(): Promise<void>;
}
