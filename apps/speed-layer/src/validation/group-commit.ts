/** Bounds of one group: how many entries and how many encoded bytes it may hold. */
export interface GroupLimits {
  maxEntries: number;
  maxBytes: number;
  /** Groups sent and not yet acknowledged at most; more wait for one of them to settle. */
  maxInFlight: number;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

interface Group {
  parts: Uint8Array[];
  bytes: number;
  waiters: Waiter[];
}

/**
 * Group commit of encoded entries: each `add` resolves once the group that carries it has been
 * acknowledged by `send` (and rejects with its error when it fails: nothing is acknowledged for a
 * group that was not). Entries that arrive while a group is on its way form the next one, which
 * leaves as soon as a slot is free; one entry alone leaves on the next turn of the event loop, so
 * an uncontended caller waits one round trip, and a busy one shares its round trip with the rest.
 */
export class GroupCommit {
  private open: Group = emptyGroup();
  private readonly ready: Group[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly send: (parts: readonly Uint8Array[]) => Promise<void>,
    private readonly limits: GroupLimits,
  ) {}

  /** Resolves once `entry` is in an acknowledged group. */
  add(entry: Uint8Array): Promise<void> {
    if (entry.length > this.limits.maxBytes) return Promise.reject(new RangeError(`an entry of ${entry.length} bytes exceeds the ${this.limits.maxBytes} byte group limit`));
    if (this.open.parts.length >= this.limits.maxEntries || this.open.bytes + entry.length > this.limits.maxBytes) this.seal();
    return new Promise<void>((resolve, reject) => {
      this.open.parts.push(entry);
      this.open.bytes += entry.length;
      this.open.waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Groups sent or waiting to be (for metrics and shutdown). */
  get pending(): number {
    return this.inFlight + this.ready.length + (this.open.parts.length > 0 ? 1 : 0);
  }

  private seal(): void {
    if (this.open.parts.length === 0) return;
    this.ready.push(this.open);
    this.open = emptyGroup();
  }

  /** One turn of the event loop: every entry added by the messages of one socket read joins one group. */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.limits.maxInFlight) {
      if (this.ready.length === 0) this.seal();
      const group = this.ready.shift();
      if (!group) return;
      this.inFlight++;
      void this.flush(group);
    }
  }

  private async flush(group: Group): Promise<void> {
    try {
      await this.send(group.parts);
      for (const waiter of group.waiters) waiter.resolve();
    } catch (error) {
      for (const waiter of group.waiters) waiter.reject(error);
    } finally {
      this.inFlight--;
      this.pump();
    }
  }
}

function emptyGroup(): Group {
  return { parts: [], bytes: 0, waiters: [] };
}
