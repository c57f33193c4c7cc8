import { FS_LIMITS } from '@lighthouse/contracts';
import { ok, refuse, type Outcome } from './outcome';

/** The top-level folders of the mount, in the order `ls /` shows them. */
export const AREAS = ['current', 'history', 'shadows', 'agents', 'delegations', 'reservations', 'streams'] as const;
export type Area = (typeof AREAS)[number];

/** A mount path split into its area and the components below it; `area` is null for `/`. */
export interface MountPath {
  area: Area | null;
  parts: string[];
}

/** UTF-8 length without encoding (this runs on every filesystem call). */
const bytes = (value: string): number => Buffer.byteLength(value, 'utf8');
const isArea = (name: string): name is Area => (AREAS as readonly string[]).includes(name);

/**
 * Checks a path the kernel hands us (`/current/src/a.ts`) and splits it. NUL bytes and `.`/`..`
 * or empty components are EINVAL, a name over 255 bytes or a path over 4096 is ENAMETOOLONG,
 * an unknown top-level name is ENOENT.
 */
export function parseMountPath(path: string): Outcome<MountPath> {
  if (!path.startsWith('/')) return refuse('EINVAL', 'a mount path starts with /');
  if (path.includes('\u0000')) return refuse('EINVAL', 'NUL byte in path');
  if (bytes(path) > FS_LIMITS.pathBytes) return refuse('ENAMETOOLONG', `path over ${FS_LIMITS.pathBytes} bytes`);
  if (path === '/') return ok({ area: null, parts: [] });
  const names = path.slice(1).split('/');
  for (const name of names) {
    if (name === '' || name === '.' || name === '..') return refuse('EINVAL', `path component ${JSON.stringify(name)} is not allowed`);
    if (bytes(name) > FS_LIMITS.nameBytes) return refuse('ENAMETOOLONG', `name over ${FS_LIMITS.nameBytes} bytes`);
  }
  const [area, ...parts] = names as [string, ...string[]];
  if (!isArea(area)) return refuse('ENOENT', `no area ${area}`);
  return ok({ area, parts });
}

/**
 * A path that may be changed: inside `/current`, below it. Read-only areas answer EROFS; the
 * fixed layout (`/`, `/current` itself, the area folders) answers EACCES.
 */
export function writablePath(path: string): Outcome<string[]> {
  const parsed = parseMountPath(path);
  // A new name beside the areas: the layout is fixed.
  if (!parsed.ok && parsed.errno === 'ENOENT') return refuse('EACCES', 'the layout of the mount is fixed');
  if (!parsed.ok) return parsed;
  const { area, parts } = parsed.value;
  if (area === 'current' && parts.length > 0) return ok(parts);
  if (area === null || parts.length === 0) return refuse('EACCES', 'the layout of the mount is fixed');
  return refuse('EROFS', `/${area} is read-only`);
}

/** `['src', 'a.ts']` → `src/a.ts` (the form events carry). */
export const projectPath = (parts: readonly string[]): string => parts.join('/');

/** `src/a.ts` → `['src', 'a.ts']`. */
export const splitProjectPath = (path: string): string[] => path.split('/');
