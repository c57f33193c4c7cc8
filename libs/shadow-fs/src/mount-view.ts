import type { FileContent, TreeNode } from './fs-tree';
import type { LiveStreams } from './live-streams';
import { AREAS, parseMountPath, type Area } from './mount-path';
import { ok, refuse, type Outcome } from './outcome';
import type { ShadowState } from './shadow-state';

/** Where a file's bytes come from. */
export type FileBody =
  | { kind: 'chunks'; content: FileContent }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'stream'; name: string };

interface Times {
  /** Permission bits (the type bits follow from `type`). */
  mode: number;
  mtimeMs: number;
  ctimeMs: number;
}

export type ViewEntry =
  | (Times & { type: 'dir'; names: () => string[] })
  | (Times & { type: 'file'; size: number; writable: boolean; body: FileBody; owner?: string; sequence?: number });

const READ_ONLY_DIR = 0o555;
const READ_ONLY_FILE = 0o444;

/**
 * What the mount shows at `path`, answered from memory: the layout at `/`, the project tree
 * under `/current`, past versions under `/history`, notes under `/shadows`, JSON views under
 * `/agents`, `/delegations` and `/reservations`, live event files under `/streams`.
 */
export function resolveView(state: ShadowState, streams: LiveStreams, path: string): Outcome<ViewEntry> {
  const parsed = parseMountPath(path);
  if (!parsed.ok) return parsed;
  const { area, parts } = parsed.value;
  // Folders that are not in the tree carry the time of the last event (or of the mount).
  const latest = state.lastTimeMs || streams.startedMs;
  const times = { mtimeMs: latest, ctimeMs: latest };
  if (area === null) return ok({ type: 'dir', mode: 0o755, ...times, names: () => [...AREAS] });
  const resolved = AREA_VIEWS[area](state, streams, parts, times);
  return resolved ? ok(resolved) : refuse('ENOENT', `${path} does not exist`);
}

type AreaView = (state: ShadowState, streams: LiveStreams, parts: string[], times: Omit<Times, 'mode'>) => ViewEntry | undefined;

const dir = (times: Omit<Times, 'mode'>, names: () => string[], mode = READ_ONLY_DIR): ViewEntry => ({ type: 'dir', mode, ...times, names });
const bytesFile = (times: Omit<Times, 'mode'>, bytes: Uint8Array | undefined): ViewEntry | undefined =>
  bytes && { type: 'file', mode: READ_ONLY_FILE, ...times, size: bytes.length, writable: false, body: { kind: 'bytes', bytes } };

const AREA_VIEWS: Record<Area, AreaView> = {
  current: (state, _streams, parts, times) => {
    if (parts.length === 0) return dir(times, () => [...state.tree.root.children.keys()], 0o755);
    const node = state.tree.lookup(parts);
    return node && treeEntry(node);
  },
  history: (state, _streams, parts, times) => {
    const folder = state.history.folder(parts);
    if (folder) return dir(times, () => [...folder.names, ...folder.versions.map((v) => v.name)]);
    const version = parts.length > 0 ? state.history.version(parts.slice(0, -1), parts.at(-1) as string) : undefined;
    if (!version) return undefined;
    const stamp = { mtimeMs: version.timeMs, ctimeMs: version.timeMs };
    return { type: 'file', mode: version.mode & 0o555, ...stamp, size: version.size, writable: false, body: { kind: 'chunks', content: version }, owner: version.agent, sequence: version.sequence };
  },
  shadows: (state, _streams, parts, times) => {
    const entry = state.annotations.entry(parts);
    if (!entry) return parts.length === 0 ? dir(times, () => []) : undefined;
    return entry.kind === 'dir' ? dir(times, () => entry.names) : bytesFile(times, entry.bytes);
  },
  agents: (state, _streams, parts, times) => {
    if (parts.length === 0) return dir(times, () => state.agents.names());
    return parts.length === 1 ? bytesFile(times, state.agents.file(parts[0] as string)) : undefined;
  },
  delegations: (state, _streams, parts, times) => {
    if (parts.length === 0) return dir(times, () => state.delegations.names());
    return parts.length === 1 ? bytesFile(times, state.delegations.file(parts[0] as string)) : undefined;
  },
  reservations: (state, _streams, parts, times) => {
    if (parts.length === 0) return dir(times, () => state.reservations.names());
    return parts.length === 1 ? bytesFile(times, state.reservations.file(parts[0] as string)) : undefined;
  },
  streams: (_state, streams, parts, times) => {
    if (parts.length === 0) return dir(times, () => streams.names());
    const stat = parts.length === 1 ? streams.stat(parts[0] as string) : undefined;
    if (!stat) return undefined;
    const stamp = { mtimeMs: stat.mtimeMs, ctimeMs: stat.mtimeMs };
    return { type: 'file', mode: READ_ONLY_FILE, ...stamp, size: stat.size, writable: false, body: { kind: 'stream', name: parts[0] as string } };
  },
};

function treeEntry(node: TreeNode): ViewEntry {
  const stamp = { mode: node.mode, mtimeMs: node.mtimeMs, ctimeMs: node.ctimeMs };
  if (node.kind === 'dir') return { type: 'dir', ...stamp, names: () => [...node.children.keys()] };
  return { type: 'file', ...stamp, size: node.size, writable: true, body: { kind: 'chunks', content: node }, owner: node.owner, sequence: node.sequence };
}
