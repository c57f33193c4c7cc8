import type { FileContent } from './fs-tree';
import { PathTrie } from './path-trie';

/** One past (or the present) version of a file, as `/history/<path>/<name>` shows it. */
export interface FileVersion extends FileContent {
  sequence: number;
  timeMs: number;
  time: string;
  agent: string;
  mode: number;
  /** File name in `/history/<path>/`: zero-padded sequence and commit time, so `ls` sorts by age. */
  name: string;
}

/** `000000042_2026-11-27T12:54:01.123Z` */
export const versionName = (sequence: number, time: string): string => `${String(sequence).padStart(9, '0')}_${time}`;

/**
 * Every version of every file, by the path it had: a write adds one, a rename adds one at the new
 * path (same content), a delete removes none. Read-only by construction.
 */
export class HistoryIndex {
  private readonly trie = new PathTrie<FileVersion>();

  record(parts: readonly string[], version: Omit<FileVersion, 'name'>): void {
    this.trie.add(parts, { ...version, name: versionName(version.sequence, version.time) });
  }

  /** What `/history/<parts>` is: a folder listing sub-paths and versions, or undefined. */
  folder(parts: readonly string[]): { names: string[]; versions: FileVersion[] } | undefined {
    const node = this.trie.lookup(parts);
    if (!node) return undefined;
    return { names: [...node.children.keys()], versions: node.entries };
  }

  /** The version named `name` of the file at `parts`. */
  version(parts: readonly string[], name: string): FileVersion | undefined {
    return this.trie.lookup(parts)?.entries.find((version) => version.name === name);
  }
}
