import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { LighthouseError } from '@lighthouse/contracts';
import { createLogger } from '@lighthouse/observability';
import { startNats, uniqueName, type NatsHandle } from '@lighthouse/testing';
import { connect, type NatsConnection } from 'nats';
import { pack, unpack } from 'msgpackr';
import { z } from 'zod';
import { NatsBus } from './nats-bus';
import { startNatsService } from './nats-service';
import { ZodValidationPipe } from './zod-validation.pipe';

const prefix = uniqueName('lh.test');
const S = {
  echo: `${prefix}.echo`,
  conflict: `${prefix}.conflict`,
  crash: `${prefix}.crash`,
  typed: `${prefix}.typed`,
  slow: `${prefix}.slow`,
  huge: `${prefix}.huge`,
  traceId: `${prefix}.trace`,
};

@Controller()
class ProbeController {
  @MessagePattern(S.echo)
  echo(@Payload() data: unknown) {
    return data;
  }

  @MessagePattern(S.conflict)
  conflict() {
    throw new LighthouseError('CONFLICT', 'expected version 3, stream is at 4');
  }

  @MessagePattern(S.crash)
  crash() {
    throw new Error('secret internals');
  }

  @MessagePattern(S.typed)
  typed(@Payload(new ZodValidationPipe(z.strictObject({ n: z.number().int() }))) data: { n: number }) {
    return { doubled: data.n * 2 };
  }

  /** A reply over the frame limit (what an unpaged read of agents' large events once built). */
  @MessagePattern(S.huge)
  huge() {
    return { blob: 'x'.repeat(1_200_000) };
  }

  @MessagePattern(S.slow)
  async slow() {
    await new Promise((resolve) => setTimeout(resolve, 500));
    return 'late';
  }

  @MessagePattern(S.traceId)
  traceId() {
    return trace.getActiveSpan()?.spanContext().traceId ?? null;
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

describe('transport against a real NATS', () => {
  let nats: NatsHandle;
  let service: INestMicroservice;
  let bus: NatsBus;
  let raw: NatsConnection;

  beforeAll(async () => {
    // A private server that accepts 8 MB messages, so an oversized frame reaches our decoder.
    nats = await startNats({ maxPayloadBytes: 8 * 1024 * 1024 });
    service = await startNatsService(ProbeModule, {
      service: 'probe',
      natsUrl: nats.url,
      logger: createLogger('probe', 'silent'),
      maxFrameBytes: 1024 * 1024,
    });
    bus = await NatsBus.connect({ servers: nats.url, name: 'probe-client', timeoutMs: 2000 });
    raw = await connect({ servers: nats.url });
  }, 30_000);

  afterAll(async () => {
    await raw?.close();
    await bus?.close();
    await service?.close();
    await nats?.stop();
  });

  const rawRequest = async (subject: string, bytes: Uint8Array) => unpack((await raw.request(subject, bytes, { timeout: 2000 })).data);

  it('round-trips a payload through the msgpack codec', async () => {
    const payload = { text: 'hello', n: 42, nested: { list: [1, 2, 3] } };
    await expect(bus.request(S.echo, payload)).resolves.toEqual(payload);
  });

  it('answers a malformed msgpack frame with a typed error and keeps answering', async () => {
    const reply = await rawRequest(S.echo, Uint8Array.from([0xc1, 0xff, 0x00]));
    expect(reply).toMatchObject({ err: { code: 'MALFORMED_FRAME' } });
    await expect(bus.request(S.echo, 'still here')).resolves.toBe('still here');
  });

  it('answers a frame that is msgpack but not a request with a typed error', async () => {
    expect(await rawRequest(S.echo, pack([1, 2, 3]))).toMatchObject({ err: { code: 'MALFORMED_FRAME' } });
  });

  it('answers a 2 MB frame with PAYLOAD_TOO_LARGE and keeps answering', async () => {
    const big = pack({ pattern: S.echo, data: 'x'.repeat(2 * 1024 * 1024), id: '1' });
    expect(await rawRequest(S.echo, big)).toMatchObject({ err: { code: 'PAYLOAD_TOO_LARGE' } });
    await expect(bus.request(S.echo, 'still here')).resolves.toBe('still here');
  });

  it('answers a handler whose reply is over the frame limit with PAYLOAD_TOO_LARGE, and keeps running', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      await expect(bus.request(S.huge, {})).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(rejections).toEqual([]);
      expect(await bus.request(S.echo, { still: 'here' })).toEqual({ still: 'here' });
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('refuses to send a 2 MB payload from the client side too', async () => {
    await expect(bus.request(S.echo, 'x'.repeat(2 * 1024 * 1024))).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('carries a LighthouseError across with its code and message', async () => {
    const error = await bus.request(S.conflict, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LighthouseError);
    expect(error).toMatchObject({ code: 'CONFLICT', message: 'expected version 3, stream is at 4' });
  });

  it('hides the details of an unexpected error behind INTERNAL', async () => {
    await expect(bus.request(S.crash, {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'internal error' });
  });

  it('validates payloads against their schema, unknown fields included', async () => {
    await expect(bus.request(S.typed, { n: 21 })).resolves.toEqual({ doubled: 42 });
    await expect(bus.request(S.typed, { n: 'x' })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(bus.request(S.typed, { n: 1, admin: true })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('fails a request past its deadline with DEADLINE_EXCEEDED', async () => {
    await expect(bus.request(S.slow, {}, { timeoutMs: 100 })).rejects.toMatchObject({ code: 'DEADLINE_EXCEEDED' });
  });

  it('reports a subject nobody serves as SERVICE_UNAVAILABLE', async () => {
    await expect(bus.request(`${prefix}.nobody`, {})).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('delivers published payloads that match the schema to a subscriber, and drops the rest', async () => {
    const subject = `${prefix}.evt`;
    const seen: Array<{ n: number }> = [];
    const subscription = bus.subscribe(subject, z.strictObject({ n: z.number() }), (payload) => seen.push(payload));
    await bus.flush();
    bus.publish(subject, { n: 1 });
    bus.publish(subject, { n: 'not a number' });
    raw.publish(subject, Uint8Array.from([0xc1]));
    bus.publish(subject, { n: 2 });
    await bus.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    subscription.unsubscribe();
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('carries the trace context in NATS headers', async () => {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    try {
      const span = trace.getTracer('test').startSpan('client');
      const remoteTraceId = await context.with(trace.setSpan(context.active(), span), () => bus.request(S.traceId, {}));
      span.end();
      expect(remoteTraceId).toBe(span.spanContext().traceId);
      expect(remoteTraceId).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      trace.disable();
      propagation.disable();
      context.disable();
    }
  });

  it('publishes pre-encoded bytes into a JetStream stream: acknowledged with their sequence, a repeated message id stored once, no stream refused', async () => {
    const stream = `PROBE_${Date.now()}`;
    await bus.streams.ensure({ name: stream, subjects: [`probe.js.${stream}`], retention: 'limits' });
    const bytes = bus.codec.encodeArrayOf([bus.codec.encodeValue({ a: 1 }), bus.codec.encodeValue({ b: 2 })]);
    const first = await bus.streams.publishEncoded(`probe.js.${stream}`, bytes, { msgId: 'm-1', stream });
    const again = await bus.streams.publishEncoded(`probe.js.${stream}`, bytes, { msgId: 'm-1', stream });
    const next = await bus.streams.publishEncoded(`probe.js.${stream}`, bytes, { msgId: 'm-2', stream });
    expect([first.seq, again.seq, next.seq]).toEqual([1, 1, 2]);
    await expect(bus.streams.publishEncoded('probe.js.nobody', bytes, { stream })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });

  it('takes an acknowledgement only from the stream it expects: a plain subscriber answering {"seq":1} first is no JetStream ack', async () => {
    // A publish of pre-encoded bytes is a core request: anyone subscribed to the subject may reply.
    // An impostor's reply must not count as "stored" (no stream holds the message).
    const impostor = await connect({ servers: nats.url, name: 'ack-impostor' });
    try {
      const subject = `probe.forged.${Date.now()}`;
      const sub = impostor.subscribe(subject, { callback: (_error, msg) => msg.respond(new TextEncoder().encode(JSON.stringify({ stream: 'SOMETHING_ELSE', seq: 1 }))) });
      await impostor.flush();
      const bytes = bus.codec.encodeArrayOf([bus.codec.encodeValue({ a: 1 })]);
      await expect(bus.streams.publishEncoded(subject, bytes, { stream: 'EXPECTED_STREAM' })).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE', message: expect.stringContaining('EXPECTED_STREAM') });
      sub.unsubscribe();
    } finally {
      await impostor.close();
    }
  });

  it('is listening on every subject by the time it reports started, so a request right after start is answered', async () => {
    // A second replica's start, over and over: each request goes out the moment start resolves.
    // Before the subscriptions were flushed to the server, some of these got "no responders".
    const other = await NatsBus.connect({ servers: nats.url, name: 'restart-client', timeoutMs: 2000 });
    const subject = `${S.echo}`;
    try {
      await service.close();
      for (let round = 0; round < 15; round += 1) {
        const replica = await startNatsService(ProbeModule, { service: 'probe', natsUrl: nats.url, logger: createLogger('probe', 'silent') });
        try {
          await expect(other.request(subject, round)).resolves.toBe(round);
        } finally {
          await replica.close();
        }
      }
    } finally {
      service = await startNatsService(ProbeModule, { service: 'probe', natsUrl: nats.url, logger: createLogger('probe', 'silent'), maxFrameBytes: 1024 * 1024 });
      await other.close();
    }
  }, 30_000);
});
