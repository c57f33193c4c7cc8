import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { EventEnvelope } from '@lighthouse/contracts';
import type { FileSystemPort } from './fs-port';
import type { Keyring } from './keyring';
import type { LogProblem, LogProblemKind } from './log-problem';
import { decodeCheckpoint, readCheckpointBytes, type CheckpointState } from './checkpoint';
import { chainHmac, decodePayload, GENESIS_HMAC, parseRecord, sameHmac, type ParsedRecord } from './record-codec';
import {
  compressedSegmentName,
  listSegments,
  plainSegmentName,
  segmentSourceName,
  tempSegmentName,
  type SegmentFiles,
} from './segment-files';

const gunzipAsync = promisify(gunzip);

/** A record of the verified prefix of the log, as the scan met it. */
export interface ScannedRecord {
  sequence: number;
  segment: number;
  offset: number;
  size: number;
  hmac: Buffer;
  envelope: EventEnvelope;
  keyId: number;
  /** The stored payload bytes (a view into the segment read; copy to keep). */
  payload: Buffer;
}

/** A partial record at the very end of the last segment: the trace of a write cut short. */
export interface TornTail {
  segment: number;
  name: string;
  offset: number;
  droppedBytes: number;
}

/** What a scan of a log directory found. */
export interface ScanResult {
  segments: SegmentFiles[];
  problems: LogProblem[];
  /** Records parsed, verified or not. */
  records: number;
  /** End of the verified prefix (records before the first `error` problem). */
  lastSequence: number;
  chainHead: Buffer;
  tornTail?: TornTail;
  /** Bytes of the last segment that hold whole records. */
  lastSegmentBytes: number;
  checkpoint?: CheckpointState;
}

/** Where the scan reads from. */
export interface ScanSource {
  dir: string;
  checkpointPath: string;
  keyring: Keyring;
  fs: FileSystemPort;
}

/**
 * Reads a whole log directory, verifies the HMAC chain and checkpoint, and reports every
 * problem without modifying anything. `onRecord` sees only the verified prefix, in order.
 */
export function scanLog(source: ScanSource, onRecord?: (record: ScannedRecord) => void): Promise<ScanResult> {
  return new LogScanner(source, onRecord ?? (() => undefined)).run();
}

class LogScanner {
  private readonly problems: LogProblem[] = [];
  private previous: Buffer = GENESIS_HMAC;
  private expected = 1;
  private records = 0;
  private lastSequence = 0;
  private chainHead: Buffer = GENESIS_HMAC;
  private tornTail: TornTail | undefined;
  private lastSegmentBytes = 0;
  private checkpoint: CheckpointState | undefined;
  private headAtCheckpoint: Buffer | undefined;

  constructor(
    private readonly source: ScanSource,
    private readonly onRecord: (record: ScannedRecord) => void,
  ) {}

  async run(): Promise<ScanResult> {
    const segments = await listSegments(this.source.fs, this.source.dir);
    await this.loadCheckpoint(segments.length > 0);
    this.checkSegmentSet(segments);
    for (const [position, files] of segments.entries()) {
      await this.scanSegment(files, position === segments.length - 1);
    }
    this.checkCheckpoint();
    return {
      segments,
      problems: this.problems,
      records: this.records,
      lastSequence: this.lastSequence,
      chainHead: this.chainHead,
      tornTail: this.tornTail,
      lastSegmentBytes: this.lastSegmentBytes,
      checkpoint: this.checkpoint,
    };
  }

  private get healthy(): boolean {
    return this.problems.every((problem) => problem.severity === 'recoverable');
  }

  private report(kind: LogProblemKind, segment: string, offset: number, message: string, sequence?: number): void {
    const severity = kind === 'torn_tail' || kind === 'leftover_temp' || kind === 'duplicate_segment' ? 'recoverable' : 'error';
    this.problems.push({ kind, severity, segment, offset, ...(sequence === undefined ? {} : { sequence }), message });
  }

  private async loadCheckpoint(hasSegments: boolean): Promise<void> {
    const { fs, checkpointPath, keyring } = this.source;
    const name = basename(checkpointPath);
    const bytes = await readCheckpointBytes(fs, checkpointPath);
    if (bytes === undefined) {
      if (hasSegments) this.report('checkpoint_missing', name, 0, `checkpoint ${checkpointPath} is missing`);
      return;
    }
    const decoded = decodeCheckpoint(keyring, bytes);
    if (typeof decoded === 'string') this.report('checkpoint_forged', name, 0, decoded);
    else this.checkpoint = decoded;
    if (this.checkpoint?.lastSequence === 0) this.headAtCheckpoint = GENESIS_HMAC;
  }

  private checkSegmentSet(segments: SegmentFiles[]): void {
    let expectedIndex = 1;
    for (const files of segments) {
      for (; expectedIndex < files.index; expectedIndex++) {
        this.report('missing_segment', plainSegmentName(expectedIndex), 0, `segment ${expectedIndex} is missing`);
      }
      expectedIndex = files.index + 1;
      this.checkLeftovers(files);
    }
  }

  private checkLeftovers(files: SegmentFiles): void {
    if (files.temp && (files.plain || files.compressed)) {
      this.report('leftover_temp', tempSegmentName(files.index), 0, 'unfinished compression left a temp file');
    }
    if (files.plain && files.compressed) {
      this.report('duplicate_segment', compressedSegmentName(files.index), 0, 'compression was interrupted before the plain segment was removed');
    }
    if (!files.plain && !files.compressed) {
      this.report('missing_segment', plainSegmentName(files.index), 0, `segment ${files.index} has only an unfinished temp file`);
    }
  }

  private async scanSegment(files: SegmentFiles, isLast: boolean): Promise<void> {
    if (!files.plain && !files.compressed) return;
    const name = segmentSourceName(files);
    const bytes = await this.load(files, name);
    if (!bytes) return;
    const tailMayTear = isLast && files.plain;
    let offset = 0;
    while (offset < bytes.length) {
      const size = this.scanRecord(bytes, offset, files.index, name, tailMayTear);
      if (size === 0) break;
      offset += size;
    }
    if (isLast) this.lastSegmentBytes = this.tornTail ? this.tornTail.offset : offset;
  }

  private async load(files: SegmentFiles, name: string): Promise<Buffer | undefined> {
    try {
      const bytes = await this.source.fs.readFile(join(this.source.dir, name));
      return files.plain ? bytes : await gunzipAsync(bytes);
    } catch (error) {
      this.report('unreadable_segment', name, 0, `cannot read segment: ${(error as Error).message}`);
      return undefined;
    }
  }

  /** Checks the record at `offset`; returns its size, or 0 when the rest of the segment is unusable. */
  private scanRecord(bytes: Buffer, offset: number, segment: number, name: string, tailMayTear: boolean): number {
    const parsed = parseRecord(bytes, offset);
    // Zeros are what a file extended but never written (power loss before fsync) reads back as.
    const tornHere =
      tailMayTear && (parsed.kind === 'incomplete' || (parsed.kind === 'bad_length' && isAllZero(bytes, offset)));
    if (tornHere) {
      this.tornTail = { segment, name, offset, droppedBytes: bytes.length - offset };
      this.report('torn_tail', name, offset, `partial record of ${bytes.length - offset} byte(s) at the end of the log`, this.expected);
      return 0;
    }
    if (parsed.kind === 'incomplete') {
      this.report('truncated_segment', name, offset, `record needs ${parsed.needed} bytes but the segment ends`, this.expected);
      return 0;
    }
    if (parsed.kind === 'bad_length') {
      this.report('bad_length', name, offset, `record length ${parsed.declared} is impossible`, this.expected);
      return 0;
    }
    this.checkRecord(parsed, segment, name, offset);
    return parsed.size;
  }

  private checkRecord(record: Extract<ParsedRecord, { kind: 'record' }>, segment: number, name: string, offset: number): void {
    const wasHealthy = this.healthy;
    const envelope = this.decode(record, name, offset);
    const sequence = envelope?.sequence ?? this.expected;
    if (envelope && sequence !== this.expected) {
      this.report('sequence_gap', name, offset, `expected sequence ${this.expected}, found ${sequence}`, sequence);
    } else if (!this.source.keyring.has(record.keyId)) {
      this.report('unknown_key', name, offset, `record is signed with unknown key id ${record.keyId}`, sequence);
    } else if (envelope) {
      this.checkHmac(record, name, offset, sequence);
    }
    this.records += 1;
    if (wasHealthy && this.healthy && envelope) this.accept({ sequence, segment, offset, size: record.size, hmac: record.hmac, envelope, keyId: record.keyId, payload: record.payload });
    this.previous = record.hmac;
    this.expected = sequence + 1;
  }

  private decode(record: { payload: Buffer }, name: string, offset: number): EventEnvelope | undefined {
    try {
      return decodePayload(record.payload);
    } catch (error) {
      this.report('bad_payload', name, offset, `payload does not decode: ${(error as Error).message}`, this.expected);
      return undefined;
    }
  }

  private checkHmac(record: { keyId: number; hmac: Buffer; payload: Buffer }, name: string, offset: number, sequence: number): void {
    const expected = chainHmac(this.source.keyring, record.keyId, this.previous, sequence, record.payload);
    if (!sameHmac(expected, record.hmac)) {
      this.report('hmac_mismatch', name, offset, 'record HMAC does not match its content and predecessor', sequence);
    }
  }

  private accept(record: ScannedRecord): void {
    this.lastSequence = record.sequence;
    this.chainHead = record.hmac;
    if (record.sequence === this.checkpoint?.lastSequence) this.headAtCheckpoint = record.hmac;
    this.onRecord(record);
  }

  private checkCheckpoint(): void {
    const checkpoint = this.checkpoint;
    if (!checkpoint || !this.healthy) return;
    const name = basename(this.source.checkpointPath);
    if (checkpoint.lastSequence > this.lastSequence) {
      this.report('checkpoint_mismatch', name, 0, `log ends at sequence ${this.lastSequence} but the checkpoint records sequence ${checkpoint.lastSequence}`, checkpoint.lastSequence);
    } else if (!sameHmac(this.headAtCheckpoint, checkpoint.chainHead)) {
      this.report('checkpoint_mismatch', name, 0, `chain head at sequence ${checkpoint.lastSequence} differs from the checkpoint`, checkpoint.lastSequence);
    }
  }
}

function isAllZero(bytes: Buffer, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
