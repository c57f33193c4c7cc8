// Test helpers: the built event-store and fuse-mounters as child processes, shell tools run
// against a mount with a deadline (a dead filesystem must fail a test, never hang it), and a
// cleanup that never deletes through a mount.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..', '..', '..', '..');

/** Bundles apps into private files (so test files building side by side never share one); answers their paths. */
export function buildApps(apps: string[], tag: string): string[] {
  const outfiles = apps.map((app) => join('dist', 'test', `${tag}-${process.pid}`, app, 'main.js'));
  const builds = apps.map((app, i) => `m.buildEntry('apps/${app}/src/main.ts', ${JSON.stringify(outfiles[i])})`).join(', ');
  const script = `import('./tools/build/build.mjs').then((m) => Promise.all([${builds}]))`;
  execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: 'pipe' });
  return outfiles.map((outfile) => join(ROOT, outfile));
}

export interface Child {
  child: ChildProcess;
  pid: number;
  log: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `node main` with `env`, keeping the last 20 kB of its output for failure messages. */
/** The built event-store on `natsUrl`, with a fresh log in `dir` and a random key; resolves once it answers. */
export async function startEventStore(main: string, natsUrl: string, dir: string, head: () => Promise<unknown>): Promise<Child> {
  const store = startProcess(main, { NATS_URL: natsUrl, LH_EVENT_DIR: dir, LH_EVENT_HMAC_KEYS: `1:${randomBytes(32).toString('base64')}`, LH_LOG_LEVEL: 'warn' });
  const exited = () => (store.child.exitCode !== null ? `event-store exited: ${store.log()}` : undefined);
  await poll(() => head().then(() => true), 30_000, 'the event store to answer', exited);
  return store;
}

export function startProcess(main: string, env: NodeJS.ProcessEnv, args: string[] = []): Child {
  return startCommand(process.execPath, [main, ...args], env);
}

/** Any command as a child process, its output kept (the last 20 kB). */
export function startCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  return {
    child,
    pid: child.pid as number,
    log: () => output,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Polls `probe` until true; `failed` names a reason to stop at once (a process that exited). */
export async function poll(probe: () => Promise<boolean> | boolean, timeoutMs: number, what: string, failed: () => string | undefined = () => undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = failed();
    if (failure) throw new Error(`${what}: ${failure}`);
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}

/** Mount points under `dir` that /proc/mounts lists. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((line) => (line.split(' ')[1] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((path) => path === dir || path.startsWith(`${dir}/`));
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

/** Resident memory of a process, in bytes. */
export function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
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
  const mounter = { process: startProcess(main, env), mountPoint, cacheDir, env };
  await waitMounted(mounter);
  return mounter;
}

export async function waitMounted(mounter: Mounter, timeoutMs = 30_000): Promise<void> {
  const exited = () => (mounter.process.child.exitCode !== null ? `the mounter exited: ${mounter.process.log()}` : undefined);
  await poll(
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
