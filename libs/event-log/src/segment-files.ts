import { join } from 'node:path';
import type { FileSystemPort } from './fs-port';

/** The files one segment index has on disk (several only after an interrupted compression). */
export interface SegmentFiles {
  index: number;
  plain: boolean;
  compressed: boolean;
  temp: boolean;
}

const NAME = /^segment-(\d{10})\.seg(\.gz)?(\.tmp)?$/;

/** `segment-0000000001.seg`: zero-padded so names sort in log order. */
export function plainSegmentName(index: number): string {
  return `segment-${String(index).padStart(10, '0')}.seg`;
}

export function compressedSegmentName(index: number): string {
  return `${plainSegmentName(index)}.gz`;
}

export function tempSegmentName(index: number): string {
  return `${compressedSegmentName(index)}.tmp`;
}

/** The file a scan reads for a segment: the plain one wins while both exist. */
export function segmentSourceName(files: SegmentFiles): string {
  return files.plain ? plainSegmentName(files.index) : compressedSegmentName(files.index);
}

export function segmentPath(dir: string, name: string): string {
  return join(dir, name);
}

/** Segment files in `dir`, by index ascending; other files are ignored. */
export async function listSegments(fs: FileSystemPort, dir: string): Promise<SegmentFiles[]> {
  const byIndex = new Map<number, SegmentFiles>();
  for (const name of await fs.readdir(dir)) {
    const match = NAME.exec(name);
    if (!match) continue;
    const index = Number(match[1]);
    const files = byIndex.get(index) ?? { index, plain: false, compressed: false, temp: false };
    if (match[3]) files.temp = true;
    else if (match[2]) files.compressed = true;
    else files.plain = true;
    byIndex.set(index, files);
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}
