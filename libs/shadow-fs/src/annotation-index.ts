import { PathTrie } from './path-trie';

/** A note an expert attached to a path (event `fs.annotation_added`). */
export interface Annotation {
  sequence: number;
  time: string;
  agent: string;
  kind: string;
  text: string;
  role?: string;
  lines?: { from: number; to: number };
}

/** Name of the file holding a folder's own notes inside `/shadows/<folder>/`. */
export const FOLDER_NOTES = '.annotations.jsonl';

/**
 * Annotations by path. `/shadows/<path>` is a file of JSON lines (one note per line, oldest
 * first); a path that also has annotated paths below it is a folder, and its own notes are in
 * `FOLDER_NOTES` inside it.
 */
export class AnnotationIndex {
  private readonly trie = new PathTrie<Annotation>();
  private readonly rendered = new WeakMap<Annotation[], { count: number; bytes: Uint8Array }>();
  private count = 0;

  add(parts: readonly string[], annotation: Annotation): void {
    this.trie.add(parts, annotation);
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** What `/shadows/<parts>` is. */
  entry(parts: readonly string[]): { kind: 'dir'; names: string[] } | { kind: 'file'; bytes: Uint8Array } | undefined {
    const leaf = parts.at(-1);
    if (leaf === FOLDER_NOTES) {
      const owner = this.trie.lookup(parts.slice(0, -1));
      if (owner && owner.children.size > 0 && owner.entries.length > 0) return { kind: 'file', bytes: this.render(owner.entries) };
    }
    const node = this.trie.lookup(parts);
    if (!node) return undefined;
    if (node.children.size === 0 && parts.length > 0) return { kind: 'file', bytes: this.render(node.entries) };
    const names = [...node.children.keys()];
    if (node.entries.length > 0) names.push(FOLDER_NOTES);
    return { kind: 'dir', names };
  }

  private render(notes: Annotation[]): Uint8Array {
    const cached = this.rendered.get(notes);
    if (cached && cached.count === notes.length) return cached.bytes;
    const bytes = new TextEncoder().encode(notes.map((note) => `${JSON.stringify(note)}\n`).join(''));
    this.rendered.set(notes, { count: notes.length, bytes });
    return bytes;
  }
}
