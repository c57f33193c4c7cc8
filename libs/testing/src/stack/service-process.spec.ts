import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SERVICE_NODE_FLAGS } from '@lighthouse/config';
import { spawnService, startService, stopPid } from './service-process';

// Real child processes (no mocks): the kit must stop what ignores SIGTERM, and report at once a
// service that died while starting.
const node = (script: string) => ({ command: process.execPath, args: ['-e', script] });

describe('the stack kit stopping processes', () => {
  it('given a process that ignores SIGTERM, when stopped, then it is killed after the grace period', async () => {
    const stubborn = spawnService({ name: 'stubborn', ...node("process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000)"), graceMs: 300 });
    await new Promise((resolve) => stubborn.child.stdout?.once('data', resolve));
    const started = Date.now();
    await stubborn.stop();
    expect(stubborn.exit()).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(existsSync(`/proc/${stubborn.pid}`)).toBe(false);
  });

  it('given a process that exits on SIGTERM, when stopped by its pid, then it is gone', async () => {
    const polite = spawnService({ name: 'polite', ...node('setInterval(() => {}, 1000)') });
    await stopPid(polite.pid, 5000);
    expect(existsSync(`/proc/${polite.pid}`)).toBe(false);
  });
});

describe('the stack kit waiting for a service', () => {
  it('given a service that exits while starting, when started, then it fails at once naming its output', async () => {
    const started = Date.now();
    await expect(startService({ name: 'broken', ...node("console.error('no config'); process.exit(78)"), ready: () => false, readyTimeoutMs: 20_000 })).rejects.toThrow(
      /broken exited \(code 78\).*no config/s,
    );
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('given a service that says it is ready, when started, then it resolves and serves until stopped', async () => {
    const service = await startService({ name: 'ready', ...node("console.log('ready'); setInterval(() => {}, 1000)"), ready: (p) => p.output().includes('ready') });
    expect(service.exit()).toBeUndefined();
    await service.stop();
    expect(service.exit()).toBe('SIGTERM');
  });
});

describe('the stack kit starting a Node.js entry point', () => {
  it('given node flags, when a main is spawned, then the process starts with them and with source maps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lh-service-flags-'));
    try {
      const main = join(dir, 'main.js');
      writeFileSync(main, 'console.log(JSON.stringify(process.execArgv));');
      const child = spawnService({ name: 'flags', main, nodeFlags: [...SERVICE_NODE_FLAGS] });
      await new Promise((resolve) => child.child.once('exit', resolve));
      expect(JSON.parse(child.output().trim())).toEqual(['--enable-source-maps', ...SERVICE_NODE_FLAGS]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
