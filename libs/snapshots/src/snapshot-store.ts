/**
 * Where followers keep their snapshots, readable by every replica: one snapshot per key (a
 * follower kind), the newest replacing the last. The JetStream object store implements it in
 * the transport lib; {@link MemorySnapshotStore} serves tests.
 */
export interface SnapshotStore {
  /** The bytes saved under `key`, or null when there are none. */
  load(key: string): Promise<Uint8Array | null>;
  save(key: string, bytes: Uint8Array): Promise<void>;
}

/** A snapshot store in memory (tests, and a single process that wants none kept). */
export class MemorySnapshotStore implements SnapshotStore {
  private readonly saved = new Map<string, Uint8Array>();

  load(key: string): Promise<Uint8Array | null> {
    return Promise.resolve(this.saved.get(key) ?? null);
  }

  save(key: string, bytes: Uint8Array): Promise<void> {
    this.saved.set(key, Uint8Array.from(bytes));
    return Promise.resolve();
  }

  /** Replaces the stored bytes as they are (tests: a corrupted or foreign snapshot). */
  put(key: string, bytes: Uint8Array): void {
    this.saved.set(key, bytes);
  }
}
