import { LighthouseError } from '@lighthouse/contracts';
import type { LogProblem } from '../log-problem';

/** The segments disagree with the signed checkpoint: the log was rolled back or truncated. */
export class LogRolledBackError extends LighthouseError {
  constructor(
    readonly problem: LogProblem,
    options?: { cause?: unknown },
  ) {
    super('STORE_UNAVAILABLE', `event log rolled back or truncated: ${problem.message}`, options);
    this.name = 'LogRolledBackError';
  }
}
