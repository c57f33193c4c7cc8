import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer, type Socket } from 'node:net';
import { verifyRequestSignature, deriveAuthKeys, sessionKeyOf } from '@lighthouse/auth';
import type { SessionGrant } from '@lighthouse/contracts';
import { HookFailure } from './hook-failure';
import { HookGateway } from './hook-gateway';
import { AnswerReader } from './hook-http';

// The hook's own HTTP/1.1 client against node's HTTP server (as the gateway answers: framed by
// content-length, by chunks, or by the end of the connection) and against raw sockets that
// answer what no gateway would.
type Route = (request: IncomingMessage, response: ServerResponse) => void;

const keys = deriveAuthKeys('x'.repeat(48));
const grant = (sessionId = 'AAAAAAAAAAAAAAAAAAAAAA'): SessionGrant => ({
  agentId: 'hook-test',
  sessionId,
  token: 'token-1',
  tokenExpiresAt: '2099-01-01T00:00:00.000Z',
  sessionExpiresAt: '2099-01-01T00:00:00.000Z',
  idleTimeoutSeconds: 600,
  sessionKey: sessionKeyOf(keys, sessionId).toString('base64url'),
  audience: 'lighthouse',
});

const failure = (promise: Promise<unknown>) => promise.then(() => Promise.reject(new Error('expected a failure')), (error: HookFailure) => [error.code, error.message]);

describe('the hook gateway client', () => {
  let server: Server;
  let base: string;
  let route: Route = () => undefined;

  beforeAll(async () => {
    server = createServer((request, response) => route(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const withGateway = async <T>(use: (gateway: HookGateway) => Promise<T>, url = base): Promise<T> => {
    const gateway = new HookGateway(url, 1_000);
    try {
      return await use(gateway);
    } finally {
      gateway.close();
    }
  };

  it('sends a signed POST the gateway can verify, and reads a JSON answer framed by content-length', async () => {
    let seen: { method?: string; url?: string; headers?: IncomingMessage['headers']; body?: string } = {};
    route = (request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        seen = { method: request.method, url: request.url, headers: request.headers, body };
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ decision: 'allow', note: 'é' }));
      });
    };
    const answer = await withGateway((g) => g.signedPost(grant(), '/validate', { tool: 'Bash', input: { command: 'ls' } }, 2_000));
    expect(answer).toEqual({ decision: 'allow', note: 'é' });
    expect(seen).toMatchObject({ method: 'POST', url: '/validate', body: '{"tool":"Bash","input":{"command":"ls"}}' });
    expect(seen.headers).toMatchObject({ authorization: 'Bearer token-1', 'content-type': 'application/json', connection: 'close', host: base.slice('http://'.length) });
    const h = seen.headers as Record<string, string>;
    const parts = { method: 'POST', path: '/validate', timestamp: Number(h['x-lh-timestamp']), nonce: h['x-lh-nonce'] as string, body: seen.body as string };
    expect(verifyRequestSignature(sessionKeyOf(keys, 'AAAAAAAAAAAAAAAAAAAAAA'), parts, h['x-lh-signature'] as string)).toBe(true);
  });

  it('reads a chunked answer and one framed by the end of the connection', async () => {
    route = (_request, response) => {
      response.writeHead(201, { 'content-type': 'application/json' });
      response.write('{"a":');
      setTimeout(() => response.end('[1,2,3]}'), 20);
    };
    expect(await withGateway((g) => g.openSession('hook-test', 'lhc_x', 2_000))).toEqual({ a: [1, 2, 3] });
    const raw = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\r\n{"closed":true}'));
    try {
      expect(await withGateway((g) => g.openSession('hook-test', 'lhc_x', 2_000), raw.url)).toEqual({ closed: true });
    } finally {
      await raw.close();
    }
  });

  it("turns the gateway's { code, message } into a HookFailure, with Retry-After when given, and a bare status into a code", async () => {
    route = (_request, response) => response.writeHead(401).end(JSON.stringify({ code: 'UNAUTHENTICATED', message: 'token expired' }));
    expect(await withGateway((g) => failure(g.signedPost(grant(), '/validate', {}, 2_000)))).toEqual(['UNAUTHENTICATED', 'token expired']);
    route = (_request, response) => response.writeHead(429, { 'retry-after': '3' }).end(JSON.stringify({ code: 'RATE_LIMITED', message: 'slow down' }));
    expect(await withGateway((g) => failure(g.signedPost(grant(), '/validate', {}, 2_000)))).toEqual(['RATE_LIMITED', 'slow down (retry after 3 s)']);
    route = (_request, response) => response.writeHead(502).end('<html>bad gateway</html>');
    expect(await withGateway((g) => failure(g.signedPost(grant(), '/validate', {}, 2_000)))).toEqual(['INTERNAL', 'the gateway answered 502']);
  });

  it('gives up at the deadline with DEADLINE_EXCEEDED when the gateway never answers', async () => {
    route = () => undefined;
    const started = Date.now();
    expect(await withGateway((g) => failure(g.signedPost(grant(), '/validate', {}, 200)))).toEqual(['DEADLINE_EXCEEDED', 'no answer from the gateway within 200 ms']);
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('says the gateway is unreachable when nothing listens', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const [code, message] = await withGateway((g) => failure(g.signedPost(grant(), '/validate', {}, 2_000)), `http://127.0.0.1:${port}`);
    expect(code).toBe('SERVICE_UNAVAILABLE');
    expect(message).toMatch(/unreachable \(ECONNREFUSED\)/);
  });

  it('refuses an answer over 1 MiB, whether announced by content-length or streamed without one', async () => {
    route = (_request, response) => response.writeHead(200, { 'content-length': String(2 * 1024 * 1024) }).end('x'.repeat(2 * 1024 * 1024));
    expect((await withGateway((g) => failure(g.signedPost(grant(), '/validate', {}, 5_000))))[0]).toBe('PAYLOAD_TOO_LARGE');
    route = (_request, response) => {
      response.writeHead(200);
      const block = 'y'.repeat(256 * 1024);
      for (let i = 0; i < 8; i++) response.write(block);
      response.end();
    };
    expect((await withGateway((g) => failure(g.signedPost(grant(), '/validate', {}, 5_000))))[0]).toBe('PAYLOAD_TOO_LARGE');
  });

  it('fails (never hangs) on a connection closed mid-answer or an answer that is not HTTP', async () => {
    for (const [answer, expected] of [
      ['HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\n{"cut":', 'closed the connection in the middle of its answer'],
      ['', 'closed the connection without an answer'],
      ['SSH-2.0-OpenSSH_9.6\r\n\r\n', 'is not HTTP'],
    ] as const) {
      const raw = await rawServer((socket) => socket.end(answer));
      try {
        const [code, message] = await withGateway((g) => failure(g.signedPost(grant(), '/validate', {}, 2_000)), raw.url);
        expect(code).toBe('SERVICE_UNAVAILABLE');
        expect(message).toContain(expected);
      } finally {
        await raw.close();
      }
    }
  });
});

describe('AnswerReader', () => {
  it('waits for the last chunk of a chunked body given a byte at a time (its trailer is not waited for)', () => {
    const reader = new AnswerReader();
    const text = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{"a"\r\n3;ext=1\r\n:1}\r\n0\r\n';
    const outcomes = [...Buffer.from(text)].map((byte) => reader.add(Buffer.from([byte])));
    expect(outcomes.slice(0, -1).every((o) => o === undefined)).toBe(true);
    expect(outcomes.at(-1)).toEqual({ status: 200, headers: { 'transfer-encoding': 'chunked' }, body: '{"a":1}' });
  });

  it('refuses headers that never end and a content-length that is not a number', () => {
    expect(new AnswerReader().add(Buffer.from(`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(70 * 1024)}`))).toBeInstanceOf(HookFailure);
    expect(new AnswerReader().add(Buffer.from('HTTP/1.1 200 OK\r\ncontent-length: -1\r\n\r\n'))).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
  });
});

/** A TCP server that answers each connection with `answer`, whatever it was sent. */
async function rawServer(answer: (socket: Socket) => void): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: TcpServer = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.once('data', () => answer(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
