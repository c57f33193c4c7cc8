import { BUS_EVENTS, JETSTREAM_STREAMS, perAgentSubject, type Delegation, type DelegationChanged } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import type { BusStreams, NatsBus } from '@lighthouse/transport';

/** JetStream stream that keeps a day of per-agent change notices, so a reconnecting agent can resume. */
export const NOTICE_STREAM = JETSTREAM_STREAMS.delegationNotices;

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
  private constructor(
    private readonly bus: Pick<NatsBus, 'publishEncoded' | 'codec'>,
    private readonly logger: Logger,
  ) {}

  static async create(bus: Pick<NatsBus, 'publishEncoded' | 'codec' | 'streams'>, logger: Logger): Promise<DelegationNotifier> {
    const streams: BusStreams = bus.streams;
    // Message notices share the stream, so an agent's one ordered feed carries both (see MessageNotifier).
    const subjects = [perAgentSubject(BUS_EVENTS.delegationChanged, '>'), perAgentSubject(BUS_EVENTS.messageNoticed, '>')];
    await streams.ensure({ name: NOTICE_STREAM, subjects, retention: 'limits', maxAgeMs: 24 * 3600 * 1000 });
    return new DelegationNotifier(bus, logger);
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
    for (const agent of new Set(agents)) {
      try {
        this.bus.publishEncoded(perAgentSubject(BUS_EVENTS.delegationChanged, agent), data);
      } catch (error) {
        this.logger.warn({ err: error, agent }, 'could not publish a delegation notice');
      }
    }
  }
}

/** Whom a delegation's changes concern: its requester, its assignee, and the agent it is addressed to by name (it is waiting for that agent). */
export function partiesOf(delegation: Delegation): string[] {
  return [delegation.requester, ...(delegation.assignee ? [delegation.assignee] : []), ...('agent' in delegation.target ? [delegation.target.agent] : [])];
}
