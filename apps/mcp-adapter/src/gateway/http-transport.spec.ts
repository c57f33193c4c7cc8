import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LighthouseError } from '@lighthouse/contracts';
import { HttpTransport, type HttpCall } from './http-transport';

// A local HTTP server answering as a gateway would (or would not) checks how the adapter's
// client turns every kind of answer and failure into a value or a LighthouseError.
type Route = (request: IncomingMessage, response: ServerResponse) => void;

describe('the adapter HTTP client', () => {
  let server: Server;
  let base: string;
  let route: Route = () => undefined;
  let transport: HttpTransport;
  const call = (extra: Partial<HttpCall> = {}): HttpCall => ({ method: 'GET', path: '/x?y=1', headers: {}, timeoutMs: 2_000, ...extra });
  const failure = (promise: Promise<unknown>) => promise.then(() => Promise.reject(new Error('expected a failure')), (error: LighthouseError) => [error.code, error.message]);

  beforeAll(async () => {
    server = createServer((request, response) => route(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    transport = new HttpTransport(base, 1_000);
  });
  afterAll(async () => {
    transport.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends method, path, headers and body, and parses the JSON answer', async () => {
    route = (request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => response.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ method: request.method, url: request.url, header: request.headers['x-a'], body })));
    };
    const answer = await transport.send(call({ method: 'POST', headers: { 'x-a': 'b', 'content-type': 'application/json' }, body: '{"k":1}' }));
    expect(answer).toEqual({ status: 201, body: { method: 'POST', url: '/x?y=1', header: 'b', body: '{"k":1}' } });
  });

  it("turns the gateway's { code, message } into a LighthouseError, with Retry-After when given", async () => {
    route = (_request, response) => response.writeHead(409).end(JSON.stringify({ code: 'CONFLICT', message: 'stale epoch' }));
    expect(await failure(transport.send(call()))).toEqual(['CONFLICT', 'stale epoch']);
    route = (_request, response) => response.writeHead(429, { 'retry-after': '3' }).end(JSON.stringify({ code: 'RATE_LIMITED', message: 'slow down' }));
    expect(await failure(transport.send(call()))).toEqual(['RATE_LIMITED', 'slow down (retry after 3 s)']);
    route = (_request, response) => response.writeHead(502).end('<html>bad gateway</html>');
    expect(await failure(transport.send(call()))).toEqual(['INTERNAL', 'the gateway answered 502']);
  });

  it('takes an error status as an answer when asked to (health answers 503 with its report)', async () => {
    route = (_request, response) => response.writeHead(503).end(JSON.stringify({ status: 'degraded', services: {} }));
    expect(await transport.send(call({ accept: [503] }))).toEqual({ status: 503, body: { status: 'degraded', services: {} } });
  });

  it('gives up at the deadline with DEADLINE_EXCEEDED', async () => {
    route = () => undefined; // never answers
    const started = Date.now();
    expect(await failure(transport.send(call({ timeoutMs: 200 })))).toEqual(['DEADLINE_EXCEEDED', 'no answer from the gateway within 200 ms']);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('says the gateway is unreachable when nothing listens', async () => {
    const nowhere = new HttpTransport('http://127.0.0.1:1', 500);
    const [code, message] = await failure(nowhere.send(call()));
    expect(code).toBe('SERVICE_UNAVAILABLE');
    expect(message).toContain('the gateway at http://127.0.0.1:1 is unreachable (ECONNREFUSED)');
    nowhere.close();
  });

  it('stops when the caller cancels', async () => {
    route = () => undefined;
    const controller = new AbortController();
    const pending = failure(transport.send(call({ signal: controller.signal })));
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toEqual(['DEADLINE_EXCEEDED', 'the request was cancelled']);
  });
});
