import { ensurePrerequisites, planPrerequisites, PREREQUISITES, type MachineState } from './prerequisites';

// The machine is stubbed: which prerequisites are present, root or not, apt-get or not.
const all = Object.fromEntries(PREREQUISITES.map((p) => [p.name, true]));
const machine = (missing: string[], isRoot: boolean, hasAptGet = true): MachineState => ({
  present: { ...all, ...Object.fromEntries(missing.map((name) => [name, false])) },
  isRoot,
  hasAptGet,
});

describe('planPrerequisites', () => {
  it('given everything installed, when planned, then there is nothing to do', () => {
    expect(planPrerequisites(machine([], false), 'test')).toEqual({ action: 'none' });
  });

  it('given a fresh machine without libfuse2, fusermount and chromium, as root, when planned for npm test, then it installs the three packages', () => {
    const plan = planPrerequisites(machine(['libfuse.so.2', 'fusermount', 'chromium'], true), 'test');
    expect(plan).toMatchObject({ action: 'install', packages: ['fuse', 'libfuse2', 'chromium'], command: ['apt-get', 'install', '-y', '-qq', 'fuse', 'libfuse2', 'chromium'] });
  });

  it('given the same machine without root, when planned for npm start, then it stops naming the packages and the exact command (chromium is for tests only)', () => {
    const plan = planPrerequisites(machine(['libfuse.so.2', 'fusermount', 'chromium'], false), 'start');
    expect(plan).toMatchObject({ action: 'fail', packages: ['fuse', 'libfuse2'], exitCode: 1 });
    expect(plan.action === 'fail' && plan.message).toContain('sudo apt-get update && sudo apt-get install -y fuse libfuse2\n');
    expect(plan.action === 'fail' && plan.message).toMatch(/`npm start` needs system packages that are missing: fuse \(fusermount.*\), libfuse2 \(libfuse\.so\.2/);
  });

  it('given only chromium missing, when planned for npm start, then nothing is needed; for npm test, chromium is', () => {
    expect(planPrerequisites(machine(['chromium'], false), 'start')).toEqual({ action: 'none' });
    expect(planPrerequisites(machine(['chromium'], false), 'test')).toMatchObject({ action: 'fail', packages: ['chromium'] });
  });

  it('given root on a machine without apt-get, when planned, then it stops and names the Debian packages', () => {
    const plan = planPrerequisites(machine(['nats-server', 'redis-server'], true, false), 'start');
    expect(plan).toMatchObject({ action: 'fail', packages: ['nats-server', 'redis-server'] });
    expect(plan.action === 'fail' && plan.message).toContain("your system's package manager");
  });
});

describe('ensurePrerequisites', () => {
  const io = (states: MachineState[]) => {
    const calls = { run: [] as string[][], exit: [] as number[], warn: [] as string[] };
    let probes = 0;
    return {
      calls,
      io: {
        probe: () => states[Math.min(probes++, states.length - 1)] as MachineState,
        run: (command: string[]) => void calls.run.push(command),
        log: () => undefined,
        warn: (line: string) => void calls.warn.push(line),
        exit: (code: number) => void calls.exit.push(code),
      },
    };
  };

  it('given root and missing packages that apt-get then installs, when ensured, then it updates, installs, and goes on', () => {
    const { calls, io: stub } = io([machine(['libfuse.so.2', 'chromium'], true), machine([], true)]);
    ensurePrerequisites('test', stub);
    expect(calls.run).toEqual([['apt-get', 'update', '-qq'], ['apt-get', 'install', '-y', '-qq', 'libfuse2', 'chromium']]);
    expect(calls.exit).toEqual([]);
  });

  it('given root and an install that did not bring the package, when ensured, then it exits non-zero naming it', () => {
    const { calls, io: stub } = io([machine(['chromium'], true)]);
    ensurePrerequisites('test', stub);
    expect(calls.exit).toEqual([1]);
    expect(calls.warn.join('\n')).toContain('still missing after apt-get install: chromium');
  });

  it('given no root, when ensured, then it runs nothing, prints the command and exits non-zero at once', () => {
    const { calls, io: stub } = io([machine(['fusermount', 'libfuse.so.2'], false)]);
    const started = Date.now();
    ensurePrerequisites('start', stub);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(calls.run).toEqual([]);
    expect(calls.exit).toEqual([1]);
    expect(calls.warn.join('\n')).toContain('sudo apt-get install -y fuse libfuse2');
  });
});
