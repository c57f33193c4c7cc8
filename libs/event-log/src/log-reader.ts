import type { EventEnvelope, ReadQuery, ReadResult } from '@lighthouse/contracts';
import type { LogIndex } from './log-index';

// A filtered read stops after examining this many records and hands back a cursor, so one
// query for a rare type cannot pin the process scanning the whole log.
const SCAN_BUDGET = 50_000;
const FILTERED_CHUNK = 1000;

/** The sequences a query may return, in order: a stream's list, or a plain range. */
interface Candidates {
  length: number;
  at(position: number): number;
}

/** Where the reader gets verified envelopes from: segment files, or a replicated engine. */
export interface RecordFetcher {
  /** The envelopes at `sequences` (in that order), each verified against the chain; throws when one fails. */
  fetch(sequences: readonly number[]): Promise<EventEnvelope[]>;
  close(): Promise<void>;
}

/**
 * Answers read queries from the index, fetching only candidate records (a stream's own
 * sequences when the query names a stream) and verifying each against its predecessor's HMAC.
 */
export class LogReader {
  constructor(
    private readonly index: LogIndex,
    private readonly records: RecordFetcher,
    private readonly maxReadBytes = Number.POSITIVE_INFINITY,
  ) {}

  async read(query: ReadQuery): Promise<ReadResult> {
    const candidates = this.candidates(query);
    const matches = matcher(query);
    const filtered = query.type !== undefined || query.agent !== undefined || query.fromTime !== undefined || query.toTime !== undefined;
    const events: EventEnvelope[] = [];
    let position = 0;
    let bytes = 0;
    let full = false;
    while (!full && events.length < query.limit && position < candidates.length && position < SCAN_BUDGET) {
      const size = Math.min(filtered ? FILTERED_CHUNK : this.chunkWithin(candidates, position, query.limit - events.length, bytes), candidates.length - position);
      const chunk = Array.from({ length: size }, (_, offset) => candidates.at(position + offset));
      for (const envelope of await this.records.fetch(chunk)) {
        if (matches(envelope)) {
          // The answer must fit one frame: stop before the event that would take it past the
          // budget (the cursor then points at it), but never answer an empty page.
          const cost = this.sizeOf(envelope.sequence);
          if (events.length > 0 && bytes + cost > this.maxReadBytes) {
            full = true;
            break;
          }
          bytes += cost;
          events.push(envelope);
        }
        position += 1;
        if (events.length === query.limit) break;
      }
    }
    return { events, nextSequence: position < candidates.length ? candidates.at(position) : null };
  }

  /** How many of the next unfiltered candidates fit the byte budget (at least one), up to `wanted`. */
  private chunkWithin(candidates: Candidates, position: number, wanted: number, spent: number): number {
    let count = 0;
    let bytes = spent;
    while (count < wanted && position + count < candidates.length) {
      bytes += this.sizeOf(candidates.at(position + count));
      if (count > 0 && bytes > this.maxReadBytes) break;
      count += 1;
    }
    return count;
  }

  /** Stored size of one record: an upper bound of its envelope on the wire, give or take its header. */
  private sizeOf(sequence: number): number {
    return this.index.location(sequence)?.size ?? 0;
  }

  /** Stops what the fetcher runs (the verification worker of the file engine). */
  close(): Promise<void> {
    return this.records.close();
  }

  private candidates(query: ReadQuery): Candidates {
    const last = this.index.lastSequence;
    if (query.stream === undefined) {
      const from = query.fromSequence;
      return { length: Math.max(0, last - from + 1), at: (position) => from + position };
    }
    const sequences = this.index.streamSequences(query.stream);
    const start = lowerBound(sequences, query.fromSequence);
    return { length: sequences.length - start, at: (position) => sequences[start + position] as number };
  }
}

function matcher(query: ReadQuery): (envelope: EventEnvelope) => boolean {
  const from = query.fromTime === undefined ? -Infinity : Date.parse(query.fromTime);
  const to = query.toTime === undefined ? Infinity : Date.parse(query.toTime);
  const timed = query.fromTime !== undefined || query.toTime !== undefined;
  return (envelope) => {
    if (query.type !== undefined && envelope.type !== query.type) return false;
    if (query.agent !== undefined && envelope.agent !== query.agent) return false;
    if (!timed) return true;
    const time = Date.parse(envelope.time);
    return time >= from && time <= to;
  };
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
