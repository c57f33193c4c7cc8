import { Controller, Module, UseGuards, type INestMicroservice } from '@nestjs/common';
import { APP_INTERCEPTOR, ModulesContainer, NestFactory, type IEntryNestModule } from '@nestjs/core';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { defineRpc, LighthouseError } from '@lighthouse/contracts';
import { createLogger, ServiceMetrics } from '@lighthouse/observability';
import { startNats, uniqueName, type NatsHandle } from '@lighthouse/testing';
import { connect, headers as natsHeaders, type NatsConnection } from 'nats';
import { pack } from 'msgpackr';
import { z } from 'zod';
import { HandlesRpc } from './handles-rpc.decorator';
import { findLeanRoutes } from './lean-rpc-routes';
import { NatsBus } from './nats-bus';
import { startNatsService } from './nats-service';

const MAX_FRAME = 64 * 1024;

/** One probe controller per path, on subjects of its own (both paths serve the same NATS at once). */
function probe(path: string) {
  const at = (name: string) => `lh.${uniqueName(path).replace(/[^a-z0-9]/g, '')}.query.${name}.v1`;
  const rpcs = {
    echo: defineRpc({ subject: at('echo'), request: z.strictObject({ text: z.string(), times: z.number().int().default(1) }), reply: z.strictObject({ text: z.string() }) }),
    later: defineRpc({ subject: at('later'), request: z.strictObject({ ms: z.number().int() }), reply: z.strictObject({ waited: z.number() }) }),
    conflict: defineRpc({ subject: at('conflict'), request: z.strictObject({}), reply: z.strictObject({}) }),
    crash: defineRpc({ subject: at('crash'), request: z.strictObject({}), reply: z.strictObject({}) }),
    rejects: defineRpc({ subject: at('rejects'), request: z.strictObject({}), reply: z.strictObject({}) }),
    huge: defineRpc({ subject: at('huge'), request: z.strictObject({}), reply: z.strictObject({ blob: z.string() }) }),
    nothing: defineRpc({ subject: at('nothing'), request: z.strictObject({}), reply: z.undefined() }),
    trace: defineRpc({ subject: at('trace'), request: z.strictObject({}), reply: z.string().nullable() }),
  };
  const calls: unknown[] = [];

  @Controller()
  class ProbeController {
    @HandlesRpc(rpcs.echo)
    echo(request: { text: string; times: number }): { text: string } {
      calls.push(request);
      return { text: request.text.repeat(request.times) };
    }

    @HandlesRpc(rpcs.later)
    async later(request: { ms: number }): Promise<{ waited: number }> {
      await new Promise((resolve) => setTimeout(resolve, request.ms));
      return { waited: request.ms };
    }

    @HandlesRpc(rpcs.conflict)
    conflict(): Record<string, never> {
      throw new LighthouseError('CONFLICT', 'expected version 3, stream is at 4');
    }

    @HandlesRpc(rpcs.crash)
    crash(): Record<string, never> {
      throw new Error('secret internals');
    }

    @HandlesRpc(rpcs.rejects)
    async rejects(): Promise<Record<string, never>> {
      await Promise.resolve();
      throw new TypeError('secret internals');
    }

    @HandlesRpc(rpcs.huge)
    huge(): { blob: string } {
      return { blob: 'x'.repeat(MAX_FRAME + 1) };
    }

    @HandlesRpc(rpcs.nothing)
    nothing(): undefined {
      return undefined;
    }

    @HandlesRpc(rpcs.trace)
    trace(): string | null {
      return trace.getActiveSpan()?.spanContext().traceId ?? null;
    }
  }

  @Module({ controllers: [ProbeController] })
  class ProbeModule {}

  return { rpcs, calls, module: ProbeModule };
}

type Probe = ReturnType<typeof probe>;
type Name = keyof Probe['rpcs'];

/** A controller whose handler a guard protects: it must stay on Nest's path, guard and all. */
const guarded = defineRpc({ subject: `lh.${uniqueName('g').replace(/[^a-z0-9]/g, '')}.query.guarded.v1`, request: z.strictObject({}), reply: z.strictObject({ ok: z.boolean() }) });
let guardCalls = 0;
class CountingRefusingGuard {
  canActivate(): boolean {
    guardCalls += 1;
    return false;
  }
}
@Controller()
class GuardedController {
  @UseGuards(CountingRefusingGuard)
  @HandlesRpc(guarded)
  guarded(): { ok: boolean } {
    return { ok: true };
  }
}
@Module({ controllers: [GuardedController] })
class GuardedModule {}

class PassThroughInterceptor {
  intercept(_context: unknown, next: { handle(): unknown }): unknown {
    return next.handle();
  }
}

/** The lean routes Nest's container yields for a module (no NATS involved). */
async function leanSubjectsOf(module: IEntryNestModule): Promise<string[]> {
  const app = await NestFactory.createApplicationContext(module, { logger: false });
  try {
    return [...findLeanRoutes(app.get(ModulesContainer)).keys()].sort();
  } finally {
    await app.close();
  }
}

describe('which handlers take the lean path', () => {
  it('every @HandlesRpc handler no enhancer applies to, and not one a guard protects', async () => {
    const { rpcs, module } = probe('routes');
    @Module({ imports: [module, GuardedModule] })
    class Both {}
    expect(await leanSubjectsOf(Both)).toEqual(Object.values(rpcs).map((rpc) => rpc.subject).sort());
  });

  it('none when the application has a global enhancer (an APP_INTERCEPTOR provider)', async () => {
    const { module } = probe('global');
    @Module({ imports: [module], providers: [{ provide: APP_INTERCEPTOR, useClass: PassThroughInterceptor }] })
    class WithInterceptor {}
    expect(await leanSubjectsOf(WithInterceptor)).toEqual([]);
  });
});

describe('lean rpc dispatch: the same answers as Nest’s pipeline, byte for byte', () => {
  let nats: NatsHandle;
  let raw: NatsConnection;
  const lean = { probe: probe('lean'), metrics: new ServiceMetrics('lean'), service: undefined as INestMicroservice | undefined };
  const nest = { probe: probe('nest'), metrics: new ServiceMetrics('nest'), service: undefined as INestMicroservice | undefined };
  let guardedService: INestMicroservice | undefined;

  beforeAll(async () => {
    // A private server accepting large messages, so oversized frames reach our decoder.
    nats = await startNats({ maxPayloadBytes: 4 * MAX_FRAME });
    const logger = createLogger('lean', 'silent');
    lean.service = await startNatsService(lean.probe.module, { service: 'lean-probe', natsUrl: nats.url, logger, metrics: lean.metrics, maxFrameBytes: MAX_FRAME });
    nest.service = await startNatsService(nest.probe.module, { service: 'nest-probe', natsUrl: nats.url, logger, metrics: nest.metrics, maxFrameBytes: MAX_FRAME, leanRpc: false });
    guardedService = await startNatsService(GuardedModule, { service: 'guarded-probe', natsUrl: nats.url, logger });
    raw = await connect({ servers: nats.url });
  }, 30_000);

  afterAll(async () => {
    await raw?.close();
    await lean.service?.close();
    await nest.service?.close();
    await guardedService?.close();
    await nats?.stop();
  });

  /** The raw reply bytes to one request frame, built by `frame` for the probe's subject. */
  const ask = async (on: typeof lean, name: Name, frame: (subject: string) => Uint8Array, hdrs?: ReturnType<typeof natsHeaders>) => {
    const subject = on.probe.rpcs[name].subject;
    const reply = await raw.request(subject, frame(subject), { timeout: 2000, headers: hdrs });
    return Buffer.from(reply.data).toString('hex');
  };
  const request = (data: unknown, id: unknown = '7') => (subject: string) => pack({ pattern: subject, data, id });

  const cases: Array<[string, Name, (subject: string) => Uint8Array]> = [
    ['a good request (defaults applied)', 'echo', request({ text: 'ab', times: 2 })],
    ['a good request, default times', 'echo', request({ text: 'ab' })],
    ['an async handler', 'later', request({ ms: 5 })],
    ['a request failing its schema', 'echo', request({ text: 3 })],
    ['a request with an unknown field', 'echo', request({ text: 'a', admin: true })],
    ['a thrown LighthouseError', 'conflict', request({})],
    ['a thrown unexpected error', 'crash', request({})],
    ['a rejected promise', 'rejects', request({})],
    ['a reply over the frame limit', 'huge', request({})],
    ['a handler answering undefined', 'nothing', request({})],
    ['a frame that is not msgpack', 'echo', () => Uint8Array.from([0xc1, 0xff, 0x00])],
    ['a frame that is msgpack but no request', 'echo', () => pack([1, 2, 3])],
    ['a frame whose id is no string', 'echo', request({ text: 'a' }, 7)],
    ['a frame over the frame limit', 'echo', (subject) => pack({ pattern: subject, data: { text: 'x'.repeat(2 * MAX_FRAME) }, id: '1' })],
    ['an empty frame', 'echo', () => new Uint8Array(0)],
  ];

  it.each(cases)('given %s, both paths answer the same bytes', async (_label, name, frame) => {
    const [fromLean, fromNest] = [await ask(lean, name, frame), await ask(nest, name, frame)];
    expect(fromLean).toBe(fromNest);
  });

  it('counts the same metrics on both paths: handle times by outcome, rejected frames by reason', async () => {
    const handled = async (metrics: ServiceMetrics) =>
      (await metrics.natsHandleSeconds.get()).values
        .filter((v) => v.metricName?.endsWith('_count'))
        .map((v) => `${String(v.labels['subject']).replace(/^lh\.[a-z0-9]+\./, '')} ${String(v.labels['outcome'])} ${v.value}`)
        .sort();
    const rejected = async (metrics: ServiceMetrics) => (await metrics.rejectedFrames.get()).values.map((v) => `${String(v.labels['reason'])} ${v.value}`).sort();
    expect(await handled(lean.metrics)).toEqual(await handled(nest.metrics));
    expect(await rejected(lean.metrics)).toEqual(await rejected(nest.metrics));
    expect(await rejected(lean.metrics)).toContain('reply_PAYLOAD_TOO_LARGE 1');
  });

  it('hands the handler the parsed request, and never calls it for one that does not parse', () => {
    expect(lean.probe.calls).toEqual(nest.probe.calls);
    expect(lean.probe.calls).toEqual([
      { text: 'ab', times: 2 },
      { text: 'ab', times: 1 },
    ]);
  });

  it('answers an event (a frame without id) on an rpc subject with nothing, and still calls the handler', async () => {
    const before = lean.probe.calls.length;
    raw.publish(lean.probe.rpcs.echo.subject, pack({ pattern: lean.probe.rpcs.echo.subject, data: { text: 'event' } }));
    await raw.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lean.probe.calls.slice(before)).toEqual([{ text: 'event', times: 1 }]);
  });

  it('runs the handler in the span of the trace context the request carries', async () => {
    const contextManager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(contextManager);
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(new BasicTracerProvider());
    const bus = await NatsBus.connect({ servers: nats.url, name: 'trace-client', timeoutMs: 2000 });
    try {
      const span = trace.getTracer('test').startSpan('client');
      const remote = await context.with(trace.setSpan(context.active(), span), () => bus.request(lean.probe.rpcs.trace, {}));
      span.end();
      expect(remote).toBe(span.spanContext().traceId);
    } finally {
      await bus.close();
      trace.disable();
      propagation.disable();
      context.disable();
    }
  });

  it('answers through a typed bus as before: replies parsed, errors as LighthouseErrors', async () => {
    const bus = await NatsBus.connect({ servers: nats.url, name: 'lean-client', timeoutMs: 2000 });
    try {
      await expect(bus.request(lean.probe.rpcs.echo, { text: 'x', times: 3 })).resolves.toEqual({ text: 'xxx' });
      await expect(bus.request(lean.probe.rpcs.conflict, {})).rejects.toMatchObject({ code: 'CONFLICT', message: 'expected version 3, stream is at 4' });
      await expect(bus.request(lean.probe.rpcs.crash, {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'internal error' });
      await expect(bus.request(lean.probe.rpcs.huge, {})).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    } finally {
      await bus.close();
    }
  });

  it('keeps a handler that a guard protects on Nest’s path: the guard runs and refuses', async () => {
    const bus = await NatsBus.connect({ servers: nats.url, name: 'guard-client', timeoutMs: 2000 });
    try {
      await expect(bus.request(guarded, {})).rejects.toMatchObject({ code: 'INTERNAL' });
      expect(guardCalls).toBe(1);
    } finally {
      await bus.close();
    }
  });
});
