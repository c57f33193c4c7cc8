import type { EventEnvelope } from '@lighthouse/contracts';
import { isAgentEvent } from './agents-projection';

/** The files of `/streams` and which events each one carries. */
export const STREAMS: Readonly<Record<string, (type: string) => boolean>> = {
  all: () => true,
  fs: (type) => type.startsWith('fs.'),
  agents: isAgentEvent,
  delegations: (type) => type.startsWith('delegation.'),
};

/** Bytes of recent lines each stream keeps readable. */
export const DEFAULT_STREAM_WINDOW_BYTES = 1024 * 1024;

/**
 * `/streams/<name>`: an append-only file of the events committed since the mounter started, one
 * JSON line each. Its size grows with every event, so `tail -f` (which polls the size) prints new
 * events as they come. Only the last `windowBytes` stay readable; older offsets are gone.
 */
export class LiveStreams {
  private readonly streams = new Map<string, { chunks: Buffer[]; start: number; end: number; mtimeMs: number }>();

  constructor(
    private readonly windowBytes = DEFAULT_STREAM_WINDOW_BYTES,
    /** When the mounter started (the streams' time until their first event). */
    readonly startedMs = 0,
  ) {
    for (const name of Object.keys(STREAMS)) this.streams.set(name, { chunks: [], start: 0, end: 0, mtimeMs: startedMs });
  }

  names(): string[] {
    return [...this.streams.keys()];
  }

  has(name: string): boolean {
    return this.streams.has(name);
  }

  append(event: EventEnvelope): void {
    const line = Buffer.from(`${JSON.stringify(event)}\n`);
    for (const [name, matches] of Object.entries(STREAMS)) {
      if (!matches(event.type)) continue;
      const stream = this.streams.get(name) as { chunks: Buffer[]; start: number; end: number; mtimeMs: number };
      stream.chunks.push(line);
      stream.end += line.length;
      stream.mtimeMs = Date.parse(event.time);
      while (stream.end - stream.start - (stream.chunks[0]?.length ?? 0) >= this.windowBytes && stream.chunks.length > 1) {
        stream.start += (stream.chunks.shift() as Buffer).length;
      }
    }
  }

  /** Size (every byte ever appended) and time of the last event. */
  stat(name: string): { size: number; mtimeMs: number } | undefined {
    const stream = this.streams.get(name);
    return stream && { size: stream.end, mtimeMs: stream.mtimeMs };
  }

  /** Up to `length` bytes from `offset`; null when that offset has left the window. */
  read(name: string, offset: number, length: number): Buffer | null {
    const stream = this.streams.get(name);
    if (!stream) return Buffer.alloc(0);
    if (offset < stream.start) return null;
    const parts: Buffer[] = [];
    let at = stream.start;
    let wanted = Math.min(length, Math.max(0, stream.end - offset));
    for (const chunk of stream.chunks) {
      if (wanted <= 0) break;
      const chunkEnd = at + chunk.length;
      if (chunkEnd > offset) {
        const from = Math.max(0, offset - at);
        const piece = chunk.subarray(from, from + wanted);
        parts.push(piece);
        wanted -= piece.length;
        offset += piece.length;
      }
      at = chunkEnd;
    }
    return Buffer.concat(parts);
  }
}
