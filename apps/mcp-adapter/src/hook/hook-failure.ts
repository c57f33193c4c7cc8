import type { ErrorCode } from '@lighthouse/contracts';

/**
 * Why the hook has no decision, with a stable code. The hook's own error: the contracts'
 * LighthouseError would bring zod into a process that starts once per tool call.
 */
export class HookFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HookFailure';
  }
}
