import { LighthouseError } from '@lighthouse/contracts';

/** An event (or one append) is larger than the log accepts; nothing of it was written. */
export class EventTooLargeError extends LighthouseError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('PAYLOAD_TOO_LARGE', message, options);
    this.name = 'EventTooLargeError';
  }
}
