import { FS_LIMITS, type FsEventData, type FsEventType } from '@lighthouse/contracts';
import type { FileContent, FsTree } from './fs-tree';
import { projectPath, writablePath } from './mount-path';
import { ok, refuse, type Outcome } from './outcome';

/** An fs event to append: its type and data (the producer adds id, agent, stream). */
export type FsCommand = { [T in FsEventType]: { type: T; data: FsEventData<T> } }[FsEventType];

/**
 * The decisions of the writable area: each takes the mount path(s) the kernel gave and the tree
 * as this mounter knows it, and answers the event to append or the errno to return. The same
 * rules hold when the event is applied (see evolveTree), so a refused change never reaches the
 * store and an accepted one applies unless another pod got there first.
 */
export function decideMkdir(tree: FsTree, path: string, mode: number): Outcome<FsCommand> {
  const target = freeName(tree, path);
  if (!target.ok) return target;
  return ok({ type: 'fs.directory_created', data: { path: target.value, mode: mode & 0o7777 } });
}

export function decideRmdir(tree: FsTree, path: string): Outcome<FsCommand> {
  const found = existing(tree, path);
  if (!found.ok) return found;
  const { node, project } = found.value;
  if (node.kind !== 'dir') return refuse('ENOTDIR', `${project} is not a directory`);
  if (node.children.size > 0) return refuse('ENOTEMPTY', `${project} is not empty`);
  return ok({ type: 'fs.directory_deleted', data: { path: project } });
}

export function decideUnlink(tree: FsTree, path: string): Outcome<FsCommand> {
  const found = existing(tree, path);
  if (!found.ok) return found;
  const { node, project } = found.value;
  if (node.kind === 'dir') return refuse('EISDIR', `${project} is a directory`);
  return ok({ type: 'fs.file_deleted', data: { path: project } });
}

export function decideChmod(tree: FsTree, path: string, mode: number): Outcome<FsCommand> {
  const found = existing(tree, path);
  if (!found.ok) return found;
  return ok({ type: 'fs.mode_changed', data: { path: found.value.project, mode: mode & 0o7777 } });
}

/** A new file may be created at `path`: its parent is a folder and nothing is there yet. */
export function decideCreate(tree: FsTree, path: string): Outcome<string> {
  return freeName(tree, path);
}

/** New content for the file at `path` (which may exist: it is replaced). */
export function decideWrite(tree: FsTree, path: string, content: FileContent, mode: number): Outcome<FsCommand> {
  const target = placeable(tree, path);
  if (!target.ok) return target;
  if (tree.lookup(target.value.split('/'))?.kind === 'dir') return refuse('EISDIR', `${target.value} is a directory`);
  if (content.chunks.length > FS_LIMITS.maxChunks) return refuse('EFBIG', `more than ${FS_LIMITS.maxChunks} chunks`);
  const { size, hash, chunkSize, chunks } = content;
  return ok({ type: 'fs.file_written', data: { path: target.value, size, hash, chunkSize, chunks: [...chunks], mode: mode & 0o7777 } });
}

/** rename(2) inside `/current`; null when there is nothing to do (same path). */
export function decideRename(tree: FsTree, from: string, to: string): Outcome<FsCommand | null> {
  const source = existing(tree, from);
  if (!source.ok) return source;
  const target = placeable(tree, to);
  if (!target.ok) return target;
  const { node, project } = source.value;
  if (project === target.value) return ok(null);
  if (target.value.startsWith(`${project}/`)) return refuse('EINVAL', `cannot move ${project} inside itself`);
  const there = tree.lookup(target.value.split('/'));
  if (there?.kind === 'dir' && node.kind === 'file') return refuse('EISDIR', `${target.value} is a directory`);
  if (there?.kind === 'file' && node.kind === 'dir') return refuse('ENOTDIR', `${target.value} is not a directory`);
  if (there?.kind === 'dir' && there.children.size > 0) return refuse('ENOTEMPTY', `${target.value} is not empty`);
  const data = { from: project, to: target.value };
  return ok(node.kind === 'dir' ? { type: 'fs.directory_renamed', data } : { type: 'fs.file_renamed', data });
}

/** A writable path whose parent folder exists. */
function placeable(tree: FsTree, path: string): Outcome<string> {
  const parts = writablePath(path);
  if (!parts.ok) return parts;
  const parent = tree.lookup(parts.value.slice(0, -1));
  if (!parent) return refuse('ENOENT', `the folder of ${projectPath(parts.value)} does not exist`);
  if (parent.kind !== 'dir') return refuse('ENOTDIR', `the parent of ${projectPath(parts.value)} is a file`);
  return ok(projectPath(parts.value));
}

function freeName(tree: FsTree, path: string): Outcome<string> {
  const target = placeable(tree, path);
  if (!target.ok) return target;
  if (tree.lookup(target.value.split('/'))) return refuse('EEXIST', `${target.value} exists`);
  return target;
}

function existing(tree: FsTree, path: string) {
  const parts = writablePath(path);
  if (!parts.ok) return parts;
  const node = tree.lookup(parts.value);
  if (!node) return refuse('ENOENT', `${projectPath(parts.value)} does not exist`);
  return ok({ node, project: projectPath(parts.value) });
}
