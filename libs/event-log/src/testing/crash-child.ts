// Child process for the kill -9 crash test (event-log.crash.spec.ts): opens the log, runs
// concurrent appenders, and prints one `ack` line per event after its append resolved. With
// LH_EVENT_LOG_FAULT set, it SIGKILLs itself at that fault point (after LH_EVENT_LOG_FAULT_AFTER hits).
import { randomUUID } from 'node:crypto';
import { EventLog } from '../event-log';
import type { FaultHook, FaultPoint } from '../fault-point';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function faultHook(): FaultHook | undefined {
  const fault = process.env['LH_EVENT_LOG_FAULT'] as FaultPoint | undefined;
  if (!fault) return undefined;
  const after = Number(process.env['LH_EVENT_LOG_FAULT_AFTER'] ?? '1');
  let hits = 0;
  return (point) => {
    if (point === fault && ++hits >= after) process.kill(process.pid, 'SIGKILL');
  };
}

async function appendForever(log: EventLog, appender: number): Promise<void> {
  for (let round = 0; ; round++) {
    const stream = `appender-${appender}`;
    const events = Array.from({ length: 1 + (round % 3) }, (_, i) => ({
      id: randomUUID(),
      type: 'crash.test',
      stream,
      agent: `agent-${appender}`,
      correlationId: `c-${appender}-${round}`,
      causationId: null,
      schemaVersion: 1,
      data: { appender, round, i, pad: 'x'.repeat(20 + Math.floor(Math.random() * 300)) },
    }));
    const { result } = await log.append({ events });
    if (result.status !== 'committed') throw new Error('unexpected conflict');
    const lines = events.map((event, i) => `ack ${JSON.stringify({ id: event.id, sequence: result.sequences[i], data: event.data })}\n`);
    process.stdout.write(lines.join(''));
  }
}

async function main(): Promise<void> {
  const log = await EventLog.open({
    dir: env('LH_EVENT_LOG_DIR'),
    keyring: { keys: [{ id: 1, secret: Buffer.from(env('LH_EVENT_LOG_KEY'), 'hex') }], activeKeyId: 1 },
    segmentBytes: Number(process.env['LH_EVENT_LOG_SEGMENT_BYTES'] ?? 16 * 1024),
    faultHook: faultHook(),
    logger: {
      warn: (details, message) => process.stderr.write(`warn ${message} ${JSON.stringify(details)}\n`),
      error: (details, message) => process.stderr.write(`error ${message} ${JSON.stringify(details)}\n`),
    },
  });
  process.stdout.write('ready\n');
  const appenders = Number(process.env['LH_EVENT_LOG_APPENDERS'] ?? '8');
  await Promise.all(Array.from({ length: appenders }, (_, appender) => appendForever(log, appender)));
}

main().catch((error: unknown) => {
  process.stderr.write(`crash-child failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
