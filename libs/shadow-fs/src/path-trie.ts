/** A folder-shaped index keyed by project path, each node holding a list of entries. */
export interface TrieNode<T> {
  children: Map<string, TrieNode<T>>;
  entries: T[];
}

const node = <T>(): TrieNode<T> => ({ children: new Map(), entries: [] });

export class PathTrie<T> {
  readonly root: TrieNode<T> = node<T>();

  add(parts: readonly string[], entry: T): void {
    let at = this.root;
    for (const name of parts) {
      let next = at.children.get(name);
      if (!next) {
        next = node<T>();
        at.children.set(name, next);
      }
      at = next;
    }
    at.entries.push(entry);
  }

  lookup(parts: readonly string[]): TrieNode<T> | undefined {
    let at: TrieNode<T> | undefined = this.root;
    for (const name of parts) {
      at = at.children.get(name);
      if (!at) return undefined;
    }
    return at;
  }
}
