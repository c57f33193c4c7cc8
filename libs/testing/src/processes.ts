import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on loopback, as the kernel hands it out. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Path of an executable on PATH (or in the usual sbin folders), or null. */
export function whichBinary(name: string): string | null {
  for (const dir of [...(process.env['PATH'] ?? '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin']) {
    if (!dir) continue;
    const candidate = `${dir}/${name}`;
    if (spawnSync('test', ['-x', candidate]).status === 0) return candidate;
  }
  return null;
}

/**
 * Finds an executable, installing its Debian package when it is missing and we may (root with
 * apt-get); otherwise fails with the exact command a person has to run.
 */
export function ensureBinary(name: string, debianPackage: string, log: (line: string) => void = () => undefined): string {
  const found = whichBinary(name);
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && whichBinary('apt-get')) {
    log(`${name} is missing: installing the Debian package ${debianPackage}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const result = spawnSync('apt-get', ['install', '-y', '-qq', debianPackage], { stdio: 'inherit', env });
    const installed = whichBinary(name);
    if (result.status === 0 && installed) return installed;
  }
  throw new Error(`${name} is not installed. Install it with: sudo apt-get install -y ${debianPackage}`);
}

/** A child process we started, and how to stop it (by its PID, waiting for it to exit). */
export interface OwnedProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export function spawnOwned(command: string, args: string[], label: string): OwnedProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  child.on('error', (error) => {
    stderr += String(error);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    pid: child.pid ?? -1,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
    toString: () => `${label} (pid ${child.pid}): ${stderr}`,
  } as OwnedProcess;
}

/**
 * Polls `probe` until it resolves true or the deadline passes. A probe that throws counts as
 * "not yet"; the last error is named in the timeout message.
 */
export async function waitFor(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await probe()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last: ${String(last)})` : ''}`);
}
