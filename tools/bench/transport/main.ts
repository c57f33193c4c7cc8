// Benchmark: NATS request/reply round trip through Lighthouse's transport (NatsBus client,
// msgpack frames, Nest microservice with LighthouseNatsServer) against a raw `nats` client
// request to a raw responder, in the same process and run, with a 300-byte payload.
import 'reflect-metadata';
import { Controller, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { createLogger } from '@lighthouse/observability';
import { findOrStartNats } from '@lighthouse/testing';
import { NatsBus, startNatsService } from '@lighthouse/transport';
import { connect } from 'nats';
import { latencySummary, timeSequential } from '../stats';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 10);
const PER_ROUND = Number(process.env['BENCH_PER_ROUND'] ?? 2000);
const OURS = `lh.bench.${process.pid}.echo`;
const RAW = `lh.bench.${process.pid}.raw`;

@Controller()
class EchoController {
  @MessagePattern(OURS)
  echo(@Payload() data: unknown) {
    return data;
  }
}

@Module({ controllers: [EchoController] })
class EchoModule {}

async function main(): Promise<void> {
  const nats = await findOrStartNats();
  const service = await startNatsService(EchoModule, { service: 'bench-echo', natsUrl: nats.url, logger: createLogger('bench', 'warn') });
  const bus = await NatsBus.connect({ servers: nats.url, name: 'bench-client' });
  const responder = await connect({ servers: nats.url });
  responder.subscribe(RAW, { callback: (_err, msg) => msg.respond(msg.data) });
  const client = await connect({ servers: nats.url });

  // 300 bytes on the wire for both paths: our frame adds the pattern and id around the payload.
  const payload = { text: 'x'.repeat(300 - OURS.length - 30) };
  const rawBytes = new Uint8Array(300).fill(120);
  const ours = () => bus.request(OURS, payload);
  const raw = () => client.request(RAW, rawBytes, { timeout: 5000 });

  await timeSequential(2000, ours);
  await timeSequential(2000, raw);
  const oursNs: number[] = [];
  const rawNs: number[] = [];
  // Interleaved rounds, so drift in machine load falls on both paths alike.
  for (let round = 0; round < ROUNDS; round++) {
    rawNs.push(...(await timeSequential(PER_ROUND, raw)));
    oursNs.push(...(await timeSequential(PER_ROUND, ours)));
  }

  await Promise.all([bus.close(), responder.close(), client.close()]);
  await service.close();
  await nats.stop();

  const mine = latencySummary(oursNs);
  const baseline = latencySummary(rawNs);
  const result = {
    bench: 'transport',
    payload_bytes: 300,
    requests: mine.n,
    p50_us: mine.p50_us,
    p95_us: mine.p95_us,
    p99_us: mine.p99_us,
    ratio_p50: Math.round((mine.p50_us / baseline.p50_us) * 100) / 100,
    baseline: { p50_us: baseline.p50_us, p95_us: baseline.p95_us, p99_us: baseline.p99_us },
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack}\n`);
  process.exit(1);
});
