import { startNats, uniqueName, type NatsHandle } from '@lighthouse/testing';
import { connect, type NatsConnection } from 'nats';
import { coalesceWrites } from './coalesced-writes';

/** Counts the socket writes the nats.js transport makes (wraps the client's own transport, not ours). */
function countWrites(connection: NatsConnection): () => number {
  const transport = (connection as unknown as { protocol: { transport: { send(bytes: Uint8Array): void } } }).protocol.transport;
  const send = transport.send.bind(transport);
  let writes = 0;
  transport.send = (bytes: Uint8Array) => {
    writes++;
    send(bytes);
  };
  return () => writes;
}

/** Publishes `count` messages from one turn of the event loop; resolves with the writes it took once all arrived, in order. */
async function publishBurst(sender: NatsConnection, receiver: NatsConnection, count: number): Promise<number> {
  const subject = uniqueName('lh.test.coalesce');
  const received: string[] = [];
  const all = new Promise<void>((resolve) => {
    receiver.subscribe(subject, {
      callback: (_error, msg) => {
        received.push(new TextDecoder().decode(msg.data));
        if (received.length === count) resolve();
      },
    });
  });
  await receiver.flush();
  const writes = countWrites(sender);
  // Each from a later microtask than the one before, as the replies one acknowledgement releases are.
  const step = (i: number): void => {
    if (i === count) return;
    sender.publish(subject, new TextEncoder().encode(String(i)));
    queueMicrotask(() => step(i + 1));
  };
  step(0);
  await all;
  expect(received).toEqual(Array.from({ length: count }, (_, i) => String(i)));
  return writes();
}

describe('coalesced NATS writes (real nats-server)', () => {
  let nats: NatsHandle;
  let receiver: NatsConnection;
  const opened: NatsConnection[] = [];
  const open = async () => {
    const connection = await connect({ servers: nats.url });
    opened.push(connection);
    return connection;
  };

  beforeAll(async () => {
    nats = await startNats();
    receiver = await open();
  });

  afterAll(async () => {
    for (const connection of opened) await connection.close();
    await nats.stop();
  });

  it('sends the messages of one turn of the event loop in one write, every one delivered in order', async () => {
    const sender = await open();
    expect(coalesceWrites(sender)).toBe(true);
    expect(await publishBurst(sender, receiver, 200)).toBe(1);
  });

  it('(baseline) the client alone writes about once per message sent from its own microtask', async () => {
    const sender = await open();
    expect(await publishBurst(sender, receiver, 200)).toBeGreaterThan(100);
  });

  it('delivers a lone message and answers a request without any further send or flush', async () => {
    const responder = await open();
    const requester = await open();
    coalesceWrites(responder);
    coalesceWrites(requester);
    const subject = uniqueName('lh.test.coalesce.echo');
    responder.subscribe(subject, { callback: (_error, msg) => msg.respond(msg.data) });
    await responder.flush();
    const reply = await requester.request(subject, new TextEncoder().encode('ping'), { timeout: 2000 });
    expect(new TextDecoder().decode(reply.data)).toBe('ping');
  });

  it('writes what is queued before closing: a message published in the same turn as close() arrives', async () => {
    const sender = await connect({ servers: nats.url });
    coalesceWrites(sender);
    const subject = uniqueName('lh.test.coalesce.close');
    const arrived = new Promise<string>((resolve) => {
      receiver.subscribe(subject, { max: 1, callback: (_error, msg) => resolve(new TextDecoder().decode(msg.data)) });
    });
    await receiver.flush();
    sender.publish(subject, new TextEncoder().encode('last words'));
    await sender.close();
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('lost'), 3000).unref());
    expect(await Promise.race([arrived, timeout])).toBe('last words');
  });

  it('changes nothing on an object that is not a nats.js connection', () => {
    expect(coalesceWrites({} as NatsConnection)).toBe(false);
  });
});
