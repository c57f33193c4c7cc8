import { JETSTREAM_STREAMS, SUBJECTS, type Delegation } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { FrameCodec } from '@lighthouse/transport';
import { RetentionPolicy, StorageType, type JetStreamClient, type NatsConnection } from 'nats';

/** JetStream stream that keeps a day of per-agent change notices, so a reconnecting agent can resume. */
export const NOTICE_STREAM = JETSTREAM_STREAMS.delegationNotices;

/**
 * Tells each agent a change concerns (requester, assignee, and an expert that lost its claim) on
 * `lh.delegation.evt.changed.v1.<agent>`. Notices go through JetStream so that a gateway serving
 * an agent's event stream can replay what the agent missed (Last-Event-ID); they are hints, the
 * event store stays the record.
 */
export class DelegationNotifier {
  private readonly codec = new FrameCodec();

  private constructor(
    private readonly js: JetStreamClient,
    private readonly logger: Logger,
  ) {}

  static async create(connection: NatsConnection, logger: Logger): Promise<DelegationNotifier> {
    const jsm = await connection.jetstreamManager();
    const config = {
      name: NOTICE_STREAM,
      subjects: [`${SUBJECTS.delegation.changed}.>`],
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: 24 * 3600 * 1e9,
    };
    await jsm.streams.add(config).catch(async () => jsm.streams.update(NOTICE_STREAM, config));
    return new DelegationNotifier(connection.jetstream(), logger);
  }

  notify(delegation: Delegation, change: string, also: readonly string[] = []): void {
    const agents = new Set([delegation.requester, ...(delegation.assignee ? [delegation.assignee] : []), ...also]);
    for (const agent of agents) {
      const subject = `${SUBJECTS.delegation.changed}.${agent}`;
      this.js
        .publish(subject, this.codec.encode({ pattern: subject, data: { delegation, change } }))
        .catch((error: Error) => this.logger.warn({ err: error, agent }, 'could not publish a delegation notice'));
    }
  }
}
