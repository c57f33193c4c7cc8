import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent } from '@lighthouse/contracts';
import type { EventLogLogger } from '../event-log-logger';
import type { KeyringInput } from '../keyring';
import { parseRecord } from '../record-codec';

/** Test-only secrets: fresh random 32-byte keys, so no test depends on a fixed secret. */
export function testKeyring(ids: number[] = [1], activeKeyId: number = ids[0] ?? 1): KeyringInput {
  return { keys: ids.map((id) => ({ id, secret: randomBytes(32) })), activeKeyId };
}

/** A valid event of `stream` (default `stream-a`), with a fresh id. */
export function makeEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: randomUUID(),
    type: 'test.happened',
    stream: 'stream-a',
    agent: 'agent-1',
    correlationId: 'corr-1',
    causationId: null,
    schemaVersion: 1,
    data: { value: 1 },
    ...overrides,
  };
}

/** A fresh directory under the OS temp dir. */
export function makeTempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'lh-event-log-'));
}

export function removeDir(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true });
}

/** Names of the segment files (and compression leftovers) in `dir`, sorted. */
export async function segmentNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.startsWith('segment-')).sort();
}

/** Byte offsets and sizes of the records of a plain segment file. */
export async function recordOffsets(path: string): Promise<Array<{ offset: number; size: number }>> {
  const bytes = await readFile(path);
  const records: Array<{ offset: number; size: number }> = [];
  for (let offset = 0; offset < bytes.length; ) {
    const parsed = parseRecord(bytes, offset);
    if (parsed.kind !== 'record') break;
    records.push({ offset, size: parsed.size });
    offset += parsed.size;
  }
  return records;
}

/** A logger that keeps what it was told, for assertions. */
export function recordingLogger(): EventLogLogger & { warnings: Array<{ details: Record<string, unknown>; message: string }>; errors: string[] } {
  const warnings: Array<{ details: Record<string, unknown>; message: string }> = [];
  const errors: string[] = [];
  return {
    warnings,
    errors,
    warn: (details, message) => warnings.push({ details, message }),
    error: (_details, message) => errors.push(message),
  };
}
