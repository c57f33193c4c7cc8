import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { LighthouseError, RPC, TERMINAL_DELEGATION_STATES, type Delegation, type EventEnvelope, type GatewayHealth, type LogHead } from '@lighthouse/contracts';
import { EventStoreClient, MESSAGE_BUS, type MessageBus } from '@lighthouse/transport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Access } from '../auth/access.decorator';
import { HealthService } from '../health/health.service';
import { ConsoleAuth } from './console-auth';
import { operatorActor, waitingEscalations, withEscalations } from './console-escalations.controller';
import { ConsoleFeed, type FeedClient } from './console-feed';
import { sseOf, StreamQueue } from './console-stream';
import { OperatorCredentials } from './operator-credentials';
import type { ConsoleSession } from './console-session';
import { Operator } from './operator.decorator';

/** Events the console starts from (the stream brings the rest). */
const SNAPSHOT_EVENTS = 500;
const KEEPALIVE_MS = 15_000;
/** Events go to a page in batches this often at most (a page draws a few times a second, not per event). */
const FLUSH_EVERY_MS = 200;
/** Most events one stream holds between flushes; past it they become a gap the page reads from the log. */
const MAX_PENDING_EVENTS = 5000;
/** While the socket holds more than this unread, pending events become a gap rather than more buffer. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** Most events a page reads back for one gap (it keeps no more than this many in its timeline). */
const MAX_GAP_EVENTS = 2000;
/** At most this many store pages (one bus frame each) in one gap reply. */
const MAX_GAP_PAGES = 4;

/** What a console page starts from. */
export interface ConsoleSnapshot {
  operator: string;
  head: LogHead | null;
  events: EventEnvelope[];
  delegations: Delegation[];
  health: GatewayHealth | null;
}

/**
 * `GET /console/api/snapshot`: the recent history, the delegations and the services' health, for
 * a page to start from; `GET /console/api/stream`: every committed event after that, as
 * server-sent events, within a second of its commit. Both for signed-in operators only.
 */
@Controller('console/api')
@Access('console')
export class ConsoleLiveController {
  private readonly store: EventStoreClient;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(HealthService) private readonly health: HealthService,
    @Inject(ConsoleFeed) private readonly feed: ConsoleFeed,
    @Inject(ConsoleAuth) private readonly auth: ConsoleAuth,
    @Inject(OperatorCredentials) private readonly operators: OperatorCredentials,
  ) {
    this.store = new EventStoreClient(bus);
  }

  @Get('snapshot')
  async snapshot(@Operator() session: ConsoleSession): Promise<ConsoleSnapshot> {
    const [head, delegations, health] = await Promise.all([
      this.bus.request(RPC.events.head, {}).catch(() => null),
      this.board(session).catch(() => []),
      this.health.check().catch(() => null),
    ]);
    const events = head && head.lastSequence > 0 ? await this.recent(head.lastSequence) : [];
    return { operator: session.operator, head, events, delegations, health };
  }

  /**
   * `GET /console/api/events?from=&to=`: the committed events of a range (a gap the stream reported),
   * the newest {@link MAX_GAP_EVENTS} of it at most, within {@link MAX_GAP_PAGES} store pages.
   */
  @Get('events')
  async range(@Query('from') fromText: string, @Query('to') toText: string): Promise<{ events: EventEnvelope[]; fromSequence: number; toSequence: number }> {
    const from = Number(fromText);
    const to = Number(toText);
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || from < 1 || to < from) throw new LighthouseError('VALIDATION_FAILED', 'from and to are sequences, from ≤ to');
    const start = Math.max(from, to - MAX_GAP_EVENTS + 1);
    // Each store page fits one bus frame; only the newest MAX_GAP_PAGES are kept, so the reply
    // stays bounded in bytes however large the events (the page counts what it did not get).
    const pages: EventEnvelope[][] = [];
    let dropped = false;
    for (let next: number | null = start; next !== null && next <= to; ) {
      const page = await this.store.read({ fromSequence: next, limit: Math.min(1000, to - next + 1) });
      const events = page.events.filter((e) => e.sequence <= to);
      if (events.length > 0) pages.push(events);
      if (pages.length > MAX_GAP_PAGES) {
        pages.shift();
        dropped = true;
      }
      next = page.events.length === 0 ? null : page.nextSequence;
    }
    const events = pages.flat();
    const fromSequence = dropped ? (events[0]?.sequence ?? start) : start;
    return { events, fromSequence, toSequence: to };
  }

  @Get('delegations')
  async delegations(@Operator() session: ConsoleSession): Promise<{ delegations: Delegation[]; open: number }> {
    const delegations = await this.board(session);
    return { delegations, open: delegations.filter((d) => !TERMINAL_DELEGATION_STATES.includes(d.state)).length };
  }

  @Get('health')
  healthNow(): Promise<GatewayHealth> {
    return this.health.check();
  }

  @Get('stream')
  stream(@Operator() session: ConsoleSession, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const raw = reply.raw;
    const queue = new StreamQueue(MAX_PENDING_EVENTS);
    const client: FeedClient = { send: (event) => queue.push(event) };
    if (!this.feed.join(client)) throw new LighthouseError('RATE_LIMITED', 'this gateway serves as many console streams as it will; close one');
    reply.hijack();
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    raw.write(': connected\n\n');
    const keepalive = setInterval(() => raw.write(': keepalive\n\n'), KEEPALIVE_MS);
    const flush = setInterval(() => {
      const out = queue.flush(raw.writableLength <= MAX_BUFFERED_BYTES);
      if (out) raw.write(sseOf(out));
    }, FLUSH_EVERY_MS);
    // The session ends at its expiry (or sign-out, checked with each keepalive): so does the stream.
    const expiry = setTimeout(() => end('the console session expired'), Math.max(0, session.expiresAt - Date.now()));
    // ... and so does a revoked operator credential (asked of the registry every few seconds).
    let ticks = 0;
    const watch = setInterval(() => {
      if (this.auth.signedOut.has(session.sid, Date.now())) return end('signed out');
      if (session.via === 'operator-credential' && ++ticks % 3 === 0) this.operators.check(session).catch((error: Error) => end(error.message));
    }, 1_000);
    let ended = false;
    const end = (why?: string) => {
      if (ended) return;
      ended = true;
      clearInterval(keepalive);
      clearInterval(flush);
      clearInterval(watch);
      clearTimeout(expiry);
      this.feed.leave(client);
      if (why && !raw.destroyed) raw.write(`event: end\ndata: ${JSON.stringify({ code: 'UNAUTHENTICATED', message: why })}\n\n`);
      raw.end();
    };
    raw.once('close', () => end());
    request.raw.once('error', () => end());
  }

  /**
   * The newest delegations and every waiting escalation: picked out of the newest alone, an
   * escalation could be pushed off the board by an agent's own tasks (as many and as large as it likes).
   */
  private async board(session: ConsoleSession): Promise<Delegation[]> {
    const actor = operatorActor(session);
    const [newest, escalations] = await Promise.all([this.bus.request(RPC.delegation.list, { actor, scope: 'all', limit: 200 }), waitingEscalations(this.bus, actor)]);
    return withEscalations(newest.delegations, escalations);
  }

  /** The last events of the log (a page may stop short of the head: the read pages by bytes). */
  private async recent(lastSequence: number): Promise<EventEnvelope[]> {
    const page = await this.store.read({ fromSequence: Math.max(1, lastSequence - SNAPSHOT_EVENTS + 1), limit: SNAPSHOT_EVENTS }).catch(() => null);
    return page?.events ?? [];
  }
}
