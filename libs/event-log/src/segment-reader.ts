import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { FileSystemPort } from './fs-port';
import { isNotFound, readFully } from './file-io';
import { compressedSegmentName, plainSegmentName, segmentPath } from './segment-files';

const gunzipAsync = promisify(gunzip);

/** A byte range of one segment (offsets are into the uncompressed content). */
export interface Span {
  segment: number;
  offset: number;
  length: number;
}

// Spans closer than this are fetched in one pread: reading a little extra beats a syscall.
const COALESCE_GAP_BYTES = 64 * 1024;
const MAX_READ_BYTES = 8 * 1024 * 1024;

/**
 * Reads byte ranges out of plain and gzip segments. Nearby ranges of a plain segment are
 * coalesced into one pread; compressed segments are inflated whole and a few are kept cached.
 */
export class SegmentReader {
  private readonly compressed = new Set<number>();
  private readonly fds = new Map<number, Promise<number>>();
  private readonly retired: Array<Promise<number>> = [];
  private readonly inflated = new Map<number, Promise<Buffer>>();
  private inFlight = 0;

  constructor(
    private readonly fs: FileSystemPort,
    private readonly dir: string,
    private readonly cachedSegments: number,
  ) {}

  /** Registers a segment as plain or compressed. */
  addSegment(index: number, compressed: boolean): void {
    if (compressed) this.markCompressed(index);
  }

  /** The plain file is about to go: later reads inflate the .gz copy. */
  markCompressed(index: number): void {
    this.compressed.add(index);
    const fd = this.fds.get(index);
    this.fds.delete(index);
    if (fd) this.retired.push(fd);
    this.closeRetiredWhenIdle();
  }

  /** The bytes of each span, in the order asked. */
  async read(spans: readonly Span[]): Promise<Buffer[]> {
    this.inFlight += 1;
    try {
      const out = new Array<Buffer>(spans.length);
      const bySegment = new Map<number, number[]>();
      spans.forEach((span, position) => {
        const positions = bySegment.get(span.segment);
        if (positions) positions.push(position);
        else bySegment.set(span.segment, [position]);
      });
      await Promise.all([...bySegment].map(([segment, positions]) => this.readSegment(segment, positions, spans, out)));
      return out;
    } finally {
      this.inFlight -= 1;
      this.closeRetiredWhenIdle();
    }
  }

  async close(): Promise<void> {
    this.retired.push(...this.fds.values());
    this.fds.clear();
    this.inflated.clear();
    await this.closeRetired();
  }

  private async readSegment(segment: number, positions: number[], spans: readonly Span[], out: Buffer[]): Promise<void> {
    if (this.compressed.has(segment)) return this.readInflated(segment, positions, spans, out);
    try {
      await this.readPlain(segment, positions, spans, out);
    } catch (error) {
      // Compression may have finished and removed the plain file between the check and the open.
      if (!isNotFound(error) || !this.compressed.has(segment)) throw error;
      this.fds.delete(segment);
      await this.readInflated(segment, positions, spans, out);
    }
  }

  private async readInflated(segment: number, positions: number[], spans: readonly Span[], out: Buffer[]): Promise<void> {
    const content = await this.inflate(segment);
    for (const position of positions) {
      const span = spans[position] as Span;
      if (span.offset + span.length > content.length) throw new Error(`segment ${segment} is shorter than expected`);
      out[position] = content.subarray(span.offset, span.offset + span.length);
    }
  }

  private async readPlain(segment: number, positions: number[], spans: readonly Span[], out: Buffer[]): Promise<void> {
    const fd = await this.fdOf(segment);
    const sorted = [...positions].sort((a, b) => (spans[a] as Span).offset - (spans[b] as Span).offset);
    const reads: Array<Promise<void>> = [];
    let group: number[] = [];
    let start = 0;
    let end = 0;
    for (const position of sorted) {
      const span = spans[position] as Span;
      const fits = group.length > 0 && span.offset <= end + COALESCE_GAP_BYTES && span.offset + span.length - start <= MAX_READ_BYTES;
      if (!fits && group.length > 0) reads.push(this.readGroup(fd, group, start, end, spans, out));
      if (!fits) {
        group = [];
        start = span.offset;
        end = span.offset;
      }
      group.push(position);
      end = Math.max(end, span.offset + span.length);
    }
    if (group.length > 0) reads.push(this.readGroup(fd, group, start, end, spans, out));
    await Promise.all(reads);
  }

  private async readGroup(fd: number, group: number[], start: number, end: number, spans: readonly Span[], out: Buffer[]): Promise<void> {
    const bytes = await readFully(this.fs, fd, end - start, start);
    for (const position of group) {
      const span = spans[position] as Span;
      out[position] = bytes.subarray(span.offset - start, span.offset - start + span.length);
    }
  }

  private fdOf(segment: number): Promise<number> {
    let fd = this.fds.get(segment);
    if (!fd) {
      fd = this.fs.open(segmentPath(this.dir, plainSegmentName(segment)), 'r');
      fd.catch(() => this.fds.delete(segment));
      this.fds.set(segment, fd);
    }
    return fd;
  }

  private inflate(segment: number): Promise<Buffer> {
    let content = this.inflated.get(segment);
    if (content) {
      this.inflated.delete(segment);
    } else {
      content = this.fs.readFile(segmentPath(this.dir, compressedSegmentName(segment))).then((bytes) => gunzipAsync(bytes));
      content.catch(() => this.inflated.delete(segment));
    }
    this.inflated.set(segment, content);
    for (const oldest of this.inflated.keys()) {
      if (this.inflated.size <= this.cachedSegments) break;
      this.inflated.delete(oldest);
    }
    return content;
  }

  private closeRetiredWhenIdle(): void {
    if (this.inFlight === 0 && this.retired.length > 0) this.closeRetired().catch(() => undefined);
  }

  private async closeRetired(): Promise<void> {
    const retired = this.retired.splice(0);
    await Promise.all(retired.map((fd) => fd.then((value) => this.fs.close(value), () => undefined)));
  }
}
