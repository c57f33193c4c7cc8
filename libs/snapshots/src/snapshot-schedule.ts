/** When a follower writes a snapshot: after this many events applied, or this long with any applied. */
export interface SnapshotScheduleOptions {
  /** Events applied since the last snapshot that make the next one due (0: never by count). */
  everyEvents: number;
  /** Time since the last snapshot after which one is due if any event was applied (0: never by time). */
  everyMs: number;
}

/** Counts events applied and says when a snapshot is due. Pure: the caller passes the clock. */
export class SnapshotSchedule {
  private appliedSince = 0;
  private lastAt: number;

  constructor(
    private readonly options: SnapshotScheduleOptions,
    now: number,
  ) {
    if (options.everyEvents < 0 || options.everyMs < 0) throw new RangeError('snapshot schedule bounds must be ≥ 0');
    this.lastAt = now;
  }

  applied(count = 1): void {
    this.appliedSince += count;
  }

  get pending(): number {
    return this.appliedSince;
  }

  due(now: number): boolean {
    if (this.appliedSince === 0) return false;
    const { everyEvents, everyMs } = this.options;
    return (everyEvents > 0 && this.appliedSince >= everyEvents) || (everyMs > 0 && now - this.lastAt >= everyMs);
  }

  /** A snapshot covering `covered` of the events counted was written at `now`. */
  taken(now: number, covered = this.appliedSince): void {
    this.appliedSince = Math.max(0, this.appliedSince - covered);
    this.lastAt = now;
  }
}
