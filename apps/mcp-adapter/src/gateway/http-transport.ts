import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { LighthouseError, WireErrorSchema, type ErrorCode } from '@lighthouse/contracts';

/** One HTTP exchange with the gateway, as plain values. */
export interface HttpCall {
  method: 'GET' | 'POST' | 'DELETE';
  /** Path and query, e.g. `/delegations/next?waitMs=25000`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Whole deadline: connect, send, answer. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Error statuses whose body is an answer rather than an error (GET /health answers 503 with its report). */
  accept?: number[];
}

export interface HttpAnswer {
  status: number;
  body: unknown;
}

/** Answers larger than this are refused: nothing the gateway sends an agent comes near it. */
const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

/**
 * A small HTTP client for one gateway over node:http (node:https is loaded only for an https
 * URL): keep-alive, a connect deadline separate from the whole deadline, and every failure
 * turned into a {@link LighthouseError} with a stable code, so callers never see a raw socket
 * error. fetch is not used: it loads undici, which costs an idle adapter several megabytes.
 */
export class HttpTransport {
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly request: typeof httpRequest;

  constructor(
    readonly baseUrl: string,
    private readonly connectTimeoutMs: number,
  ) {
    const https = new URL(baseUrl).protocol === 'https:';
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the gateway is https
    const module = https ? (require('node:https') as typeof import('node:https')) : { Agent: HttpAgent, request: httpRequest };
    this.agent = new module.Agent({ keepAlive: true, maxSockets: 16 });
    this.request = module.request as typeof httpRequest;
  }

  send(call: HttpCall): Promise<HttpAnswer> {
    const url = new URL(call.path, this.baseUrl);
    const options: RequestOptions = { method: call.method, headers: call.headers, agent: this.agent, signal: call.signal };
    return new Promise<HttpAnswer>((resolve, reject) => {
      const fail = (code: ErrorCode, message: string) => reject(new LighthouseError(code, message));
      const request = this.request(url, options, (response) => this.read(response, call.accept ?? [], resolve, fail));
      const deadline = setTimeout(() => request.destroy(new DeadlineError(`no answer from the gateway within ${call.timeoutMs} ms`)), call.timeoutMs);
      request.once('socket', (socket) => {
        if (!socket.connecting) return;
        const connect = setTimeout(() => request.destroy(new ConnectError(`could not connect to the gateway at ${this.baseUrl} within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs);
        socket.once('connect', () => clearTimeout(connect));
        socket.once('close', () => clearTimeout(connect));
      });
      request.once('close', () => clearTimeout(deadline));
      request.once('error', (error) => fail(...describeFailure(error, this.baseUrl)));
      request.end(call.body);
    });
  }

  close(): void {
    this.agent.destroy();
  }

  private read(response: IncomingMessage, accept: number[], resolve: (answer: HttpAnswer) => void, fail: (code: ErrorCode, message: string) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_ANSWER_BYTES) return void chunks.push(chunk);
      fail('PAYLOAD_TOO_LARGE', `the gateway's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
      response.destroy();
    });
    response.once('error', (error) => fail(...describeFailure(error, this.baseUrl)));
    response.once('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const status = response.statusCode ?? 0;
      if ((status >= 200 && status < 300) || accept.includes(status)) resolve({ status, body: parseJson(text) });
      else fail(...errorOf(status, text, response.headers['retry-after']));
    });
  }
}

class DeadlineError extends Error {}
class ConnectError extends Error {}

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
  const wire = WireErrorSchema.safeParse(parseJson(text));
  const later = retryAfter && (status === 429 || status === 503) ? ` (retry after ${retryAfter} s)` : '';
  if (wire.success) return [wire.data.code, `${wire.data.message}${later}`];
  const code: ErrorCode = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHENTICATED' : status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL';
  return [code, `the gateway answered ${status}${later}`];
}

function describeFailure(error: Error, baseUrl: string): [ErrorCode, string] {
  if (error instanceof DeadlineError) return ['DEADLINE_EXCEEDED', error.message];
  if (error instanceof ConnectError) return ['SERVICE_UNAVAILABLE', error.message];
  if (error.name === 'AbortError') return ['DEADLINE_EXCEEDED', 'the request was cancelled'];
  const code = (error as NodeJS.ErrnoException).code;
  return ['SERVICE_UNAVAILABLE', `the gateway at ${baseUrl} is unreachable${code ? ` (${code})` : ''}: ${error.message}`];
}
