import type { TokenClaims } from '@lighthouse/auth';

/**
 * The right of one open stream or long poll to go on. Whoever holds it registers its cleanup
 * with {@link onEnd} before anything else it awaits, so a lease ended meanwhile (the client
 * gone, the agent revoked) still runs every cleanup, exactly once.
 */
export class StreamLease {
  private reason?: string;
  private readonly cleanups: Array<() => void> = [];
  private resolveEnded: (reason: string) => void = () => undefined;
  /** Resolves with the reason once the lease has ended. */
  readonly ended = new Promise<string>((resolve) => (this.resolveEnded = resolve));

  constructor(
    readonly claims: TokenClaims,
    private readonly release: () => void,
  ) {}

  get isEnded(): boolean {
    return this.reason !== undefined;
  }

  get endReason(): string | undefined {
    return this.reason;
  }

  /** Runs `cleanup` when the lease ends, or at once when it has already ended. */
  onEnd(cleanup: () => void): void {
    if (this.reason !== undefined) runQuietly(cleanup);
    else this.cleanups.push(cleanup);
  }

  /** Ends the lease (once; later calls change nothing), releases its place and runs every cleanup. */
  end(reason: string): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.release();
    for (const cleanup of this.cleanups.splice(0)) runQuietly(cleanup);
    this.resolveEnded(reason);
  }
}

/** One failed cleanup must not keep the others from running. */
function runQuietly(cleanup: () => void): void {
  try {
    cleanup();
  } catch {
    // Cleanups close sockets and subscriptions: a failure means it was closed already.
  }
}
