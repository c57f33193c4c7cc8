import { Agent, request as httpRequest, type IncomingMessage } from 'node:http';
import { signRequest } from '@lighthouse/auth';
import type { ErrorCode, SessionGrant } from '@lighthouse/contracts';
import { HookFailure } from './hook-failure';

/** Answers larger than this are refused: a decision is a few kilobytes. */
const MAX_ANSWER_BYTES = 1024 * 1024;

/**
 * The few gateway calls a hook makes (open a session, refresh its token, one signed POST), over
 * node:http (node:https only for an https gateway), each within its own deadline and a connect
 * deadline, every failure a {@link HookFailure} with a stable code. The adapter's HttpTransport
 * does the same for the MCP server, but reads error answers with zod.
 */
export class HookGateway {
  private readonly agent: Agent;
  private readonly request: typeof httpRequest;

  constructor(
    readonly baseUrl: string,
    private readonly connectTimeoutMs: number,
  ) {
    const https = baseUrl.startsWith('https:');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the gateway is https
    const module = https ? (require('node:https') as typeof import('node:https')) : { Agent, request: httpRequest };
    this.agent = new module.Agent({ keepAlive: true, maxSockets: 1 }) as Agent;
    this.request = module.request as typeof httpRequest;
  }

  /** `POST /sessions`: the credential for a session grant (unchecked: see hook-answers). */
  openSession(agentId: string, credential: string, timeoutMs: number): Promise<unknown> {
    return this.post('/sessions', JSON.stringify({ agentId, credential }), {}, timeoutMs);
  }

  /** A signed agent `POST`: bearer token and request signature under the session key. */
  signedPost(grant: SessionGrant, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = { authorization: `Bearer ${grant.token}`, ...signRequest(grant.sessionKey, { method: 'POST', path, body: text }) };
    return this.post(path, text, headers, timeoutMs);
  }

  close(): void {
    this.agent.destroy();
  }

  private post(path: string, body: string | undefined, extra: Record<string, string>, timeoutMs: number): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (body !== undefined) headers['content-type'] = 'application/json';
    return new Promise((resolve, reject) => {
      let done = false;
      const fail = (code: ErrorCode, message: string) => {
        if (!done) reject(new HookFailure(code, message));
        done = true;
      };
      const request = this.request(`${this.baseUrl}${path}`, { method: 'POST', headers, agent: this.agent }, (response) =>
        read(response, (status, text) => {
          if (done) return;
          done = true;
          if (status >= 200 && status < 300) resolve(parseJson(text));
          else reject(new HookFailure(...errorOf(status, text, response.headers['retry-after'])));
        }, fail),
      );
      const deadline = setTimeout(() => {
        fail('DEADLINE_EXCEEDED', `no answer from the gateway within ${timeoutMs} ms`);
        request.destroy();
      }, timeoutMs);
      request.once('socket', (socket) => {
        if (!socket.connecting) return;
        const connect = setTimeout(() => {
          fail('SERVICE_UNAVAILABLE', `could not connect to the gateway at ${this.baseUrl} within ${this.connectTimeoutMs} ms`);
          request.destroy();
        }, this.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connect));
        socket.once('close', () => clearTimeout(connect));
      });
      request.once('close', () => clearTimeout(deadline));
      request.once('error', (error: NodeJS.ErrnoException) => fail('SERVICE_UNAVAILABLE', `the gateway at ${this.baseUrl} is unreachable${error.code ? ` (${error.code})` : ''}: ${error.message}`));
      request.end(body);
    });
  }
}

function read(response: IncomingMessage, done: (status: number, text: string) => void, fail: (code: ErrorCode, message: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_ANSWER_BYTES) return void chunks.push(chunk);
    fail('PAYLOAD_TOO_LARGE', `the gateway's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    response.destroy();
  });
  response.once('error', (error) => fail('SERVICE_UNAVAILABLE', `reading the gateway's answer: ${error.message}`));
  response.once('end', () => done(response.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
}

function parseJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A gateway error answer: its `{ code, message }`, or a code from the status when the body is not one. */
function errorOf(status: number, text: string, retryAfter: string | string[] | undefined): [ErrorCode, string] {
  const wire = parseJson(text) as { code?: unknown; message?: unknown } | null;
  const later = retryAfter && (status === 429 || status === 503) ? ` (retry after ${String(retryAfter)} s)` : '';
  if (wire && typeof wire === 'object' && typeof wire.code === 'string' && /^[A-Z][A-Z_]{1,63}$/.test(wire.code) && typeof wire.message === 'string') {
    return [wire.code as ErrorCode, `${wire.message.slice(0, 2000)}${later}`];
  }
  const code: ErrorCode = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHENTICATED' : status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL';
  return [code, `the gateway answered ${status}${later}`];
}
