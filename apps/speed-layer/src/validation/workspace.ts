import { posix } from 'node:path';

/** Where a call's paths are judged: the workspace rules see, and the directory relative paths resolve from. */
export interface CallWorkspace {
  workspaceRoot: string;
  /** Set only when relative paths resolve somewhere else than the workspace root. */
  cwd?: string;
}

/**
 * The workspace a validation is judged against. The operator configures it (`root`); the `cwd`
 * an agent sends is only a claim, so it may narrow the workspace (a cwd inside the root becomes
 * the workspace) but never widen it: a cwd outside the root (`/`, `/etc`, `/workspace/../etc`)
 * leaves the workspace at the root and only says where relative paths resolve.
 */
export function workspaceOf(root: string, cwd: string | undefined): CallWorkspace {
  const base = posix.normalize(root);
  if (cwd === undefined || !cwd.startsWith('/') || cwd.includes('\0')) return { workspaceRoot: base };
  const dir = trimSlash(posix.normalize(cwd));
  return isWithin(dir, trimSlash(base)) ? { workspaceRoot: dir } : { workspaceRoot: base, cwd: dir };
}

const trimSlash = (path: string): string => (path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
const isWithin = (path: string, root: string): boolean => path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
