import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { EventEnvelope } from '@lighthouse/contracts';
import type { KeyringInput } from './keyring';
import { EventLog } from './event-log';
import { FAULT_POINTS, type FaultPoint } from './fault-point';
import { verifyLog } from './verify';
import { makeTempDir, recordingLogger, removeDir } from './testing/log-test-kit';

const REPO_ROOT = resolve(__dirname, '../../..');
const SAFETY_KILL_MS = 5000;

interface Ack {
  id: string;
  sequence: number;
  data: Record<string, unknown>;
}

interface Round {
  fault?: FaultPoint;
  after?: number;
  killAfterMs?: number;
}

interface ChildRun {
  acks: Ack[];
  signal: NodeJS.Signals | null;
  killedByParent: boolean;
  stderr: string;
}

function randomInt(below: number): number {
  return Math.floor(Math.random() * below);
}

describe('crash safety under kill -9', () => {
  let workDir: string;
  let childScript: string;
  let dir: string;
  const secret = randomBytes(32);
  const keyring: KeyringInput = { keys: [{ id: 1, secret }], activeKeyId: 1 };

  beforeAll(async () => {
    workDir = await makeTempDir();
    dir = join(workDir, 'log');
    childScript = join(workDir, 'crash-child.js');
    await build({
      entryPoints: [join(__dirname, 'testing', 'crash-child.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      tsconfig: join(REPO_ROOT, 'tsconfig.base.json'),
      packages: 'external',
      outfile: childScript,
      logLevel: 'silent',
    });
  });

  afterAll(async () => {
    await removeDir(workDir);
  });

  function runChild(round: Round): Promise<ChildRun> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [childScript], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          NODE_PATH: join(REPO_ROOT, 'node_modules'),
          LH_EVENT_LOG_DIR: dir,
          LH_EVENT_LOG_KEY: secret.toString('hex'),
          LH_EVENT_LOG_FAULT: round.fault ?? '',
          LH_EVENT_LOG_FAULT_AFTER: String(round.after ?? 1),
        },
      });
      let stdout = '';
      let stderr = '';
      let killedByParent = false;
      let timer: NodeJS.Timeout | undefined;
      const kill = () => {
        killedByParent = true;
        child.kill('SIGKILL');
      };
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (!timer && stdout.startsWith('ready\n')) timer = setTimeout(kill, round.killAfterMs ?? SAFETY_KILL_MS);
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const safety = setTimeout(kill, SAFETY_KILL_MS * 2);
      child.on('error', reject);
      child.on('close', (_code, signal) => {
        clearTimeout(timer);
        clearTimeout(safety);
        const acks = stdout
          .split('\n')
          .filter((line) => line.startsWith('ack '))
          .map((line) => JSON.parse(line.slice(4)) as Ack);
        resolvePromise({ acks, signal, killedByParent, stderr });
      });
    });
  }

  async function readFrom(log: EventLog, fromSequence: number): Promise<Map<number, EventEnvelope>> {
    const bySequence = new Map<number, EventEnvelope>();
    for (let from: number | null = fromSequence; from !== null; ) {
      const page = await log.read({ fromSequence: from, limit: 1000 });
      for (const event of page.events) bySequence.set(event.sequence, event);
      from = page.nextSequence;
    }
    return bySequence;
  }

  /** Reopens the log the way a restarted service would and checks every acknowledged event. */
  async function checkAfterCrash(acks: Ack[]): Promise<string[]> {
    expect((await verifyLog(dir, keyring)).ok).toBe(true);
    const logger = recordingLogger();
    const log = await EventLog.open({ dir, keyring, logger });
    const first = Math.min(...acks.map((ack) => ack.sequence), log.head().lastSequence + 1);
    const stored = await readFrom(log, first);
    const missing = acks.filter((ack) => stored.get(ack.sequence)?.id !== ack.id);
    const changed = acks.filter((ack) => JSON.stringify(stored.get(ack.sequence)?.data) !== JSON.stringify(ack.data));
    await log.close();
    expect({ missing, changed }).toEqual({ missing: [], changed: [] });
    expect(await verifyLog(dir, keyring)).toMatchObject({ ok: true, problems: [] });
    return logger.warnings.map((warning) => warning.message);
  }

  it('keeps every acknowledged event, unchanged, whenever the process is killed', async () => {
    // given
    const rounds: Round[] = [
      ...FAULT_POINTS.map((fault) => ({ fault, after: 1 + randomInt(4) })),
      ...Array.from({ length: 6 }, () => ({ killAfterMs: 20 + randomInt(250) })),
    ];
    const everyAck: Ack[] = [];
    const repairs: string[] = [];

    for (const round of rounds) {
      // when
      const run = await runChild(round);

      // then
      expect({ round, signal: run.signal, stderr: run.stderr.includes('crash-child failed') ? run.stderr : '' }).toEqual({ round, signal: 'SIGKILL', stderr: '' });
      if (round.fault) expect({ round, killedByParent: run.killedByParent }).toEqual({ round, killedByParent: false });
      everyAck.push(...run.acks);
      repairs.push(...(await checkAfterCrash(run.acks)));
    }

    const log = await EventLog.open({ dir, keyring, logger: recordingLogger() });
    const stored = await readFrom(log, 1);
    await log.close();
    expect(everyAck.length).toBeGreaterThan(100);
    expect(everyAck.filter((ack) => stored.get(ack.sequence)?.id !== ack.id)).toEqual([]);
    const torn = repairs.filter((message) => message.includes('torn')).length;
    console.log(`${rounds.length} kill rounds, ${everyAck.length} acknowledged events, ${stored.size} stored, ${torn} torn tail(s) cut, ${repairs.length - torn} compression leftover(s) removed`);
  }, 60_000);
});
