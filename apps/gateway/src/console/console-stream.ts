import type { EventEnvelope } from '@lighthouse/contracts';

/** Events a console stream dropped (it read too slowly), for the page to read from the log. */
export interface StreamGap {
  fromSequence: number;
  toSequence: number;
  dropped: number;
}

/** What one flush of a console stream writes: first the gap (if any), then the events, in sequence order. */
export interface StreamFlush {
  gap: StreamGap | null;
  events: EventEnvelope[];
}

/**
 * One console stream's events between two flushes (a few a second): bounded. Past `maxEvents`,
 * or while the socket has not taken what was written, the pending events become a gap (two
 * numbers, however many events) that the page reads back from the log: a slow page costs the
 * gateway neither memory nor a cut-off stream, and loses no event silently.
 */
export class StreamQueue {
  private pending: EventEnvelope[] = [];
  private gap: StreamGap | null = null;

  constructor(private readonly maxEvents: number) {}

  get size(): number {
    return this.pending.length;
  }

  push(event: EventEnvelope): void {
    if (this.pending.length >= this.maxEvents) this.drop();
    this.pending.push(event);
  }

  /** Takes what to write now; with `writable` false (the socket is still full), only widens the gap. */
  flush(writable: boolean): StreamFlush | null {
    if (!writable) {
      this.drop();
      return null;
    }
    if (!this.gap && this.pending.length === 0) return null;
    const out = { gap: this.gap, events: this.pending.sort((a, b) => a.sequence - b.sequence) };
    this.pending = [];
    this.gap = null;
    return out;
  }

  private drop(): void {
    if (this.pending.length === 0) return;
    let from = this.gap?.fromSequence ?? Number.POSITIVE_INFINITY;
    let to = this.gap?.toSequence ?? 0;
    for (const event of this.pending) {
      from = Math.min(from, event.sequence);
      to = Math.max(to, event.sequence);
    }
    this.gap = { fromSequence: from, toSequence: to, dropped: (this.gap?.dropped ?? 0) + this.pending.length };
    this.pending = [];
  }
}

/** One flush as server-sent events: `gap` (read these from the log), then one `batch` (a JSON array). */
export function sseOf(flush: StreamFlush): string {
  let out = '';
  if (flush.gap) out += `event: gap\ndata: ${JSON.stringify(flush.gap)}\n\n`;
  const last = flush.events.at(-1);
  if (last) out += `id: ${last.sequence}\nevent: batch\ndata: ${JSON.stringify(flush.events)}\n\n`;
  return out;
}
