import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LoadResultSchema, type LoadResult } from './result';
import { loadScenario } from './scenario';

// A short run of `npm run load` as a user runs it: it builds and starts the local stack, drives
// 20 agents for 5 s, prints the table, writes the report, and stops everything it started.
const repo = join(__dirname, '..', '..', '..');
const scenario = loadScenario(repo);

describe('npm run load (20 agents, 5 s)', () => {
  let dir: string;
  let stdout: string;
  let status: number | null;
  let result: LoadResult;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lh-load-smoke-'));
    const run = spawnSync(process.execPath, ['tools/load/run.mjs', '--agents', '20', '--duration', '5s', '--report', dir], { cwd: repo, encoding: 'utf8', timeout: 280_000, killSignal: 'SIGINT' });
    stdout = run.stdout;
    status = run.status;
    if (status !== 0) process.stderr.write(`load run failed (${status}):\n${run.stderr.slice(-4000)}\n`);
    result = LoadResultSchema.parse(JSON.parse(readFileSync(join(dir, 'result.json'), 'utf8')));
  }, 300_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ends by itself and prints the targets table', () => {
    expect(status).toBe(0);
    for (const target of scenario.targets) expect(stdout).toContain(target.title);
    expect(stdout).toMatch(/validate\.repeat\s+\d+/);
    expect(existsSync(join(dir, 'report.html'))).toBe(true);
  });

  it('opened every session and ran the mix without an unexpected error', () => {
    const op = (name: string) => result.operations.find((o) => o.op === name);
    expect(op('session.create')).toMatchObject({ n: 20, okN: 20 });
    expect(op('expert.register')).toMatchObject({ n: 2, okN: 2 });
    expect(op('validate.repeat')?.okN).toBeGreaterThan(0);
    expect(op('baseline.live')?.n).toBeGreaterThan(10);
    expect(result.errors.rows.filter((r) => !r.deliberate)).toEqual([]);
  });

  it("sampled every process of the stack and read the event store's appends", () => {
    const names = result.processes.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['gateway', 'session-registry', 'speed-layer', 'delegation-router', 'event-store', 'fuse-mounter', 'nats-server', 'load-driver']));
    for (const p of result.processes) expect(p.series.length).toBeGreaterThanOrEqual(3);
    expect(result.eventStore?.appends).toBeGreaterThan(0);
    expect(result.cost?.requests).toBeGreaterThan(0);
  });

  it('stopped every process it started', () => {
    const started = result.processes.filter((p) => p.name !== 'load-driver' && !p.name.includes('(shared)'));
    for (const p of started) expect(existsSync(`/proc/${p.pid}`)).toBe(false);
  });
});
