import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { defineRpc, LighthouseError, ReplyContractError } from '@lighthouse/contracts';
import { createLogger } from '@lighthouse/observability';
import { testNatsUrl, uniqueName } from '@lighthouse/testing';
import { z } from 'zod';
import { HandlesRpc } from './handles-rpc.decorator';
import { NatsBus } from './nats-bus';
import { startNatsService } from './nats-service';

// A context of its own per run, so parallel runs on one NATS do not answer each other.
const context = uniqueName('t').replace(/[^a-z0-9]/g, '');
const double = defineRpc({
  subject: `lh.${context}.query.double.v1`,
  request: z.strictObject({ n: z.number().int(), times: z.number().int().default(2) }),
  reply: z.strictObject({ result: z.number() }),
});
/** Declared to answer a number; its (misbehaving) handler answers a string. */
const liar = defineRpc({ subject: `lh.${context}.query.liar.v1`, request: z.strictObject({}), reply: z.strictObject({ result: z.number() }) });
const received: unknown[] = [];

@Controller()
class DoublingController {
  @HandlesRpc(double)
  double(request: z.output<typeof double.request>): { result: number } {
    received.push(request);
    return { result: request.n * request.times };
  }

  @MessagePattern(liar.subject)
  liar(): unknown {
    return { result: 'forty-two' };
  }
}

@Module({ controllers: [DoublingController] })
class DoublingModule {}

describe('typed rpc over a real NATS', () => {
  let service: INestMicroservice;
  let bus: NatsBus;

  beforeAll(async () => {
    const url = testNatsUrl();
    service = await startNatsService(DoublingModule, { service: `typed-${context}`, natsUrl: url, logger: createLogger('typed', 'silent') });
    bus = await NatsBus.connect({ servers: url, name: 'typed-client', timeoutMs: 2000 });
  });

  afterAll(async () => {
    await bus?.close();
    await service?.close();
  });

  it('given a good request, the handler gets it parsed (defaults applied) and the caller a typed reply', async () => {
    const reply = await bus.request(double, { n: 21 });
    const typed: number = reply.result;
    expect(typed).toBe(42);
    expect(received).toContainEqual({ n: 21, times: 2 });
  });

  it('given a bad request, the handler answers VALIDATION_FAILED and is never called', async () => {
    const before = received.length;
    const bad = { n: 'twenty-one' } as unknown as { n: number };
    await expect(bus.request(double, bad)).rejects.toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringContaining('n:') });
    await expect(bus.request(double, { n: 1, smuggled: true } as { n: number })).rejects.toBeInstanceOf(LighthouseError);
    expect(received.length).toBe(before);
    // The service survived both.
    await expect(bus.request(double, { n: 2, times: 3 })).resolves.toEqual({ result: 6 });
  });

  it('given a reply that breaks the contract, the caller gets a ReplyContractError, not a cast', async () => {
    const error = await bus.request(liar, {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReplyContractError);
    expect(error).toMatchObject({ code: 'INTERNAL', subject: liar.subject });
  });
});
