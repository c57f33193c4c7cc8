import { HookFailure } from './hook-failure';

/**
 * HTTP/1.1 as the hook speaks it to the gateway (hook-gateway.ts): one `POST` per connection,
 * and its answer read as the bytes arrive. Only what a gateway answers is understood; anything
 * else is a failure with a stable code, never a hang or an unbounded buffer.
 */

/** Answers larger than this are refused: a decision is a few kilobytes. */
export const MAX_ANSWER_BYTES = 1024 * 1024;
/** Status line and headers of an answer: more than this is not a gateway's answer. */
const MAX_HEAD_BYTES = 64 * 1024;

/** An HTTP answer as read off the socket. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A `POST` with a JSON body (or none), asking the server to close the connection after its answer. */
export function requestBytes(url: URL, path: string, body: string | undefined, extra: Record<string, string>): Buffer {
  const payload = Buffer.from(body ?? '', 'utf8');
  const headers: Record<string, string> = { host: url.host, accept: 'application/json', connection: 'close', ...extra, 'content-length': String(payload.length) };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const head = `POST ${path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), payload]);
}

/**
 * Reads one HTTP/1.1 answer as its bytes arrive: status line and headers, then a body framed by
 * content-length, by chunks, or by the end of the connection. Bounded: a larger answer is a
 * PAYLOAD_TOO_LARGE failure, a malformed one a SERVICE_UNAVAILABLE.
 */
export class AnswerReader {
  private buffer = Buffer.alloc(0);
  private head: { status: number; headers: Record<string, string>; bodyStart: number } | undefined;

  /** The answer once complete, a failure, or undefined while more is to come. */
  add(chunk: Buffer): RawAnswer | HookFailure | undefined {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    if (this.buffer.length > MAX_HEAD_BYTES + MAX_ANSWER_BYTES + 64 * 1024) return new HookFailure('PAYLOAD_TOO_LARGE', `the gateway's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    if (!this.head) {
      const end = this.buffer.indexOf('\r\n\r\n');
      if (end < 0) return this.buffer.length > MAX_HEAD_BYTES ? malformed('its headers never end') : undefined;
      const head = parseHead(this.buffer.subarray(0, end).toString('latin1'));
      if (head instanceof HookFailure) return head;
      this.head = { ...head, bodyStart: end + 4 };
    }
    return this.body(false);
  }

  /** The connection ended: the answer if it is complete (or framed by the end), else a failure. */
  end(): RawAnswer | HookFailure {
    if (!this.head) return new HookFailure('SERVICE_UNAVAILABLE', 'the gateway closed the connection without an answer');
    return this.body(true) ?? new HookFailure('SERVICE_UNAVAILABLE', 'the gateway closed the connection in the middle of its answer');
  }

  private body(ended: boolean): RawAnswer | HookFailure | undefined {
    const { status, headers, bodyStart } = this.head as NonNullable<typeof this.head>;
    const rest = this.buffer.subarray(bodyStart);
    const answer = (bytes: Buffer) => (bytes.length > MAX_ANSWER_BYTES ? new HookFailure('PAYLOAD_TOO_LARGE', `the gateway's answer is larger than ${MAX_ANSWER_BYTES} bytes`) : { status, headers, body: bytes.toString('utf8') });
    if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) {
      const decoded = dechunk(rest);
      return decoded === undefined ? undefined : decoded instanceof HookFailure ? decoded : answer(decoded);
    }
    const length = headers['content-length'];
    if (length !== undefined) {
      if (!/^\d{1,9}$/.test(length)) return malformed(`content-length ${JSON.stringify(length)}`);
      if (Number(length) > MAX_ANSWER_BYTES) return new HookFailure('PAYLOAD_TOO_LARGE', `the gateway's answer is larger than ${MAX_ANSWER_BYTES} bytes`);
      return rest.length >= Number(length) ? answer(rest.subarray(0, Number(length))) : undefined;
    }
    if (status === 204 || status === 304) return answer(Buffer.alloc(0));
    return ended ? answer(rest) : undefined;
  }
}

const malformed = (why: string) => new HookFailure('SERVICE_UNAVAILABLE', `the gateway's answer is not HTTP: ${why}`);

function parseHead(text: string): { status: number; headers: Record<string, string> } | HookFailure {
  const [statusLine = '', ...lines] = text.split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)?.[1];
  if (!status) return malformed(`status line ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) return malformed(`header line ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return { status: Number(status), headers };
}

/** A chunked body: the bytes once the last chunk arrived, undefined while more is to come. */
function dechunk(bytes: Buffer): Buffer | HookFailure | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = /^([0-9a-fA-F]{1,8})(?:;.*)?$/.exec(bytes.subarray(at, lineEnd).toString('latin1'))?.[1];
    if (size === undefined) return malformed('a chunk size');
    const length = parseInt(size, 16);
    if (length === 0) return Buffer.concat(parts);
    if (bytes.length < lineEnd + 2 + length + 2) return undefined;
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + length));
    at = lineEnd + 2 + length + 2;
  }
}
