import { FS_EVENT_DATA, type FsEventData, type FsEventType } from '@lighthouse/contracts';
import { newDir, type Change, type DirNode, type FileNode, type FsTree, type TreeNode } from './fs-tree';
import { splitProjectPath } from './mount-path';

/**
 * What applying one event did. `conflict`: the event was valid when its producer decided it but
 * is not on the tree it lands on (another pod changed the path first); it changes nothing, on
 * every mounter alike, so trees still converge.
 */
export type Applied =
  | { status: 'applied'; type: FsEventType; paths: string[] }
  | { status: 'conflict'; type: FsEventType; reason: string }
  | { status: 'malformed'; type: string; reason: string };

type Handlers = { [T in FsEventType]: (tree: FsTree, data: FsEventData<T>, change: Change) => string | string[] };

/** True for the event types this reducer folds. */
export const isFsEvent = (type: string): type is FsEventType => Object.hasOwn(FS_EVENT_DATA, type);

/**
 * Folds one `fs.*` event into the tree. Deterministic and free of I/O: the same events in the
 * same order give the same tree on every mounter. Parent folders a write or rename needs are
 * created (as `mkdir -p` would), so an event never depends on another pod's directory events.
 */
export function evolveTree(tree: FsTree, type: FsEventType, data: unknown, change: Change): Applied {
  const parsed = FS_EVENT_DATA[type].safeParse(data);
  if (!parsed.success) return { status: 'malformed', type, reason: parsed.error.issues[0]?.message ?? 'invalid data' };
  const handler = HANDLERS[type] as (tree: FsTree, data: unknown, change: Change) => string | string[];
  const result = handler(tree, parsed.data, change);
  return Array.isArray(result) ? { status: 'applied', type, paths: result } : { status: 'conflict', type, reason: result };
}

const HANDLERS: Handlers = {
  'fs.file_written': (tree, data, change) => {
    const place = ensureParent(tree, data.path, change);
    if (typeof place === 'string') return place;
    if (place.parent.children.get(place.name)?.kind === 'dir') return `${data.path} is a directory`;
    const { path: _path, ...content } = data;
    const file: FileNode = { kind: 'file', ...content, mtimeMs: change.timeMs, ctimeMs: change.timeMs, owner: change.agent, sequence: change.sequence };
    tree.attach(place.parent, place.name, file, change);
    return [data.path];
  },
  'fs.file_deleted': (tree, data, change) => removeNode(tree, data.path, 'file', change),
  'fs.directory_deleted': (tree, data, change) => removeNode(tree, data.path, 'dir', change),
  'fs.directory_created': (tree, data, change) => {
    const place = ensureParent(tree, data.path, change);
    if (typeof place === 'string') return place;
    const existing = place.parent.children.get(place.name);
    if (existing?.kind === 'file') return `${data.path} is a file`;
    if (!existing) tree.attach(place.parent, place.name, newDir(data.mode, change), change);
    return [data.path];
  },
  'fs.file_renamed': (tree, data, change) => moveNode(tree, data.from, data.to, 'file', change),
  'fs.directory_renamed': (tree, data, change) => moveNode(tree, data.from, data.to, 'dir', change),
  'fs.mode_changed': (tree, data, change) => {
    const node = tree.lookup(splitProjectPath(data.path));
    if (!node) return `${data.path} does not exist`;
    node.mode = data.mode;
    node.ctimeMs = change.timeMs;
    node.sequence = change.sequence;
    return [data.path];
  },
  // Annotations live beside the tree (see ShadowState); the tree itself does not change.
  'fs.annotation_added': (_tree, data) => [data.path],
};

/** The folder that will hold `path` (created as needed) and the last name, or why not. */
function ensureParent(tree: FsTree, path: string, change: Change): { parent: DirNode; name: string } | string {
  const parts = splitProjectPath(path);
  const name = parts.pop() as string;
  let dir = tree.root;
  for (const part of parts) {
    const child = dir.children.get(part);
    if (child?.kind === 'file') return `${part} in ${path} is a file`;
    if (child) {
      dir = child;
      continue;
    }
    const created = newDir(0o755, change);
    tree.attach(dir, part, created, change);
    dir = created;
  }
  return { parent: dir, name };
}

function parentOf(tree: FsTree, path: string): { parent: DirNode; name: string } | undefined {
  const parts = splitProjectPath(path);
  const name = parts.pop() as string;
  const parent = tree.lookup(parts);
  return parent?.kind === 'dir' ? { parent, name } : undefined;
}

function removeNode(tree: FsTree, path: string, kind: TreeNode['kind'], change: Change): string | string[] {
  const place = parentOf(tree, path);
  const node = place?.parent.children.get(place.name);
  if (!place || !node) return `${path} does not exist`;
  if (node.kind !== kind) return `${path} is not a ${kind === 'dir' ? 'directory' : 'file'}`;
  if (node.kind === 'dir' && node.children.size > 0) return `${path} is not empty`;
  tree.detach(place.parent, place.name, change);
  return [path];
}

/** POSIX rename: replaces a file by a file, or an empty folder by a folder. */
function moveNode(tree: FsTree, from: string, to: string, kind: TreeNode['kind'], change: Change): string | string[] {
  const source = parentOf(tree, from);
  const node = source?.parent.children.get(source.name);
  if (!source || !node) return `${from} does not exist`;
  if (node.kind !== kind) return `${from} is not a ${kind === 'dir' ? 'directory' : 'file'}`;
  if (from === to) return [from, to];
  if (to.startsWith(`${from}/`)) return `${to} is inside ${from}`;
  const blocked = fileOnTheWay(tree, to);
  if (blocked) return blocked;
  const existing = tree.lookup(splitProjectPath(to));
  if (existing && existing.kind !== node.kind) return `${to} is a ${existing.kind === 'dir' ? 'directory' : 'file'}`;
  if (existing?.kind === 'dir' && existing.children.size > 0) return `${to} is not empty`;
  // Checked first, so a refused rename creates no folders either.
  const target = ensureParent(tree, to, change) as { parent: DirNode; name: string };
  tree.detach(source.parent, source.name, change);
  node.ctimeMs = change.timeMs;
  node.sequence = change.sequence;
  tree.attach(target.parent, target.name, node, change);
  return [from, to];
}

/** Why `path` cannot exist (a file stands where one of its folders would be), or undefined. */
function fileOnTheWay(tree: FsTree, path: string): string | undefined {
  const parts = splitProjectPath(path);
  let dir = tree.root;
  for (const part of parts.slice(0, -1)) {
    const child = dir.children.get(part);
    if (!child) return undefined;
    if (child.kind === 'file') return `${part} in ${path} is a file`;
    dir = child;
  }
  return undefined;
}
