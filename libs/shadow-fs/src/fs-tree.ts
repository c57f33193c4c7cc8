/** What every node of the project tree records about its last change. */
interface NodeStamp {
  /** Permission bits. */
  mode: number;
  /** Time of the event that last changed the content (ms since epoch). */
  mtimeMs: number;
  /** Time of the event that last changed the node at all. */
  ctimeMs: number;
  /** Agent whose event last changed it. */
  owner: string;
  /** Sequence of that event. */
  sequence: number;
}

/** The bytes of a file, as content-addressed chunks. */
export interface FileContent {
  size: number;
  hash: string;
  chunkSize: number;
  chunks: readonly string[];
}

export interface FileNode extends NodeStamp, FileContent {
  kind: 'file';
}

export interface DirNode extends NodeStamp {
  kind: 'dir';
  children: Map<string, TreeNode>;
}

export type TreeNode = FileNode | DirNode;

/** Who made a change, when, at which sequence. */
export interface Change {
  agent: string;
  timeMs: number;
  sequence: number;
}

export const newDir = (mode: number, change: Change): DirNode => ({
  kind: 'dir',
  mode,
  mtimeMs: change.timeMs,
  ctimeMs: change.timeMs,
  owner: change.agent,
  sequence: change.sequence,
  children: new Map(),
});

/**
 * The project tree (`/current`), mutated only by the reducer in event order; every mounter that
 * applies the same events holds an equal tree.
 */
export class FsTree {
  readonly root: DirNode = newDir(0o755, { agent: 'lighthouse', timeMs: 0, sequence: 0 });
  private files = 0;
  private bytes = 0;

  /** The node at `parts` (the root for `[]`), or undefined. */
  lookup(parts: readonly string[]): TreeNode | undefined {
    let node: TreeNode = this.root;
    for (const name of parts) {
      if (node.kind !== 'dir') return undefined;
      const child: TreeNode | undefined = node.children.get(name);
      if (!child) return undefined;
      node = child;
    }
    return node;
  }

  /** How many files and bytes the tree holds. */
  get totals(): { files: number; bytes: number } {
    return { files: this.files, bytes: this.bytes };
  }

  /** Puts `node` at `name` in `parent`, replacing what was there; keeps the totals. */
  attach(parent: DirNode, name: string, node: TreeNode, change: Change): void {
    const old = parent.children.get(name);
    if (old) this.count(old, -1);
    parent.children.set(name, node);
    this.count(node, 1);
    touch(parent, change);
  }

  detach(parent: DirNode, name: string, change: Change): TreeNode | undefined {
    const old = parent.children.get(name);
    if (!old) return undefined;
    parent.children.delete(name);
    this.count(old, -1);
    touch(parent, change);
    return old;
  }

  private count(node: TreeNode, sign: 1 | -1): void {
    for (const file of filesBelow(node)) {
      this.files += sign;
      this.bytes += sign * file.node.size;
    }
  }
}

/** The parent changed: a name was added or removed. */
function touch(dir: DirNode, change: Change): void {
  dir.mtimeMs = change.timeMs;
  dir.ctimeMs = change.timeMs;
}

/** Every file in a subtree with its path relative to it (`[]` when the node is the file). */
export function* filesBelow(node: TreeNode, prefix: string[] = []): Generator<{ parts: string[]; node: FileNode }> {
  if (node.kind === 'file') {
    yield { parts: prefix, node };
    return;
  }
  for (const [name, child] of node.children) yield* filesBelow(child, [...prefix, name]);
}

/** Every directory in a subtree (the node itself first), with its path relative to it. */
export function* dirsBelow(node: TreeNode, prefix: string[] = []): Generator<{ parts: string[]; node: DirNode }> {
  if (node.kind !== 'dir') return;
  yield { parts: prefix, node };
  for (const [name, child] of node.children) yield* dirsBelow(child, [...prefix, name]);
}
