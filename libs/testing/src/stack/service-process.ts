import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { waitFor } from '../wait-for';

/** A process this kit started, and how to stop it (by its own PID, waiting until it is gone). */
export interface ServiceProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last 20 kB of what it wrote (stdout and stderr), for failure messages. */
  output(): string;
  /** Its exit code or signal once it has exited, else undefined. */
  exit(): string | undefined;
  /** SIGTERM (or `signal`), then SIGKILL after the grace period; resolves once it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface SpawnServiceOptions {
  /** Names the process in logs and errors. */
  name: string;
  /** A Node.js entry point (run with source maps); or `command` for anything else. */
  main?: string;
  /** Node/V8 flags before `main` (e.g. the services' SERVICE_NODE_FLAGS). */
  nodeFlags?: readonly string[];
  command?: string;
  args?: readonly string[];
  /** Laid over this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** Appends everything it writes to this file. */
  logFile?: string;
  cwd?: string;
  /** Between SIGTERM and SIGKILL (default 10 s). */
  graceMs?: number;
}

export interface StartServiceOptions extends SpawnServiceOptions {
  /** Resolves true once the process serves (a probe that throws counts as not yet); gets the process (e.g. to read its output). */
  ready: (started: ServiceProcess) => Promise<boolean> | boolean;
  readyTimeoutMs?: number;
}

const KEPT_OUTPUT = 20_000;

/** Starts a process without waiting for it; see {@link startService}. */
export function spawnService(options: SpawnServiceOptions): ServiceProcess {
  const command = options.main ? process.execPath : (options.command ?? process.execPath);
  const args = options.main ? ['--enable-source-maps', ...(options.nodeFlags ?? []), options.main, ...(options.args ?? [])] : [...(options.args ?? [])];
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-KEPT_OUTPUT));
  const log = options.logFile ? createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', keep);
    if (log) stream?.pipe(log, { end: false });
  }
  child.on('error', (error) => keep(Buffer.from(`${options.name}: ${error.message}\n`)));
  child.once('exit', () => log?.end());
  return {
    name: options.name,
    pid: child.pid ?? -1,
    child,
    output: () => output,
    exit: () => exitOf(child),
    stop: (signal = 'SIGTERM') => stopChild(child, options.graceMs, signal),
  };
}

/**
 * Starts a process and resolves once `ready` answers true; fails at once (naming its output)
 * when it exits first, or after the timeout, and stops it then.
 */
export async function startService(options: StartServiceOptions): Promise<ServiceProcess> {
  const started = spawnService(options);
  try {
    await waitFor(async () => await options.ready(started), options.readyTimeoutMs ?? 30_000, `${options.name} to be ready`, () => {
      const exit = started.exit();
      return exit === undefined ? undefined : `${options.name} exited (${exit}): ${started.output().slice(-4000)}`;
    });
    return started;
  } catch (error) {
    await started.stop();
    throw error;
  }
}

const exitOf = (child: ChildProcess): string | undefined =>
  child.signalCode !== null ? child.signalCode : child.exitCode !== null ? `code ${child.exitCode}` : undefined;

/** Stops a child: `signal` (SIGTERM), then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 10_000, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (exitOf(child) !== undefined || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops a process by its PID alone (SIGTERM, then SIGKILL after `graceMs`) and waits until it is gone. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  if (!alive()) return;
  process.kill(pid, 'SIGKILL');
  while (alive()) await new Promise((resolve) => setTimeout(resolve, 20));
}
