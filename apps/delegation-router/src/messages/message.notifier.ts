import { BUS_EVENTS, perAgentSubject, type MessageNotice } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import type { BusStreams } from '@lighthouse/transport';

/**
 * Tells each agent a message concerns, on `lh.message.evt.noticed.v1.<agent>`, in the notice
 * stream the delegation notices use (its subjects cover both; see DelegationNotifier), so an
 * agent's one event stream carries both and resumes by one sequence. Notices are hints: the event
 * store stays the record, and an agent that missed one still finds the message in its inbox.
 */
export class MessageNotifier {
  constructor(
    private readonly streams: BusStreams,
    private readonly logger: Logger,
  ) {}

  notify(agents: readonly string[], notice: MessageNotice): void {
    for (const agent of new Set(agents)) {
      this.streams
        .publish(perAgentSubject(BUS_EVENTS.messageNoticed, agent), notice)
        .catch((error: Error) => this.logger.warn({ err: error, agent }, 'could not publish a message notice'));
    }
  }
}
