import type { Snapshottable } from './follower-snapshots';

/** One part of a follower's state: what a projection class offers (its layout version is the composite's). */
export interface SnapshotPart {
  snapshot(): unknown;
  restore(state: unknown): void;
}

/**
 * Several projections fed by one follower, as one snapshot: `{ <name>: <part's state> }`. All or
 * nothing: when a part refuses its state, the parts restored before it are put back as they were.
 */
export class CompositeSnapshot implements Snapshottable {
  constructor(
    readonly stateVersion: number,
    private readonly parts: Readonly<Record<string, SnapshotPart>>,
  ) {}

  snapshot(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.parts).map(([name, part]) => [name, part.snapshot()]));
  }

  restore(state: unknown): void {
    if (state === null || typeof state !== 'object') throw new Error('not a composite snapshot');
    const missing = Object.keys(this.parts).filter((name) => !(name in state));
    if (missing.length > 0) throw new Error(`the snapshot lacks ${missing.join(', ')}`);
    const done: Array<[SnapshotPart, unknown]> = [];
    try {
      for (const [name, part] of Object.entries(this.parts)) {
        const before = part.snapshot();
        part.restore((state as Record<string, unknown>)[name]);
        done.push([part, before]);
      }
    } catch (error) {
      for (const [part, before] of done.reverse()) part.restore(before);
      throw error;
    }
  }
}
