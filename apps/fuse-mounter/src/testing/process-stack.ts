// Test helpers of the fuse-mounter: the built event-store and fuse-mounters as processes (through
// the stack kit in libs/testing), shell tools run against a mount with a deadline (a dead
// filesystem must fail a test, never hang it), and a cleanup that never deletes through a mount.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnService, startService, waitFor, type ServiceProcess } from '@lighthouse/testing';
import { mountedPaths } from '../mount/mount-point';

/** A process the kit started (see libs/testing): `output()` holds its last 20 kB. */
export type Child = ServiceProcess;

/** The built event-store on `natsUrl`, with a fresh log in `dir` and a random key; resolves once it answers. */
export function startEventStore(main: string, natsUrl: string, dir: string, head: () => Promise<unknown>): Promise<Child> {
  return startService({
    name: 'event-store',
    main,
    env: { NATS_URL: natsUrl, LH_EVENT_DIR: dir, LH_EVENT_HMAC_KEYS: `1:${randomBytes(32).toString('base64')}`, LH_LOG_LEVEL: 'warn' },
    ready: () => head().then(() => true),
  });
}

/** Mount points under `dir` that /proc/mounts lists. */
export function mountsUnder(dir: string): string[] {
  return mountedPaths().filter((path) => path === dir || path.startsWith(`${dir}/`));
}

export interface ShellResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a bash script under `timeout` (SIGKILL 2 s after), so a hung mount fails the call. */
export function sh(script: string, seconds = 20, cwd?: string): Promise<ShellResult> {
  return new Promise((done) => {
    execFile('timeout', ['-k', '2', String(seconds), 'bash', '-c', script], { cwd, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, stdout, stderr });
    });
  });
}

export interface Mounter {
  process: Child;
  mountPoint: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
}

/** Starts a fuse-mounter and waits until its mount answers. */
export async function startMounter(main: string, natsUrl: string, dir: string, name: string, extra: NodeJS.ProcessEnv = {}): Promise<Mounter> {
  const mountPoint = join(dir, `mnt-${name}`);
  const cacheDir = join(dir, `cache-${name}`);
  mkdirSync(mountPoint, { recursive: true });
  const env = {
    NATS_URL: natsUrl,
    LH_LOG_LEVEL: 'warn',
    LH_FUSE_MOUNT_POINT: mountPoint,
    LH_FUSE_CACHE_DIR: cacheDir,
    LH_FUSE_AGENT: `pod-${name}`,
    ...extra,
  };
  const mounter = { process: spawnService({ name: `fuse-mounter-${name}`, main, env }), mountPoint, cacheDir, env };
  await waitMounted(mounter);
  return mounter;
}

export async function waitMounted(mounter: Mounter, timeoutMs = 30_000): Promise<void> {
  const exited = () => (mounter.process.exit() !== undefined ? `the mounter exited: ${mounter.process.output()}` : undefined);
  await waitFor(
    async () => mountsUnder(mounter.mountPoint).length > 0 && (await sh(`ls ${mounter.mountPoint}/current`, 5)).code === 0,
    timeoutMs,
    `the mount at ${mounter.mountPoint}`,
    exited,
  );
}

/**
 * Detaches anything still mounted under `dir`, then deletes `dir` — but only when nothing is
 * mounted there any more (deleting through a live mount would delete the project).
 */
export async function cleanUp(dir: string): Promise<string[]> {
  for (const mountPoint of mountsUnder(dir)) {
    await sh(`fusermount -uz ${JSON.stringify(mountPoint)} || umount -l ${JSON.stringify(mountPoint)}`, 10);
  }
  const left = mountsUnder(dir);
  if (left.length === 0) rmSync(dir, { recursive: true, force: true });
  return left;
}
