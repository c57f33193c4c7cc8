import { BUS_EVENTS, JETSTREAM_STREAMS, perAgentSubject, type Delegation, type DelegationChanged } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import type { BusStreams, NatsBus } from '@lighthouse/transport';

/** JetStream stream that keeps a day of per-agent change notices, so a reconnecting agent can resume. */
export const NOTICE_STREAM = JETSTREAM_STREAMS.delegationNotices;

/** How long a notice may wait, at most, to leave with the router's next store request. */
export const NOTICE_DELAY_MS = 20;

/**
 * Tells each agent a change concerns (requester, assignee, the agent it is addressed to, and an expert that lost its claim) on
 * `lh.delegation.evt.changed.v1.<agent>`. Notices go through JetStream so that a gateway serving
 * an agent's event stream can replay what the agent missed (Last-Event-ID); they are hints, the
 * event store stays the record. So they are published without waiting for JetStream's
 * acknowledgement (the stream stores what arrives on its subjects): a lost notice was only ever
 * logged, and a round trip per notice is not spent on the hot path. A change's notice is encoded
 * once, whoever it goes to.
 */
export class DelegationNotifier {
  /** Notices encoded and not yet handed to the connection, in order: subject and data. */
  private queued: Array<[string, Uint8Array]> = [];
  private timer?: NodeJS.Timeout;

  private constructor(
    private readonly bus: Pick<NatsBus, 'publishEncoded' | 'codec'>,
    private readonly logger: Logger,
    private readonly delayMs: number,
  ) {}

  /**
   * `delayMs`: how long a notice may wait for the router's next store request, so that both leave
   * in one socket write, the request first (see {@link flush}).
   */
  static async create(bus: Pick<NatsBus, 'publishEncoded' | 'codec' | 'streams'>, logger: Logger, delayMs = NOTICE_DELAY_MS): Promise<DelegationNotifier> {
    const streams: BusStreams = bus.streams;
    // Message notices share the stream, so an agent's one ordered feed carries both (see MessageNotifier).
    const subjects = [perAgentSubject(BUS_EVENTS.delegationChanged, '>'), perAgentSubject(BUS_EVENTS.messageNoticed, '>')];
    await streams.ensure({ name: NOTICE_STREAM, subjects, retention: 'limits', maxAgeMs: 24 * 3600 * 1000 });
    return new DelegationNotifier(bus, logger, delayMs);
  }

  /** Tells every party of the delegation (and `also`) of `change`. */
  notify(delegation: Delegation, change: string, also: readonly string[] = []): void {
    this.tell(delegation, change, [...partiesOf(delegation), ...also]);
  }

  /** Tells `agents` (each once) of `change`: the notice is encoded once for all of them. */
  tell(delegation: Delegation, change: string, agents: Iterable<string>): void {
    let data: Uint8Array;
    try {
      const notice: DelegationChanged = { delegation, change };
      data = this.bus.codec.encodeValue(notice);
    } catch (error) {
      this.logger.warn({ err: error, delegation: delegation.id }, 'could not encode a delegation notice');
      return;
    }
    for (const agent of new Set(agents)) this.queued.push([perAgentSubject(BUS_EVENTS.delegationChanged, agent), data]);
    if (this.delayMs <= 0) return this.flush();
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    this.timer.unref();
  }

  /**
   * Hands every queued notice to the connection, in order. The router calls it just after each
   * store request is queued (and the timer at the latest `delayMs` after a notice): the notices
   * then leave in the same socket write as the request, behind it, where they cost a write of
   * their own after every change (two per delegation; a write is among the dearest things the
   * router does per delegation), and the server routes the append before them.
   */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.queued.length === 0) return;
    const queued = this.queued;
    this.queued = [];
    for (const [subject, data] of queued) {
      try {
        this.bus.publishEncoded(subject, data);
      } catch (error) {
        this.logger.warn({ err: error, subject }, 'could not publish a delegation notice');
      }
    }
  }
}

/** Whom a delegation's changes concern: its requester, its assignee, and the agent it is addressed to by name (it is waiting for that agent). */
export function partiesOf(delegation: Delegation): string[] {
  return [delegation.requester, ...(delegation.assignee ? [delegation.assignee] : []), ...('agent' in delegation.target ? [delegation.target.agent] : [])];
}
