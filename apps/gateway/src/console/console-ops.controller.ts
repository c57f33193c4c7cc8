import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { RESERVATION_LIMITS, RPC, type ChainVerification, type EventEnvelope, type ReservationList, type SearchResult } from '@lighthouse/contracts';
import type { SlaReport } from '@lighthouse/observability';
import { EventStoreClient, MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import type { z } from 'zod';
import { Access } from '../auth/access.decorator';
import { SearchHttpQuerySchema } from '../search/search.controller';
import { EmptyBodySchema } from '../sessions/empty-body';
import { operatorActor } from './console-escalations.controller';
import type { ConsoleSession } from './console-session';
import { Operator } from './operator.decorator';
import { SlaMonitor } from './sla-monitor';

const MESSAGE_TYPES = ['message.sent', 'message.read', 'message.acknowledged'];
/** How far back the messages page looks (events of the log, of any type). */
const MESSAGE_HISTORY_EVENTS = 50_000;
/** The newest message events of each type it starts from. */
const MAX_MESSAGE_EVENTS = 1000;

/**
 * What the console reads besides the live events: which SLAs hold and the breaches of the last
 * day (`GET sla`), the event store's last whole-log verification and signed checkpoint (`GET
 * chain`; `POST chain/verify` asks for a new one, which the store runs at most once per interval),
 * and full-text search as an operator sees it (`GET search`).
 */
@Controller('console/api')
@Access('console')
export class ConsoleOpsController {
  private readonly store: EventStoreClient;

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(SlaMonitor) private readonly sla: SlaMonitor,
  ) {
    this.store = new EventStoreClient(bus);
  }

  /** Live reservations (the first page, at most 500), for the agents page: who holds which paths. */
  @Get('reservations')
  reservations(@Operator() session: ConsoleSession): Promise<ReservationList> {
    return this.bus.request(RPC.delegation.listReservations, { actor: operatorActor(session), limit: RESERVATION_LIMITS.pageSize });
  }

  /**
   * The message events among the last {@link MESSAGE_HISTORY_EVENTS} of the log (sent, read,
   * acknowledged; the newest {@link MAX_MESSAGE_EVENTS} of each), for the messages page to fold
   * into threads; the stream brings the rest.
   */
  @Get('messages')
  async messages(): Promise<{ events: EventEnvelope[] }> {
    const head = await this.bus.request(RPC.events.head, {});
    const from = Math.max(1, head.lastSequence - MESSAGE_HISTORY_EVENTS + 1);
    const pages = await Promise.all(MESSAGE_TYPES.map((type) => this.newestOf(type, from)));
    return { events: pages.flat().sort((a, b) => a.sequence - b.sequence) };
  }

  private async newestOf(type: string, fromSequence: number): Promise<EventEnvelope[]> {
    let events: EventEnvelope[] = [];
    for (let from: number | null = fromSequence, pages = 0; from !== null && pages < 20; pages++) {
      const page = await this.store.read({ type, fromSequence: from, limit: 1000 });
      events = [...events, ...page.events].slice(-MAX_MESSAGE_EVENTS);
      from = page.events.length === 0 ? null : page.nextSequence;
    }
    return events;
  }

  @Get('sla')
  slaReport(): SlaReport {
    return this.sla.report();
  }

  @Get('chain')
  chain(): Promise<ChainVerification> {
    return this.bus.request(RPC.events.verify, {});
  }

  @Post('chain/verify')
  @HttpCode(200)
  verify(@Body(new ZodValidationPipe(EmptyBodySchema)) _body: unknown): Promise<ChainVerification> {
    return this.bus.request(RPC.events.verify, { rerun: true }, { timeoutMs: 30_000 });
  }

  @Get('search')
  search(@Query(new ZodValidationPipe(SearchHttpQuerySchema)) query: z.infer<typeof SearchHttpQuerySchema>, @Operator() session: ConsoleSession): Promise<SearchResult> {
    const { kinds, ...rest } = query;
    return this.bus.request(RPC.search.query, { actor: operatorActor(session), query: { ...rest, ...(kinds ? { kinds } : {}) } });
  }
}
