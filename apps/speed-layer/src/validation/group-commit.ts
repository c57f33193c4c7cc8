/** Bounds of one group: how many entries and how many encoded bytes it may hold. */
export interface GroupLimits {
  maxEntries: number;
  maxBytes: number;
  /** Groups sent and not yet acknowledged at most; more wait for one of them to settle. */
  maxInFlight: number;
}

/** One group: its entries, and the one promise every `add` of them returns (no closure or waiter per entry). */
interface Group {
  parts: Uint8Array[];
  bytes: number;
  acknowledged: Promise<void>;
  resolve(): void;
  reject(error: unknown): void;
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
    const group = this.open;
    group.parts.push(entry);
    group.bytes += entry.length;
    this.schedule();
    return group.acknowledged;
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
      group.resolve();
    } catch (error) {
      group.reject(error);
    } finally {
      this.inFlight--;
      this.pump();
    }
  }
}

function emptyGroup(): Group {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const acknowledged = new Promise<void>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  // Every caller of `add` awaits the group's promise; this only keeps a failed group that lost
  // all its callers' interest from counting as an unhandled rejection.
  acknowledged.catch(() => undefined);
  return { parts: [], bytes: 0, acknowledged, resolve, reject };
}
