/** What kind of damage a scan of the log directory found. */
export type LogProblemKind =
  | 'hmac_mismatch'
  | 'torn_tail'
  | 'sequence_gap'
  | 'bad_length'
  | 'bad_payload'
  | 'unknown_key'
  | 'truncated_segment'
  | 'missing_segment'
  | 'unreadable_segment'
  | 'leftover_temp'
  | 'duplicate_segment'
  | 'checkpoint_missing'
  | 'checkpoint_forged'
  | 'checkpoint_mismatch';

/**
 * `recoverable` problems are the expected leftovers of a crash (a torn last record, an
 * interrupted compression) that opening the log repairs; `error` problems make open refuse.
 */
export type LogProblemSeverity = 'error' | 'recoverable';

/** One finding of a scan, located by file name and byte offset (0 when not about a record). */
export interface LogProblem {
  kind: LogProblemKind;
  severity: LogProblemSeverity;
  segment: string;
  offset: number;
  sequence?: number;
  message: string;
}
