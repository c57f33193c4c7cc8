import { connect, isIP, type Socket } from 'node:net';
import type { ErrorCode, SessionGrant } from '@lighthouse/contracts';
import { HookFailure } from './hook-failure';
import { AnswerReader, requestBytes, type RawAnswer } from './hook-http';
import { signHookRequest } from './hook-sign';

/**
 * The few gateway calls a hook makes (open a session, refresh its token, one signed POST), each
 * one HTTP/1.1 request on a connection of its own (`connection: close`), within its own deadline
 * and a connect deadline, every failure a {@link HookFailure} with a stable code. Written on
 * node:net (node:tls for an https gateway) rather than node:http, whose modules a hook would
 * load and compile at every start for three requests at most. The adapter's HttpTransport does
 * the same for the MCP server with node:http, and reads error answers with zod.
 */
export class HookGateway {
  private readonly url: URL;
  private readonly sockets = new Set<Socket>();

  constructor(
    readonly baseUrl: string,
    private readonly connectTimeoutMs: number,
  ) {
    this.url = new URL(baseUrl);
  }

  /** `POST /sessions`: the credential for a session grant (unchecked: see hook-answers). */
  openSession(agentId: string, credential: string, timeoutMs: number): Promise<unknown> {
    return this.post('/sessions', JSON.stringify({ agentId, credential }), {}, timeoutMs);
  }

  /** A signed agent `POST`: bearer token and request signature under the session key. */
  signedPost(grant: SessionGrant, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = { authorization: `Bearer ${grant.token}`, ...signHookRequest(grant.sessionKey, { method: 'POST', path, body: text }) };
    return this.post(path, text, headers, timeoutMs);
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  private async post(path: string, body: string | undefined, extra: Record<string, string>, timeoutMs: number): Promise<unknown> {
    const answer = await this.exchange(requestBytes(this.url, path, body, extra), timeoutMs);
    if (answer.status >= 200 && answer.status < 300) return parseJson(answer.body);
    throw new HookFailure(...errorOf(answer.status, answer.body, answer.headers['retry-after']));
  }

  /** Writes one request and reads its answer, within the deadlines. */
  private exchange(request: Buffer, timeoutMs: number): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      const socket = this.open();
      const reader = new AnswerReader();
      let done = false;
      const finish = (outcome: RawAnswer | HookFailure) => {
        if (done) return;
        done = true;
        clearTimeout(deadline);
        clearTimeout(connectDeadline);
        socket.destroy();
        if (outcome instanceof HookFailure) reject(outcome);
        else resolve(outcome);
      };
      const fail = (code: ErrorCode, message: string) => finish(new HookFailure(code, message));
      const deadline = setTimeout(() => fail('DEADLINE_EXCEEDED', `no answer from the gateway within ${timeoutMs} ms`), timeoutMs);
      const connectDeadline = setTimeout(() => fail('SERVICE_UNAVAILABLE', `could not connect to the gateway at ${this.baseUrl} within ${this.connectTimeoutMs} ms`), this.connectTimeoutMs);
      socket.once(this.url.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
        clearTimeout(connectDeadline);
        socket.write(request);
      });
      socket.on('data', (chunk: Buffer) => {
        const read = reader.add(chunk);
        if (read) finish(read);
      });
      socket.once('end', () => finish(reader.end()));
      socket.once('error', (error: NodeJS.ErrnoException) => fail('SERVICE_UNAVAILABLE', `the gateway at ${this.baseUrl} is unreachable${error.code ? ` (${error.code})` : ''}: ${error.message}`));
      socket.once('close', () => {
        this.sockets.delete(socket);
        fail('SERVICE_UNAVAILABLE', `the gateway at ${this.baseUrl} closed the connection without an answer`);
      });
    });
  }

  private open(): Socket {
    const host = this.url.hostname.replace(/^\[(.*)\]$/, '$1');
    const https = this.url.protocol === 'https:';
    const port = Number(this.url.port || (https ? 443 : 80));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when the gateway is https
    const socket = https ? (require('node:tls') as typeof import('node:tls')).connect({ host, port, ...(isIP(host) ? {} : { servername: host }) }) : connect({ host, port });
    socket.setNoDelay(true);
    this.sockets.add(socket);
    return socket;
  }
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
function errorOf(status: number, text: string, retryAfter: string | undefined): [ErrorCode, string] {
  const wire = parseJson(text) as { code?: unknown; message?: unknown } | null;
  const later = retryAfter && (status === 429 || status === 503) ? ` (retry after ${retryAfter} s)` : '';
  if (wire && typeof wire === 'object' && typeof wire.code === 'string' && /^[A-Z][A-Z_]{1,63}$/.test(wire.code) && typeof wire.message === 'string') {
    return [wire.code as ErrorCode, `${wire.message.slice(0, 2000)}${later}`];
  }
  const code: ErrorCode = status === 404 ? 'NOT_FOUND' : status === 401 ? 'UNAUTHENTICATED' : status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL';
  return [code, `the gateway answered ${status}${later}`];
}
