import { request as httpRequest, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { JETSTREAM_STREAMS } from '@lighthouse/contracts';
import { connect, type NatsConnection } from 'nats';
import { AgentClient, issueCredential, prepare, send } from '../e2e/agent-client';
import { startE2eStack, type E2eStack } from '../e2e/e2e-stack';

// Issue 14, item 5: an open stream or long poll lives no longer than the right that opened it.
// Before the fix, GET /events/stream kept delivering after the agent was revoked, its session
// ended or its token expired; a client gone while the stream was being set up left its JetStream
// consumer and keepalive timer behind for good; and one agent could open any number of streams.
const repo = join(__dirname, '..', '..');
const STREAMS_PER_AGENT = 3;
const TOKEN_TTL_S = 10;

interface OpenStream {
  /** Resolves with the status once the server answered the headers. */
  status: Promise<number>;
  /** Resolves with the time (ms) at which the server ended the response. */
  ended: Promise<number>;
  request: ClientRequest;
}

function openStream(base: string, token: string): OpenStream {
  let onStatus: (status: number) => void = () => undefined;
  let onEnd: (at: number) => void = () => undefined;
  const status = new Promise<number>((resolve) => (onStatus = resolve));
  const ended = new Promise<number>((resolve) => (onEnd = resolve));
  const request = httpRequest(`${base}/events/stream`, { headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } }, (response) => {
    onStatus(response.statusCode ?? 0);
    response.on('data', () => undefined);
    response.on('end', () => onEnd(Date.now()));
    response.on('close', () => onEnd(Date.now()));
  });
  request.on('error', () => onEnd(Date.now()));
  request.end();
  return { status, ended, request };
}

/** Resolves with the time it ended, or rejects when it is still open after `ms`. */
const endsWithin = (stream: OpenStream, ms: number) =>
  Promise.race([stream.ended, new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`the stream was still open ${ms} ms later`)), ms))]);

describe('stream lifetime: streams and long polls end with the right that opened them', () => {
  let stack: E2eStack;
  let nats: NatsConnection;
  const agent = async (id: string) => {
    const client = new AgentClient(stack.gatewayUrl, id, await issueCredential(stack.gatewayUrl, stack.adminSecret, id, ['doomed_role']));
    expect((await client.start()).status).toBe(201);
    return client;
  };

  beforeAll(async () => {
    stack = await startE2eStack({ repo, env: { LH_STREAMS_PER_AGENT: String(STREAMS_PER_AGENT), LH_TOKEN_TTL_S: String(TOKEN_TTL_S) } });
    nats = await connect(stack.natsObserver);
  }, 180_000);

  afterAll(async () => {
    await nats?.close();
    await stack?.stop();
  }, 60_000);

  it('ends an open stream and a long poll within a second of the agent being revoked', async () => {
    const doomed = await agent('doomed-agent');
    expect((await doomed.change('POST', '/experts', { role: 'doomed_role' })).status).toBe(201);
    const stream = openStream(stack.gatewayUrl, doomed.session.token);
    expect(await stream.status).toBe(200);
    const poll = doomed.signedGet('/delegations/next?waitMs=20000');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const revokedAt = Date.now();
    expect((await send(prepare(stack.gatewayUrl, 'POST', '/admin/agents/doomed-agent/revoke', { token: stack.adminSecret, body: {} }))).status).toBe(200);
    expect((await endsWithin(stream, 2_000)) - revokedAt).toBeLessThanOrEqual(1_000);
    const answered = await Promise.race([poll.then((a) => ({ ...a, at: Date.now() })), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the long poll was still open 2 s later')), 2_000))]);
    expect(answered.status).toBe(401);
    expect(answered.at - revokedAt).toBeLessThanOrEqual(1_000);
  }, 30_000);

  it('ends an open stream within a second of its session ending', async () => {
    const leaving = await agent('leaving-agent');
    const stream = openStream(stack.gatewayUrl, leaving.session.token);
    expect(await stream.status).toBe(200);
    const endedAt = Date.now();
    expect((await leaving.change('DELETE', `/sessions/${leaving.session.sessionId}`)).status).toBe(200);
    expect((await endsWithin(stream, 2_000)) - endedAt).toBeLessThanOrEqual(1_000);
  }, 30_000);

  it('ends an open stream within a second of its token expiring', async () => {
    const expiring = await agent('expiring-agent');
    const expiresAt = Date.parse(expiring.session.tokenExpiresAt);
    const stream = openStream(stack.gatewayUrl, expiring.session.token);
    expect(await stream.status).toBe(200);
    const ended = await endsWithin(stream, TOKEN_TTL_S * 1000 + 3_000);
    expect(ended - expiresAt).toBeLessThanOrEqual(1_000);
  }, 30_000);

  it(`opens at most ${STREAMS_PER_AGENT} streams per agent (429 beyond), and a closed one frees its place`, async () => {
    const greedy = await agent('greedy-agent');
    const streams = Array.from({ length: STREAMS_PER_AGENT }, () => openStream(stack.gatewayUrl, greedy.session.token));
    expect(await Promise.all(streams.map((s) => s.status))).toEqual(Array(STREAMS_PER_AGENT).fill(200));
    const extra = openStream(stack.gatewayUrl, greedy.session.token);
    expect(await extra.status).toBe(429);
    streams[0]?.request.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = openStream(stack.gatewayUrl, greedy.session.token);
    expect(await again.status).toBe(200);
    for (const s of [...streams, again]) s.request.destroy();
  }, 30_000);

  it('leaves no JetStream consumer behind when clients go away while their streams are set up', async () => {
    const flaky = await agent('flaky-agent');
    const jsm = await nats.jetstreamManager();
    const consumers = async () => (await jsm.consumers.list(JETSTREAM_STREAMS.delegationNotices).next()).length;
    const before = await consumers();
    for (let round = 0; round < 10; round += 1) {
      const stream = openStream(stack.gatewayUrl, flaky.session.token);
      // Gone as soon as the request is out: before the gateway has its consumer.
      setTimeout(() => stream.request.destroy(), round % 5);
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await consumers()).toBe(before);
  }, 30_000);
});
