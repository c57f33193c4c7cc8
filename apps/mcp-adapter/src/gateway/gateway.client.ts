import { signRequest } from '@lighthouse/auth';
import { AUTH_HEADERS, type SessionGrant } from '@lighthouse/contracts';
import type { HttpCall, HttpTransport } from './http-transport';

export interface CallOptions {
  /** Deadline of this call (default: the adapter's request timeout). */
  timeoutMs?: number;
  signal?: AbortSignal;
  accept?: number[];
}

/**
 * The gateway's HTTP API as this agent speaks it: the bearer token on every agent route, and a
 * signature (timestamp, fresh nonce, HMAC under the session key) on every change. Answers are
 * the gateway's JSON, which the gateway has already validated against the contracts.
 */
export class GatewayClient {
  constructor(
    private readonly http: HttpTransport,
    private readonly timeoutMs: number,
  ) {}

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** `POST /sessions`: the credential for a session grant. */
  openSession(agentId: string, credential: string, options: CallOptions = {}): Promise<SessionGrant> {
    return this.send<SessionGrant>(this.call('POST', '/sessions', { agentId, credential }, options));
  }

  /** An unauthenticated read (`/health`). */
  getPublic<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.send<T>(this.call('GET', path, undefined, options));
  }

  /** An agent read: bearer token only. */
  get<T>(grant: SessionGrant, path: string, options: CallOptions = {}): Promise<T> {
    const call = this.call('GET', path, undefined, options);
    call.headers[AUTH_HEADERS.authorization] = `Bearer ${grant.token}`;
    return this.send<T>(call);
  }

  /**
   * A signed agent request: bearer token and request signature. Every change (POST, DELETE), and
   * the reads that hand out work (`GET /delegations/next`), which a bare token may not make.
   */
  change<T>(grant: SessionGrant, method: 'POST' | 'DELETE' | 'GET', path: string, body?: unknown, options: CallOptions = {}): Promise<T> {
    const call = this.call(method, path, body, options);
    call.headers[AUTH_HEADERS.authorization] = `Bearer ${grant.token}`;
    Object.assign(call.headers, signRequest(grant.sessionKey, { method, path, body: call.body }));
    return this.send<T>(call);
  }

  private call(method: HttpCall['method'], path: string, body: unknown, options: CallOptions): HttpCall {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (text !== undefined) headers['content-type'] = 'application/json';
    return { method, path, headers, body: text, timeoutMs: options.timeoutMs ?? this.timeoutMs, signal: options.signal, accept: options.accept };
  }

  private async send<T>(call: HttpCall): Promise<T> {
    return (await this.http.send(call)).body as T;
  }
}
