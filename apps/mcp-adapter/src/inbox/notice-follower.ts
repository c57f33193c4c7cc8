import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { SessionGrant } from '@lighthouse/contracts';

/** One server-sent event of `GET /events/stream`. */
export interface StreamEvent {
  id?: string;
  event: string;
  data: string;
}

export interface NoticeFollowerOptions {
  gatewayUrl: string;
  /** The current grant (the session keeper's; a new one after a refresh). */
  grant: () => Promise<SessionGrant>;
  onEvent: (event: StreamEvent) => void;
  /** After each (re)connection: the caller may catch up on what arrived while it was away. */
  onConnected?: () => void;
  log: (message: string) => void;
}

const MAX_LINE_CHARS = 2 * 1024 * 1024;
const RETRY_MS = [250, 1_000, 2_000, 5_000];

/**
 * Follows the agent's event stream (`GET /events/stream`, server-sent events) for as long as the
 * adapter runs: reconnects when it ends (token expiry, gateway restart) with the grant of the
 * moment and `Last-Event-ID`, so nothing is missed within the notice stream's retention.
 */
export class NoticeFollower {
  private lastEventId?: string;
  private stopped = false;
  private current?: { destroy(): void };
  private failures = 0;

  constructor(private readonly options: NoticeFollowerOptions) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    this.current?.destroy();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.once(await this.options.grant());
      } catch (error) {
        if (!this.stopped) this.options.log(`event stream: ${(error as Error).message}`);
      }
      if (this.stopped) return;
      const wait = RETRY_MS[Math.min(this.failures++, RETRY_MS.length - 1)] as number;
      await new Promise((resolve) => setTimeout(resolve, wait).unref());
    }
  }

  /** One connection, until it ends. */
  private once(grant: SessionGrant): Promise<void> {
    const url = new URL('/events/stream', this.options.gatewayUrl);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- node:https is loaded only for an https gateway (as HttpTransport does)
    const request = url.protocol === 'https:' ? (require('node:https') as typeof import('node:https')).request : httpRequest;
    const headers: Record<string, string> = { accept: 'text/event-stream', authorization: `Bearer ${grant.token}` };
    if (this.lastEventId) headers['last-event-id'] = this.lastEventId;
    return new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', headers }, (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          return reject(new Error(`the gateway answered ${response.statusCode}`));
        }
        this.failures = 0;
        this.options.onConnected?.();
        this.read(response, resolve);
      });
      this.current = req;
      req.once('error', reject);
      req.end();
    });
  }

  private read(response: IncomingMessage, done: () => void): void {
    let buffer = '';
    let event: Partial<StreamEvent> = {};
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => {
      buffer += chunk;
      if (buffer.length > MAX_LINE_CHARS) return void response.destroy();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, '');
        buffer = buffer.slice(newline + 1);
        if (line === '') {
          if (event.data !== undefined) this.dispatch({ event: event.event ?? 'message', data: event.data, ...(event.id ? { id: event.id } : {}) });
          event = {};
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'data') event.data = event.data === undefined ? value : `${event.data}\n${value}`;
          else if (field === 'event' || field === 'id') event[field] = value;
        }
      }
    });
    response.once('close', done);
    response.once('error', done);
  }

  private dispatch(event: StreamEvent): void {
    if (event.id) this.lastEventId = event.id;
    try {
      this.options.onEvent(event);
    } catch (error) {
      this.options.log(`event stream: could not handle an event: ${(error as Error).message}`);
    }
  }
}
