import type { EventLogOptions, ResolvedOptions } from './event-log.options';
import type { LogProblem } from './log-problem';
import { CheckpointFile } from './checkpoint';
import { LogCorruptedError } from './errors/log-corrupted.error';
import { LogRolledBackError } from './errors/log-rolled-back.error';
import { resolveOptions } from './event-log.options';
import { fsyncDirectory, isNotFound } from './file-io';
import { GroupCommitter } from './group-committer';
import { Keyring } from './keyring';
import { LogIndex } from './log-index';
import { LogReader } from './log-reader';
import { SegmentFetcher } from './segment-fetcher';
import { ParallelVerifier } from './parallel-verifier';
import { scanLog, type ScannedRecord, type ScanResult } from './log-scanner';
import { SegmentCompressor } from './segment-compressor';
import { compressedSegmentName, segmentPath, tempSegmentName } from './segment-files';
import { SegmentReader } from './segment-reader';
import { SegmentWriter } from './segment-writer';

/** The writable half of an open log. */
export interface WritableParts {
  committer: GroupCommitter;
  compressor: SegmentCompressor;
  writer: SegmentWriter;
  checkpoint: CheckpointFile;
}

/** Everything an open log is made of. */
export interface OpenedLog {
  settings: ResolvedOptions;
  index: LogIndex;
  segments: SegmentReader;
  reader: LogReader;
  problems: LogProblem[];
  writable: WritableParts | undefined;
}

/**
 * Scans and verifies the directory, rebuilds the indexes, and (unless read-only) repairs what a
 * crash can leave behind: a torn last record, temp files and half-finished compressions.
 */
export async function openLog(options: EventLogOptions): Promise<OpenedLog> {
  const settings = resolveOptions(options);
  const keyring = Keyring.from(options.keyring);
  if (!settings.readOnly) await settings.fs.mkdir(settings.dir);
  const index = new LogIndex();
  const source = { dir: settings.dir, checkpointPath: settings.checkpointPath, keyring, fs: settings.fs };
  const scan = await scanLog(source, (record) => index.add(toEntry(record), record.hmac));
  if (!settings.readOnly) assertUsable(scan.problems);
  const segments = new SegmentReader(settings.fs, settings.dir, settings.cachedCompressedSegments);
  for (const files of scan.segments) segments.addSegment(files.index, !files.plain);
  const reader = new LogReader(index, new SegmentFetcher(index, segments, new ParallelVerifier(keyring)), settings.maxReadBytes);
  const writable = settings.readOnly ? undefined : await prepareWriting(settings, keyring, index, scan, segments);
  return { settings, index, segments, reader, problems: scan.problems, writable };
}

function toEntry(record: ScannedRecord) {
  const { sequence, segment, offset, size, envelope } = record;
  return { sequence, segment, offset, size, id: envelope.id, stream: envelope.stream, streamVersion: envelope.streamVersion };
}

function assertUsable(problems: LogProblem[]): void {
  const errors = problems.filter((problem) => problem.severity === 'error');
  const [first] = errors;
  if (!first) return;
  if (errors.every((problem) => problem.kind === 'checkpoint_mismatch')) throw new LogRolledBackError(first);
  throw new LogCorruptedError(errors);
}

async function prepareWriting(
  settings: ResolvedOptions,
  keyring: Keyring,
  index: LogIndex,
  scan: ScanResult,
  segments: SegmentReader,
): Promise<WritableParts> {
  const { fs, dir, logger, faultHook } = settings;
  await removeLeftovers(settings, scan);
  const checkpoint = await CheckpointFile.open(fs, settings.checkpointPath, keyring, settings.checkpointSyncIntervalMs);
  const last = scan.segments.at(-1);
  const active = last === undefined ? 1 : last.plain ? last.index : last.index + 1;
  const writer = await SegmentWriter.open(fs, dir, active, last?.plain ? scan.lastSegmentBytes : 0, faultHook).catch(
    async (error: unknown) => {
      await checkpoint.close().catch(() => undefined);
      throw error;
    },
  );
  if (scan.tornTail) {
    const { name, offset, droppedBytes } = scan.tornTail;
    logger.warn({ segment: name, offset, droppedBytes }, 'cut a torn record off the end of the log');
  }
  // Re-sign with the active key and catch up with records the last checkpoint sync missed.
  await checkpoint.write(index.lastSequence, index.chainHead);
  await checkpoint.sync();
  const compressor = new SegmentCompressor(fs, dir, segments, logger, faultHook);
  for (const files of scan.segments) if (files.plain && files.index !== active) compressor.schedule(files.index);
  const committer = new GroupCommitter({
    index,
    keyring,
    writer,
    checkpoint,
    limits: settings,
    clock: settings.clock,
    logger,
    hook: faultHook,
    onRotated: (sealed) => compressor.schedule(sealed),
  });
  return { committer, compressor, writer, checkpoint };
}

/** Temp files and .gz copies whose plain segment still exists are unfinished compressions. */
async function removeLeftovers(settings: ResolvedOptions, scan: ScanResult): Promise<void> {
  const doomed = scan.segments.flatMap((files) => [
    ...(files.temp ? [tempSegmentName(files.index)] : []),
    ...(files.plain && files.compressed ? [compressedSegmentName(files.index)] : []),
  ]);
  for (const name of doomed) {
    await settings.fs.unlink(segmentPath(settings.dir, name)).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
    });
    settings.logger.warn({ file: name }, 'removed the leftover of an interrupted segment compression');
  }
  if (doomed.length > 0) await fsyncDirectory(settings.fs, settings.dir);
}
