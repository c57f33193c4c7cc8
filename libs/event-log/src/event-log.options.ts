import { z } from 'zod';
import type { EventLogLogger } from './event-log-logger';
import type { FaultHook } from './fault-point';
import type { FileSystemPort } from './fs-port';
import type { KeyringInput, Keyring } from './keyring';
import { consoleLogger } from './event-log-logger';
import { InvalidInputError } from './errors/invalid-input.error';
import { nodeFileSystem } from './fs-port';
import { defaultCheckpointPath } from './checkpoint';
import { MAX_RECORD_PAYLOAD_BYTES, RECORD_HEADER_BYTES } from './record-codec';

/** How to open an event log. Only `dir` and `keyring` are required. */
export interface EventLogOptions {
  dir: string;
  keyring: KeyringInput | Keyring;
  /** Signed checkpoint file; default `<dir>/checkpoint`. Keep it elsewhere to catch a rollback of the whole dir. */
  checkpointPath?: string;
  /** Rotate the active segment once it reaches this size (default 100 MB). */
  segmentBytes?: number;
  /** Upper bound of one group commit (default 10 MB). */
  maxBatchBytes?: number;
  /** Largest encoded event accepted (default 1 MiB). */
  maxEventBytes?: number;
  /**
   * Byte budget of one read: a page stops before the events it holds pass this size (it always
   * holds at least one), so an answer fits the transport's frame (default 960 KiB).
   */
  maxReadBytes?: number;
  /** How often the checkpoint is fsynced at most (default 1000 ms); see `CheckpointFile`. */
  checkpointSyncIntervalMs?: number;
  /** Inflated compressed segments kept in memory for reads (default 2). */
  cachedCompressedSegments?: number;
  /** Open for inspection only: no repair, no appends, problems reported instead of thrown. */
  readOnly?: boolean;
  fs?: FileSystemPort;
  logger?: EventLogLogger;
  /** Crash-test hook called at each {@link FaultPoint}; never set in production. */
  faultHook?: FaultHook;
  clock?: () => Date;
}

/** Options with every default filled in. */
export interface ResolvedOptions {
  dir: string;
  checkpointPath: string;
  segmentBytes: number;
  maxBatchBytes: number;
  maxEventBytes: number;
  maxReadBytes: number;
  checkpointSyncIntervalMs: number;
  cachedCompressedSegments: number;
  readOnly: boolean;
  fs: FileSystemPort;
  logger: EventLogLogger;
  faultHook: FaultHook | undefined;
  clock: () => Date;
}

const positive = z.number().int().positive();
const LimitsSchema = z.object({
  dir: z.string().min(1),
  segmentBytes: positive.max(0xffffffff).default(100 * 1024 * 1024),
  maxBatchBytes: positive.default(10 * 1024 * 1024),
  maxEventBytes: positive.max(MAX_RECORD_PAYLOAD_BYTES).default(1024 * 1024),
  maxReadBytes: positive.default(960 * 1024),
  checkpointSyncIntervalMs: z.number().int().min(0).default(1000),
  cachedCompressedSegments: positive.default(2),
});

/** Fills defaults and rejects nonsensical limits with {@link InvalidInputError}. */
export function resolveOptions(options: EventLogOptions): ResolvedOptions {
  const parsed = LimitsSchema.safeParse(options);
  if (!parsed.success) throw new InvalidInputError(`invalid event log options: ${parsed.error.message}`, { cause: parsed.error });
  const limits = parsed.data;
  if (limits.maxBatchBytes < limits.maxEventBytes + RECORD_HEADER_BYTES) {
    throw new InvalidInputError('maxBatchBytes must hold at least one event of maxEventBytes');
  }
  return {
    ...limits,
    checkpointPath: options.checkpointPath ?? defaultCheckpointPath(limits.dir),
    readOnly: options.readOnly ?? false,
    fs: options.fs ?? nodeFileSystem,
    logger: options.logger ?? consoleLogger,
    faultHook: options.faultHook,
    clock: options.clock ?? (() => new Date()),
  };
}
