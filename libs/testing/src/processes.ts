import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { spawnService, type ServiceProcess } from './stack/service-process';
import { waitFor } from './wait-for';

/**
 * A free TCP port on loopback for a server a test starts. Drawn at random below the kernel's
 * ephemeral range (32768-60999 on Linux): a port from `listen(0)` comes from that range, where
 * any outgoing connection (to NATS, to Redis) may take it as its local port before our server
 * binds it, and the service then dies with EADDRINUSE. Below the range only another explicit
 * bind can take it; the port is checked bindable, and a clash is unlikely among 12 000.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port)) return port;
  }
  throw new Error('no free port below the ephemeral range after 50 tries');
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
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

/** A server this library started (nats-server, redis-server); see {@link spawnService}. */
export type OwnedProcess = ServiceProcess;

/** Starts a server binary; its output is kept for the error should it not come up. */
export function spawnOwned(command: string, args: string[], label: string): OwnedProcess {
  return spawnService({ name: label, command, args, graceMs: 5000 });
}

export { waitFor };
