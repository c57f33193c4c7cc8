// Micro-harness (issue 16): one memory-tier hit of the speed layer in process, as the service
// handles it: the request frame decoded, the handler (its contract parse included), the decision
// journaled through the real group commit and encoding (the JetStream publish is the only part
// left out: it resolves at once), and the reply frame encoded. Prints CPU µs and bytes allocated
// per validation as one JSON line (medians over batches of 1000 in flight; bytes only from batches
// that saw no GC). Build it like a bench (buildEntry of tools/build/build.mjs) and run the bundle
// with a large young generation so a batch sees no GC: node --max-semi-space-size=256 --expose-gc <bundle>
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { PerformanceObserver } from 'node:perf_hooks';
import { MemoryTier } from '@lighthouse/policy';
import { FrameCodec } from '@lighthouse/transport';
import { ServiceMetrics } from '@lighthouse/observability';
import { RequestKeyCache } from '../../../apps/speed-layer/src/validation/decision-cache';
import { DecisionJournal } from '../../../apps/speed-layer/src/validation/decision-journal';
import { GroupCommit } from '../../../apps/speed-layer/src/validation/group-commit';
import { ValidationController } from '../../../apps/speed-layer/src/validation/validation.controller';
import { ValidationService, type ValidationParts } from '../../../apps/speed-layer/src/validation/validation.service';

const CALLS = Number(process.env['BENCH_CALLS'] ?? 20000);
const BATCH = 1000;
const COMMANDS = ['git status', 'ls -la src', 'npm test', 'cat package.json', 'git diff --stat'];

async function main(): Promise<void> {
  const codec = new FrameCodec();
  const memory = new MemoryTier({ max: 10_000 });
  const requestKeys = new RequestKeyCache(10_000);
  COMMANDS.forEach((command, i) => {
    requestKeys.set(RequestKeyCache.rawKeyOf('Bash', '/workspace/app', { command }), `k${i}`);
    memory.set(`k${i}`, { decision: 'allow', source: 'policy', reason: `rule allows ${command}`, basis: 'rule', ruleId: 'allow.read', effects: [{ kind: 'read', target: '/workspace/app/src', class: 'workspace', risky: false, command: command.split(' ')[0] as string }] as never });
  });
  const journal = Object.create(DecisionJournal.prototype) as DecisionJournal;
  const published = { groups: 0, bytes: 0 };
  Object.assign(journal, {
    codec,
    bus: { streams: { publishEncoded: async (_subject: string, data: Uint8Array) => { published.groups++; published.bytes += data.length; } } },
  });
  Object.assign(journal, { groups: new GroupCommit((parts) => (journal as unknown as { publishGroup(p: readonly Uint8Array[]): Promise<void> }).publishGroup(parts), { maxEntries: 1000, maxBytes: 256 * 1024, maxInFlight: 2 }) });
  const parts = { memory, requestKeys, journal, metrics: new ServiceMetrics('speed-layer') } as unknown as ValidationParts;
  const controller = new ValidationController(new ValidationService(parts));
  const actor = { agent: 'agent-1', operator: false, roles: [], capacity: 4 };
  const frames = COMMANDS.map((command) => codec.encode({ pattern: 'lh.speed.cmd.validate.v1', id: randomUUID(), data: { actor, request: { tool: 'Bash', input: { command }, cwd: '/workspace/app' } } }));
  let n = 0;
  const one = async () => {
    const request = codec.decodeRequest(frames[n++ % frames.length] as Uint8Array);
    const response = await controller.validate(request.data as never);
    if (response.tier !== 'memory') throw new Error(`not a memory hit: ${JSON.stringify(response)}`);
    codec.encode({ id: request.id, response, isDisposed: true });
  };
  // Concurrency like a loaded service: BATCH validations in flight share group commits.
  const batch = () => Promise.all(Array.from({ length: BATCH }, one));
  for (let i = 0; i < 20; i++) await batch();
  let gcs = 0;
  new PerformanceObserver((list) => (gcs += list.getEntries().length)).observe({ entryTypes: ['gc'] });
  const bytes: number[] = [];
  const cpu: number[] = [];
  for (let done = 0; done < CALLS; done += BATCH) {
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setTimeout(r, 20));
    const before = gcs;
    const heap = process.memoryUsage().heapUsed;
    const started = process.cpuUsage();
    await batch();
    const used = process.cpuUsage(started);
    const allocated = process.memoryUsage().heapUsed - heap;
    await new Promise((r) => setTimeout(r, 20));
    cpu.push((used.user + used.system) / BATCH);
    if (gcs === before) bytes.push(allocated / BATCH);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? null;
  process.stdout.write(`${JSON.stringify({ bench: 'speed-layer-memory-hit', calls: CALLS, cpu_us_per_validation: median(cpu), bytes_per_validation: median(bytes), batches_without_gc: bytes.length, groups: published.groups })}\n`);
}

void main();
