import type { AppendRequest, AppendResult, EventEnvelope } from '@lighthouse/contracts';

/** One call to `EventLog.append`: events of a single stream, optionally guarded by `expectedVersion`. */
export type AppendInput = AppendRequest;

/** The answer to an append, with the envelopes it newly made durable (for publishing). */
export interface AppendOutcome {
  result: AppendResult;
  /** Envelopes written by this call; empty for a conflict or a pure retry of stored ids. */
  committed: EventEnvelope[];
}
