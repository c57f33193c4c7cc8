import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { constants } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type FuseNative from 'fuse-native';

/** Mount points in /proc/mounts (octal escapes such as \040 decoded). */
export function mountedPaths(mounts = readFileSync('/proc/mounts', 'utf8')): string[] {
  return mounts
    .split('\n')
    .map((line) => line.split(' ')[1])
    .filter((field): field is string => !!field)
    .map((field) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8))));
}

export const isMounted = (mountPoint: string): boolean => mountedPaths().includes(resolve(mountPoint));

const run = (command: string, args: string[], timeoutMs: number): Promise<void> =>
  new Promise((done, fail) =>
    execFile(command, args, { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, _stdout, stderr) =>
      error ? fail(new Error(`${command} ${args.join(' ')}: ${stderr.trim() || error.message}`)) : done(),
    ),
  );

/**
 * Detaches whatever is mounted at `mountPoint` (a mount left by a killed mounter answers
 * ENOTCONN to everything): `fusermount -uz`, then `umount -l` if that did not do it. Lazy, so
 * a process still inside the dead mount does not keep it attached. Answers whether one was there.
 */
export async function clearStaleMount(mountPoint: string, timeoutMs = 5000): Promise<boolean> {
  const path = resolve(mountPoint);
  if (!isMounted(path)) return false;
  await run('fusermount', ['-uz', path], timeoutMs).catch(() => undefined);
  if (isMounted(path)) await run('umount', ['-l', path], timeoutMs);
  if (isMounted(path)) throw new Error(`${path} is still mounted after fusermount -uz and umount -l`);
  return true;
}

/**
 * Why this machine cannot mount FUSE, or null when it can (as far as can be told up front). The
 * setuid `fusermount` does not help a process that cannot open /dev/fuse itself: as uid 65534
 * with /dev/fuse 0600 root, the mount fails with "failed to open /dev/fuse: Permission denied".
 */
export async function fuseUnavailable(): Promise<string | null> {
  try {
    await access('/dev/fuse', constants.R_OK | constants.W_OK);
  } catch {
    return '/dev/fuse is missing or not usable by this process';
  }
  return null;
}

/** fuse-native's class. */
export type FuseBinding = typeof FuseNative;

/** Loads the native FUSE binding: only when mounting, so a machine without libfuse still runs the rest. */
export type FuseLoader = () => Promise<FuseBinding>;

// A plain require at the moment of mounting (not an import at the top, which would run when
// the service starts): fuse-native is CommonJS and loads its native addon as it is required.
const requireHere = createRequire(__filename);

/** fuse-native itself; its require fails (`libfuse.so.2: cannot open shared object file`) where libfuse 2 is missing. */
export const loadFuseNative: FuseLoader = async () => requireHere('fuse-native') as FuseBinding;

export interface MountOptions {
  /** The binding from a {@link FuseLoader}. */
  binding: FuseBinding;
  mountPoint: string;
  ops: Record<string, (...args: unknown[]) => void>;
  /** Milliseconds before fuse-native answers ETIMEDOUT to a call (except `untimed` ones). */
  opTimeoutMs: number;
  untimed: string[];
  timeoutMs?: number;
}

/** A live FUSE mount and how to take it down. */
export interface Mounted {
  mountPoint: string;
  unmount(): Promise<void>;
}

/**
 * Mounts `ops` at `mountPoint` (created if missing). Kernel caches of names and attributes are
 * off (timeouts '0': fuse-native drops a numeric 0), so a change from another pod shows at once.
 * `big_writes` lets writes arrive in 128 KiB pieces instead of 4 KiB; `atomic_o_trunc` passes
 * O_TRUNC to open, so `> file` is one commit instead of an empty one and then the content.
 */
export async function mount(options: MountOptions): Promise<Mounted> {
  const mountPoint = resolve(options.mountPoint);
  await mkdir(mountPoint, { recursive: true });
  const timeout: Record<string, number | false> = { default: options.opTimeoutMs };
  for (const call of options.untimed) timeout[call] = false;
  const fuse = new options.binding(mountPoint, options.ops, {
    mkdir: true,
    allowOther: process.getuid?.() === 0,
    fsname: 'lighthouse,big_writes,atomic_o_trunc',
    entryTimeout: '0',
    attrTimeout: '0',
    timeout,
  });
  await withTimeout(new Promise<void>((done, fail) => fuse.mount((error) => (error ? fail(error) : done()))), options.timeoutMs ?? 10_000, `mount ${mountPoint}`);
  return {
    mountPoint,
    unmount: async () => {
      try {
        await withTimeout(new Promise<void>((done, fail) => fuse.unmount((error) => (error ? fail(error) : done()))), options.timeoutMs ?? 10_000, `unmount ${mountPoint}`);
      } finally {
        await clearStaleMount(mountPoint).catch(() => undefined);
      }
    },
  };
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
