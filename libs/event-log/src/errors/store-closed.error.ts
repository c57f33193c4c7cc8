import { LighthouseError } from '@lighthouse/contracts';

/** The log is closed, or was opened read-only, so it takes no appends. */
export class StoreClosedError extends LighthouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('STORE_UNAVAILABLE', message, options);
    this.name = 'StoreClosedError';
  }
}
