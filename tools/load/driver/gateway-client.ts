import { Agent, request as httpRequest, type ClientRequest } from 'node:http';
import { signRequest } from '@lighthouse/auth';

/** One answer: status (0 when the request failed without one), parsed body, Retry-After. */
export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  retryAfterS?: number;
  /** Set when there was no HTTP answer (connection refused, reset, timed out, aborted). */
  failure?: string;
}

export interface Credentials {
  token: string;
  sessionKey: string;
}

/**
 * A keep-alive node:http client of the gateway for many agents in one process (the approach of
 * tools/e2e/agent-client.ts: fetch costs the client milliseconds per request, which at 1000
 * agents would measure the client instead of the bridge). Every request has a deadline, and
 * `close()` ends the ones still open (long polls) so a run stops on time.
 */
export class GatewayClient {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity });
  private readonly open = new Set<ClientRequest>();
  private closed = false;

  constructor(readonly base: string) {}

  /** An unauthenticated or admin request (`bearer`), unsigned. */
  plain<T>(method: string, path: string, options: { body?: unknown; bearer?: string; timeoutMs?: number } = {}): Promise<Reply<T>> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (options.bearer) headers['authorization'] = `Bearer ${options.bearer}`;
    return this.send<T>(method, path, headers, body, options.timeoutMs ?? 30_000);
  }

  /** An agent's request: bearer token, and signed with the session key when it changes state. */
  agentCall<T>(who: Credentials, method: 'GET' | 'POST' | 'DELETE', path: string, options: { body?: unknown; timeoutMs?: number; signed?: boolean } = {}): Promise<Reply<T>> {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const headers: Record<string, string> = { authorization: `Bearer ${who.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    // Changes are signed, and so are the reads that hand out work (GET /delegations/next).
    if (method !== 'GET' || options.signed) Object.assign(headers, signRequest(who.sessionKey, { method, path, body }));
    return this.send<T>(method, path, headers, body, options.timeoutMs ?? 30_000);
  }

  /** Ends every request still open; later requests fail at once. */
  close(): void {
    this.closed = true;
    for (const request of this.open) request.destroy(new Error('run over'));
    this.open.clear();
    this.agent.destroy();
  }

  private send<T>(method: string, path: string, headers: Record<string, string>, body: string | undefined, timeoutMs: number): Promise<Reply<T>> {
    if (this.closed) return Promise.resolve({ status: 0, body: {} as T, failure: 'run over' });
    return new Promise((resolve) => {
      const request = httpRequest(`${this.base}${path}`, { method, headers, agent: this.agent, timeout: timeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error) => done({ status: 0, body: {} as T, failure: error.message }));
        response.on('end', () => {
          const retryAfter = Number(response.headers['retry-after']);
          done({ status: response.statusCode ?? 0, body: parsed(Buffer.concat(chunks).toString('utf8')) as T, ...(retryAfter > 0 ? { retryAfterS: retryAfter } : {}) });
        });
      });
      const done = (reply: Reply<T>) => {
        this.open.delete(request);
        resolve(reply);
      };
      this.open.add(request);
      request.on('timeout', () => request.destroy(new Error(`no answer in ${timeoutMs} ms`)));
      request.on('error', (error) => done({ status: 0, body: {} as T, failure: error.message }));
      request.end(body);
    });
  }
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}
