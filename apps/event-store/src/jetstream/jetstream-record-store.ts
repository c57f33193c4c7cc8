import { connect, StorageType, type JetStreamClient, type JetStreamManager, type KV, type NatsConnection } from 'nats';
import { natsInboxPrefix } from '@lighthouse/contracts';
import { FencedAppendError, type RecordStore, type StoredRecord } from '@lighthouse/event-log';

/** Where the replicated log lives in JetStream. */
export interface JetStreamLogOptions {
  /** Stream of the records (default LH_EVENTS); the KV bucket `<stream>_CHECKPOINT` holds the signed head. */
  stream: string;
  /** Replicas of the stream and the bucket: 3 in production (a quorum of 2 acknowledges). */
  replicas: number;
  /** Deadline of one engine request. */
  timeoutMs?: number;
}

/** Subjects of the records, one per stream (`<prefix>.<stream>`); only the event store may publish there (nats-permissions.ts). */
export const EVENT_LOG_SUBJECT_PREFIX = 'lh.events.log.v1';
const subjectOf = (stream: string) => `${EVENT_LOG_SUBJECT_PREFIX}.${stream}`;
const WRONG_LAST_SEQUENCE = 10071;
const NO_MESSAGE_FOUND = 10037;
const PAGE = 1000;

/**
 * The event log's records in one JetStream stream (file storage, R3 in production): record n is
 * message n. Appends carry `Nats-Expected-Last-Sequence`, so a writer that has not seen the last
 * record is refused by the stream's leader instead of forking the chain. The stream refuses
 * deletes and purges. The engine-specific part of the replicated backend, and nothing more.
 */
export class JetStreamRecordStore implements RecordStore {
  readonly name: string;

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly kv: KV,
    private readonly stream: string,
    private readonly timeoutMs: number,
  ) {
    this.name = `jetstream:${stream}`;
  }

  /** Creates the stream and the checkpoint bucket when missing (any writer may, first one wins). */
  static async open(nc: NatsConnection, options: JetStreamLogOptions): Promise<JetStreamRecordStore> {
    const timeout = options.timeoutMs ?? 5000;
    const jsm = await nc.jetstreamManager({ timeout });
    await ensureStream(jsm, options);
    const js = nc.jetstream({ timeout });
    const kv = await js.views.kv(`${options.stream}_CHECKPOINT`, { replicas: options.replicas, history: 1, storage: StorageType.File });
    return new JetStreamRecordStore(js, jsm, kv, options.stream, timeout);
  }

  async lastSequence(): Promise<number> {
    return (await this.jsm.streams.info(this.stream)).state.last_seq;
  }

  /** Publishes the records pipelined, each fenced by the position before it; resolves once all are acknowledged. */
  async append(records: readonly Uint8Array[], expectedLastSequence: number): Promise<void> {
    const acks = await Promise.allSettled(
      records.map((bytes, i) => this.js.publish(subjectOf(this.stream), bytes, { expect: { lastSequence: expectedLastSequence + i, streamName: this.stream }, timeout: this.timeoutMs })),
    );
    const failed = acks.find((ack): ack is PromiseRejectedResult => ack.status === 'rejected');
    if (failed) {
      const error = failed.reason as Error & { api_error?: { err_code?: number } };
      if (error.api_error?.err_code === WRONG_LAST_SEQUENCE || /wrong last sequence/i.test(error.message)) throw new FencedAppendError(error.message, { cause: error });
      throw error;
    }
    acks.forEach((ack, i) => {
      const seq = (ack as PromiseFulfilledResult<{ seq: number }>).value.seq;
      if (seq !== expectedLastSequence + i + 1) throw new Error(`record acknowledged at ${seq}, expected ${expectedLastSequence + i + 1}`);
    });
  }

  /** An ordered consumer from `fromSequence`, page by page, until `toSequence` or the end of the stream. */
  async *range(fromSequence: number, toSequence: number): AsyncIterable<StoredRecord> {
    const consumer = await this.js.consumers.get(this.stream, { opt_start_seq: fromSequence });
    try {
      for (;;) {
        const page = await consumer.fetch({ max_messages: PAGE, expires: 2000 });
        let got = 0;
        for await (const message of page) {
          got += 1;
          if (message.seq > toSequence) return;
          yield { sequence: message.seq, bytes: message.data };
          if (message.seq === toSequence || message.info.pending === 0) return;
        }
        if (got === 0) return;
      }
    } finally {
      await consumer.delete().catch(() => undefined);
    }
  }

  async get(sequences: readonly number[]): Promise<Array<StoredRecord | undefined>> {
    return Promise.all(
      sequences.map((seq) =>
        this.jsm.streams.getMessage(this.stream, { seq }).then(
          (message) => ({ sequence: message.seq, bytes: message.data }),
          (error: Error & { api_error?: { err_code?: number } }) => {
            if (error.api_error?.err_code === NO_MESSAGE_FOUND || /no message found/i.test(error.message)) return undefined;
            throw error;
          },
        ),
      ),
    );
  }

  async readCheckpoint(): Promise<Uint8Array | undefined> {
    const entry = await this.kv.get('head');
    return entry && entry.operation === 'PUT' && entry.value.length > 0 ? entry.value : undefined;
  }

  async writeCheckpoint(bytes: Uint8Array): Promise<void> {
    await this.kv.put('head', bytes);
  }
}

async function ensureStream(jsm: JetStreamManager, options: JetStreamLogOptions): Promise<void> {
  try {
    await jsm.streams.info(options.stream);
    return;
  } catch (error) {
    if (!/stream not found/i.test((error as Error).message)) throw error;
  }
  await jsm.streams
    .add({ name: options.stream, subjects: [subjectOf(options.stream)], storage: StorageType.File, num_replicas: options.replicas, deny_delete: true, deny_purge: true, allow_rollup_hdrs: false })
    .catch(async (error: Error) => {
      // Another writer created it first.
      if (!/already in use/i.test(error.message)) throw error;
    });
}

/** A plain NATS connection for the engine, as the service's own user (its inbox, reconnecting forever). */
export function connectEngine(servers: string, user: string | undefined, pass: string | undefined, name: string): Promise<NatsConnection> {
  const auth = user ? { user, pass, inboxPrefix: natsInboxPrefix(user) } : {};
  return connect({ servers: servers.split(','), name, maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true, ...auth });
}
