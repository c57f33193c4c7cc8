import type { Errno, Outcome } from '@lighthouse/shadow-fs';

/** A filesystem call refused with an errno (the FUSE binding answers it; nothing is logged). */
export class FsError extends Error {
  constructor(
    readonly errno: Errno | 'EBADF' | 'EIO' | 'ENODATA' | 'ETIMEDOUT',
    message: string = errno,
  ) {
    super(message);
    this.name = 'FsError';
  }
}

/** The value of an outcome, or its refusal thrown as an {@link FsError}. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new FsError(outcome.errno, outcome.reason);
  return outcome.value;
}
