import { createHash, randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@lighthouse/contracts';

/** Builds committed envelopes with consecutive sequences, for reducer tests. */
export class EventBuilder {
  private sequence = 0;
  private readonly start = Date.parse('2026-11-27T12:00:00.000Z');

  constructor(private readonly agent = 'agent-1') {}

  next(type: string, data: Record<string, unknown>, options: { stream?: string; agent?: string } = {}): EventEnvelope {
    this.sequence++;
    return {
      id: randomUUID(),
      type,
      stream: options.stream ?? 'fs',
      agent: options.agent ?? this.agent,
      correlationId: 'test',
      causationId: null,
      schemaVersion: 1,
      data,
      sequence: this.sequence,
      streamVersion: this.sequence,
      time: new Date(this.start + this.sequence * 1000).toISOString(),
    };
  }

  written(path: string, text: string, mode = 0o644): EventEnvelope {
    return this.next('fs.file_written', writtenData(path, text, mode));
  }
}

export const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

/** A one-chunk file holding `text` (the chunk's hash is the content's hash). */
export const writtenData = (path: string, text: string, mode = 0o644) => ({
  path,
  size: Buffer.byteLength(text),
  hash: sha(text),
  chunkSize: 1024 * 1024,
  chunks: text.length > 0 ? [sha(text)] : [],
  mode,
});
