import { alternativesOverlap, andBelow, compileAlternative, type PathTest } from './glob-overlap';
import type { Alternative, ParsedPattern } from './glob-pattern';

/** One filed alternative of an entry's pattern. */
interface Filed<T> {
  readonly entry: T;
  readonly alt: Alternative;
  /** Compiled on first use (a glob); literals never need it. */
  test?: PathTest;
}

class Node<T> {
  readonly children = new Map<string, Node<T>>();
  /** Alternatives whose literal prefix ends here (literal ones, and globs with magic below). */
  readonly filed: Filed<T>[] = [];
  /** Filed alternatives in this subtree, this node included. */
  size = 0;
}

/**
 * Reservations filed by the literal prefix of their patterns in a trie of path segments, so the
 * question "which reservations cover this path (or overlap this pattern)?" visits only the
 * directories on the way to it and, below it, only what can lie under it: a write checks a few
 * entries whatever the number of reservations, never a scan of every glob.
 */
export class ReservationIndex<T> {
  private readonly root = new Node<T>();
  private readonly keys = new Map<T, ParsedPattern>();

  get size(): number {
    return this.keys.size;
  }

  add(entry: T, pattern: ParsedPattern): void {
    if (this.keys.has(entry)) this.remove(entry);
    this.keys.set(entry, pattern);
    for (const alt of pattern.alternatives) {
      const path = this.pathTo(alt.prefix, true) as Node<T>[];
      (path.at(-1) as Node<T>).filed.push({ entry, alt });
      for (const node of path) node.size++;
    }
  }

  remove(entry: T): void {
    const pattern = this.keys.get(entry);
    if (!pattern) return;
    this.keys.delete(entry);
    for (const alt of pattern.alternatives) {
      const path = this.pathTo(alt.prefix, false);
      if (!path) continue;
      const node = path.at(-1) as Node<T>;
      const at = node.filed.findIndex((f) => f.entry === entry && f.alt === alt);
      if (at < 0) continue;
      node.filed.splice(at, 1);
      for (const n of path) n.size--;
      for (let i = path.length - 1; i > 0; i--) {
        const child = path[i] as Node<T>;
        if (child.size > 0) break;
        (path[i - 1] as Node<T>).children.delete(alt.prefix[i - 1] as string);
      }
    }
  }

  /**
   * The first entry (passing `accept`, checked before any matching) whose pattern overlaps
   * `query`. `below`: the query stands for what it matches and everything under it (a directory
   * deleted or moved away).
   */
  find(query: ParsedPattern, accept: (entry: T) => boolean = () => true, below = false): T | undefined {
    let found: T | undefined;
    for (const alt of query.alternatives) {
      this.visit(alt, below, (entry) => {
        if (!accept(entry)) return false;
        found = entry;
        return true;
      });
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /** Every entry (passing `accept`) whose pattern overlaps `query`, each once, at most `limit`. */
  all(query: ParsedPattern, accept: (entry: T) => boolean = () => true, limit = Infinity): T[] {
    const seen = new Set<T>();
    for (const alt of query.alternatives) {
      this.visit(alt, false, (entry) => {
        if (!seen.has(entry) && accept(entry)) seen.add(entry);
        return seen.size >= limit;
      });
      if (seen.size >= limit) break;
    }
    return [...seen];
  }

  /** Calls `hit` with each overlapping entry until it answers true. */
  private visit(asked: Alternative, below: boolean, hit: (entry: T) => boolean): void {
    const path = below ? null : asked.literal;
    const query = below ? andBelow(asked) : asked;
    // One path: each entry's own test (a string compare, or its one picomatch regex); else the overlap of the two patterns.
    const overlaps = path !== null ? (f: Filed<T>) => (f.test ??= compileAlternative(f.alt))(path) : (f: Filed<T>) => alternativesOverlap(f.alt, query);
    let node: Node<T> | undefined = this.root;
    for (let depth = 0; node && depth < asked.prefix.length; depth++) {
      // Filed above the query's literal prefix: the entry may reach down into it.
      for (const filed of node.filed) if (overlaps(filed) && hit(filed.entry)) return;
      node = node.children.get(asked.prefix[depth] as string);
    }
    if (!node) return;
    if (path !== null) {
      for (const filed of node.filed) if (overlaps(filed) && hit(filed.entry)) return;
      return;
    }
    // At and under the prefix: everything there lies under a literal path asked with what is below it; else checked.
    this.below(node, below && asked.literal !== null, overlaps, hit);
  }

  /** Entries filed at and under `node`: all covered by a literal query; a glob query is checked. */
  private below(node: Node<T>, covered: boolean, overlaps: (f: Filed<T>) => boolean, hit: (entry: T) => boolean): boolean {
    if (node.size === 0) return false;
    for (const filed of node.filed) if ((covered || overlaps(filed)) && hit(filed.entry)) return true;
    for (const child of node.children.values()) if (this.below(child, covered, overlaps, hit)) return true;
    return false;
  }

  private pathTo(prefix: readonly string[], create: boolean): Node<T>[] | undefined {
    const path: Node<T>[] = [this.root];
    let node = this.root;
    for (const segment of prefix) {
      let next = node.children.get(segment);
      if (!next) {
        if (!create) return undefined;
        next = new Node<T>();
        node.children.set(segment, next);
      }
      path.push(next);
      node = next;
    }
    return path;
  }
}
