import { connect, StorageType, type JetStreamClient, type JetStreamManager, type KV, type NatsConnection } from 'nats';
import { EVENT_LOG_SUBJECT, natsInboxPrefix } from '@lighthouse/contracts';
import { natsServers } from './nats-servers';

/** One record at its position (the shape of event-log's StoredRecord, which this lib may not import). */
export interface EngineRecord {
  sequence: number;
  bytes: Uint8Array;
}

/** The stream's last position was not the expected one: another writer appended first. */
export class AppendFencedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppendFencedError';
  }
}

/** Where the replicated log lives in JetStream. */
export interface JetStreamLogOptions {
  /** Stream of the records (default LH_EVENTS); the KV bucket `<stream>_CHECKPOINT` holds the signed head. */
  stream: string;
  /** Replicas of the stream and the bucket: 3 in production (a quorum of 2 acknowledges). */
  replicas: number;
  /**
   * Deadline of one engine request (default 1 s): an append or a probe sent to a leader that just
   * died waits this long before the writer reads the store again and asks the new leader.
   */
  timeoutMs?: number;
  /** Deadline of one step of a range read (creating its consumer, one page, one message; default 5 s). */
  readStepMs?: number;
  /** How long `open` keeps trying while the engine does not answer (default 60 s). */
  openDeadlineMs?: number;
  /** Create the stream refusing deletes and purges (default true; tests of tampering turn it off). */
  refuseDeletes?: boolean;
  /** Told when a range read stopped short, with the node that served it and the stream's leader. */
  logger?: { warn(context: Record<string, unknown>, message: string): void };
}

/** Subjects of the records, one per stream (`<prefix>.<stream>`); only the event store may publish there (nats-permissions.ts). */
export const EVENT_LOG_SUBJECT_PREFIX = EVENT_LOG_SUBJECT;
const subjectOf = (stream: string) => `${EVENT_LOG_SUBJECT_PREFIX}.${stream}`;
/** Wrong last sequence, wrong last msg id. */
const FENCED = [10071, 10070];
const NO_MESSAGE_FOUND = 10037;
const PAGE = 1000;
/** How long a page of a range read is given by the engine (the pull request's expiry). */
const PAGE_EXPIRES_MS = 2000;
/** Attempts of the last-sequence probe that timed out (a leader election): each asks the new leader, if any. */
const PROBE_ATTEMPTS = 2;

/** Ordered consumers one range read may use, each going on from where the one before stopped. */
const READ_ATTEMPTS = 3;

/** How far a range read got, and the node that served it. */
interface ReadProgress {
  readTo: number;
  servedBy?: string | undefined;
}

/** A step of a range read that did not come in time. */
class ReadStepTimeout extends Error {}

/** `step`, or a ReadStepTimeout after `ms`; `abandon` is told of a step that answers after it was given up on. */
async function within<T>(step: Promise<T>, ms: number, what: string, abandon: (late: T) => void = () => undefined): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let gaveUp = false;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      gaveUp = true;
      reject(new ReadStepTimeout(`${what} did not answer within ${ms} ms`));
    }, ms);
  });
  step.then((late) => gaveUp && abandon(late), () => undefined);
  try {
    return await Promise.race([step, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The event log's records in one JetStream stream (file storage, R3 in production): record n is
 * message n. Appends carry `Nats-Expected-Last-Sequence`, so a writer that has not seen the last
 * record is refused by the stream's leader instead of forking the chain. The stream refuses
 * deletes and purges. The engine-specific part of the replicated backend, and nothing more: it
 * has the shape of event-log's RecordStore port (this lib may not import a domain lib).
 */
export class JetStreamRecordStore {
  readonly name: string;

  private constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly kv: KV,
    private readonly stream: string,
    private readonly timeoutMs: number,
    private readonly readStepMs: number,
    private readonly logger: JetStreamLogOptions['logger'],
  ) {
    this.name = `jetstream:${stream}`;
  }

  /** Creates the stream and the checkpoint bucket when missing (any writer may, first one wins). */
  static async open(nc: NatsConnection, options: JetStreamLogOptions): Promise<JetStreamRecordStore> {
    const timeout = options.timeoutMs ?? 1000;
    // The cluster may still be electing leaders (a node just restarted): keep trying for a while.
    const deadline = Date.now() + (options.openDeadlineMs ?? 60_000);
    for (;;) {
      try {
        const jsm = await nc.jetstreamManager({ timeout });
        await ensureStream(jsm, options);
        const js = nc.jetstream({ timeout });
        const kv = await js.views.kv(`${options.stream}_CHECKPOINT`, { replicas: options.replicas, history: 1, storage: StorageType.File });
        await hasLeaders(jsm, [options.stream, `KV_${options.stream}_CHECKPOINT`]);
        return new JetStreamRecordStore(js, jsm, kv, options.stream, timeout, options.readStepMs ?? Math.max(5000, timeout + PAGE_EXPIRES_MS + 1000), options.logger);
      } catch (error) {
        if (Date.now() > deadline || !/timeout|no responders|not available|leader/i.test((error as Error).message)) throw error;
        options.logger?.warn({ stream: options.stream, error: (error as Error).message }, 'opening the stream: the engine does not answer yet; trying again');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  /** The stream's last position, asked of its leader (again once when it timed out: see askAgainOnTimeout). */
  lastSequence(): Promise<number> {
    return askAgainOnTimeout(async () => (await this.jsm.streams.info(this.stream)).state.last_seq);
  }

  /**
   * Publishes the records pipelined, each fenced by the position AND the record before it
   * (`Nats-Expected-Last-Sequence` and `Nats-Expected-Last-Msg-Id`, the record id being its msg
   * id): after a refused record, the next one cannot land behind another writer's record.
   * Each ack waits `timeoutMs`; an append whose ack did not come is never sent again from here:
   * its outcome is unknown (it may have landed), so the error goes to the committer, which reads
   * the store and offers only what did not land, fenced again.
   */
  async append(records: ReadonlyArray<{ id: string; bytes: Uint8Array }>, tip: { sequence: number; id: string }): Promise<void> {
    const acks = await Promise.allSettled(
      records.map((record, i) => {
        const lastMsgID = i === 0 ? tip.id : (records[i - 1] as { id: string }).id;
        const expect = { lastSequence: tip.sequence + i, streamName: this.stream, ...(lastMsgID ? { lastMsgID } : {}) };
        return this.js.publish(subjectOf(this.stream), record.bytes, { msgID: record.id, expect, timeout: this.timeoutMs });
      }),
    );
    const failed = acks.find((ack): ack is PromiseRejectedResult => ack.status === 'rejected');
    if (failed) {
      const error = failed.reason as Error & { api_error?: { err_code?: number } };
      if (FENCED.includes(error.api_error?.err_code ?? 0) || /wrong last/i.test(error.message)) throw new AppendFencedError(error.message, { cause: error });
      throw error;
    }
    acks.forEach((ack, i) => {
      const seq = (ack as PromiseFulfilledResult<{ seq: number }>).value.seq;
      if (seq !== tip.sequence + i + 1) throw new Error(`record acknowledged at ${seq}, expected ${tip.sequence + i + 1}`);
    });
  }

  /**
   * An ordered consumer from `fromSequence`, page by page, until `toSequence` or the end of the
   * stream. The consumer (R1, ephemeral) is placed by the engine on any peer of the stream, and a
   * peer that restarted serves only what it has caught up on: the read may end early (the log
   * then asks `get`, which the leader answers). A short read is logged with the node that served it.
   *
   * Every step is bounded by us: nats.js's ordered consumer (nats 2.29, jetstream/consumer.js,
   * OrderedPullConsumerImpl.resetConsumer) creates its consumer inside `fetch` and, when the
   * engine refuses or does not answer, silently tries again: up to `maxInitialReset` (30) times
   * for a new consumer, waiting jitter(expires) = 1-3 s between tries, so one fetch could hang a
   * minute (and go on trying after we gave up); a consumer re-created after a gap (an ordered
   * reset) is tried again without end. So `maxInitialReset` is set to 0 (a public field of the
   * class: the first refusal rejects the fetch), each step (the consumer, a page, a record) has a
   * deadline of `readStepMs`, and a consumer that cannot be created, a step that does not come in
   * time and a page that ends early all end that consumer's read (never another fetch on it, which
   * could start that endless loop); a read that made progress goes on with a new consumer
   * (READ_ATTEMPTS in all), then the caller reads the rest from the leader by position.
   */
  async *range(fromSequence: number, toSequence: number): AsyncIterable<EngineRecord> {
    const started = Date.now();
    const at: ReadProgress = { readTo: fromSequence - 1 };
    let stoppedBy: string | undefined;
    try {
      // A read that stopped after some progress (a page late or short) goes on from where it
      // stopped with a new consumer, a few times. One that got nothing (its consumer refused, or
      // not created in time: during an election the engine cannot) leaves the rest to the leader.
      for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
        const before = at.readTo;
        stoppedBy = yield* this.readOnce(at.readTo + 1, toSequence, at);
        if (stoppedBy === undefined || at.readTo === before) return;
      }
    } finally {
      if (at.readTo < toSequence && this.logger) await this.logShortRead(at.readTo, toSequence, at.servedBy, stoppedBy, Date.now() - started);
    }
  }

  /** One ordered consumer's read: undefined when it ended (at `toSequence` or the end it serves), else why it stopped. */
  private async *readOnce(fromSequence: number, toSequence: number, at: ReadProgress): AsyncGenerator<EngineRecord, string | undefined> {
    let consumer: Awaited<ReturnType<JetStreamClient['consumers']['get']>> | undefined;
    let page: Awaited<ReturnType<NonNullable<typeof consumer>['fetch']>> | undefined;
    try {
      consumer = await within(this.js.consumers.get(this.stream, { opt_start_seq: fromSequence }), this.readStepMs, 'creating the read consumer');
      if ('maxInitialReset' in consumer) (consumer as { maxInitialReset: number }).maxInitialReset = 0;
      const reader = consumer;
      for (;;) {
        // A fetch given up on may still create its consumer later: stop it and delete the consumer then.
        page = await within(reader.fetch({ max_messages: PAGE, expires: PAGE_EXPIRES_MS }), this.readStepMs, 'a page of the range read', (late) => {
          late.stop();
          void reader.delete().catch(() => undefined);
        });
        // Cached: the fetch just set its consumer (an uncached or reset one would be created again).
        at.servedBy ??= await within(reader.info(true), this.readStepMs, 'the read consumer').then((info) => info.cluster?.leader, () => undefined);
        const messages = page[Symbol.asyncIterator]();
        let got = 0;
        for (;;) {
          const next = await within(messages.next(), this.readStepMs, 'a record of the range read');
          if (next.done) break;
          const message = next.value;
          got += 1;
          if (message.seq > toSequence) return undefined;
          at.readTo = message.seq;
          yield { sequence: message.seq, bytes: message.data };
          if (message.seq === toSequence || message.info.pending === 0) return undefined;
        }
        if (got === 0) return undefined;
        // A page that ended before it was full and before the end: the engine ran out of time or
        // the consumer was reset after a gap. Fetching again could retry without end (above).
        if (got < PAGE) return 'a page ended early';
      }
    } catch (error) {
      return (error as Error).message;
    } finally {
      page?.stop();
      if (consumer) await within(consumer.delete(), this.readStepMs, 'deleting the read consumer').catch(() => undefined);
    }
  }

  private async logShortRead(readTo: number, toSequence: number, servedBy: string | undefined, stoppedBy: string | undefined, tookMs: number): Promise<void> {
    const leader = await this.jsm.streams.info(this.stream).then((info) => info.cluster?.leader, () => undefined);
    this.logger?.warn({ stream: this.stream, readTo, wanted: toSequence, servedBy: servedBy ?? 'unknown', streamLeader: leader ?? 'none', tookMs, ...(stoppedBy ? { stoppedBy } : {}) }, 'range read stopped short; the rest is read from the stream leader');
  }

  async get(sequences: readonly number[]): Promise<Array<EngineRecord | undefined>> {
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

  /**
   * The head from the bucket's stream leader (`STREAM.MSG.GET`), not a direct get: a KV bucket
   * allows direct gets, which any replica answers, one that restarted and is behind included.
   */
  async readCheckpoint(): Promise<Uint8Array | undefined> {
    const bucket = `${this.stream}_CHECKPOINT`;
    try {
      const message = await askAgainOnTimeout(() => this.jsm.streams.getMessage(`KV_${bucket}`, { last_by_subj: `$KV.${bucket}.head` }));
      const operation = message.header?.get('KV-Operation');
      return operation || message.data.length === 0 ? undefined : message.data;
    } catch (error) {
      const apiError = error as Error & { api_error?: { err_code?: number } };
      if (apiError.api_error?.err_code === NO_MESSAGE_FOUND || /no message found/i.test(apiError.message)) return undefined;
      throw error;
    }
  }

  async writeCheckpoint(bytes: Uint8Array): Promise<void> {
    await this.kv.put('head', bytes);
  }
}

/**
 * A read asked of a stream leader, asked once more at once when it timed out (the leader's node
 * died): the second request reaches the new leader as soon as one is elected, so a short request
 * deadline shortens the wait through an election without failing more often. Only reads: they
 * change nothing, so asking again is safe (an append is never sent again blindly; see `append`).
 */
async function askAgainOnTimeout<T>(ask: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ask();
    } catch (error) {
      if (attempt >= PROBE_ATTEMPTS || !/timeout/i.test((error as Error).message)) throw error;
    }
  }
}

/** Throws (and `open` tries again) until every stream has a leader: a stream just created may not yet. */
async function hasLeaders(jsm: JetStreamManager, streams: string[]): Promise<void> {
  for (const stream of streams) {
    const info = await jsm.streams.info(stream);
    if (info.cluster && !info.cluster.leader) throw new Error(`stream ${stream} has no leader yet`);
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
    .add({ name: options.stream, subjects: [subjectOf(options.stream)], storage: StorageType.File, num_replicas: options.replicas, deny_delete: options.refuseDeletes ?? true, deny_purge: options.refuseDeletes ?? true, allow_rollup_hdrs: false })
    .catch(async (error: Error) => {
      // Another writer created it first.
      if (!/already in use/i.test(error.message)) throw error;
    });
}

/** The engine's connection (a plain NATS connection). */
export type EngineConnection = NatsConnection;

/** A plain NATS connection for the engine, as the service's own user (its inbox, reconnecting forever). */
export function connectEngine(servers: string, user: string | undefined, pass: string | undefined, name: string): Promise<NatsConnection> {
  const auth = user ? { user, pass, inboxPrefix: natsInboxPrefix(user) } : {};
  return connect({ servers: natsServers(servers), name, maxReconnectAttempts: -1, reconnectTimeWait: 250, noAsyncTraces: true, ...auth });
}
