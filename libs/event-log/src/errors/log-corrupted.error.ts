import { LighthouseError } from '@lighthouse/contracts';
import type { LogProblem } from '../log-problem';

/** Open found records that fail verification; the log refuses to serve rather than skip them. */
export class LogCorruptedError extends LighthouseError {
  constructor(
    readonly problems: readonly LogProblem[],
    options?: { cause?: unknown },
  ) {
    super('STORE_UNAVAILABLE', describe(problems), options);
    this.name = 'LogCorruptedError';
  }
}

function describe(problems: readonly LogProblem[]): string {
  const [first] = problems;
  if (!first) return 'event log is corrupted';
  const sequence = first.sequence === undefined ? '' : `, sequence ${first.sequence}`;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : '';
  return `event log is corrupted: ${first.kind} in ${first.segment} at offset ${first.offset}${sequence}: ${first.message}${more}`;
}
