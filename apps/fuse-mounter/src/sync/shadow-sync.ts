import { randomUUID } from 'node:crypto';
import { FS_STREAM, LighthouseError, type EventChannel, type EventEnvelope, type NewEvent } from '@lighthouse/contracts';
import { canSeeEvent, isPublicStream } from '@lighthouse/auth';
import { LiveStreams, ShadowState, type FsCommand } from '@lighthouse/shadow-fs';
import type { Logger } from '@lighthouse/observability';
import { EventFollower, type EventStoreClient, type NatsBus } from '@lighthouse/transport';

export interface ShadowSyncOptions {
  bus: NatsBus;
  store: EventStoreClient;
  /** Agent id of this mounter's events. */
  agent: string;
  logger: Logger;
  /** How often to compare with the store's head (catches a lost last event). */
  checkEveryMs?: number;
  /** How long an append waits to see its own event applied before reading it from the store. */
  selfReadAfterMs?: number;
  /**
   * Streams the operator made public (`LH_PUBLIC_STREAMS`; default `fs`). `/streams` shows only
   * what the mount's own agent may see under the visibility rule: every agent on the pod reads it.
   */
  publicStreams?: readonly string[];
}

const APPEND_ATTEMPTS = 3;
const DEFAULT_PUBLIC_STREAMS = ['fs'];

/**
 * The channels a mount applies: the tree, who is connected, the open delegations and the live
 * reservations always;
 * decisions and agents' own events only when a stream that holds them is public (they show in
 * `/streams` then, and nowhere else).
 */
export function mountedChannels(publicStreams: readonly string[]): EventChannel[] {
  const channels: EventChannel[] = ['fs', 'session', 'expert', 'agent', 'credential', 'delegation', 'reservation'];
  if (isPublicStream('decisions', publicStreams)) channels.push('validation', 'verdict');
  if (publicStreams.some((pattern) => pattern !== 'fs')) channels.push('message', 'other');
  return channels;
}

/**
 * Keeps this pod's {@link ShadowState} in step with the event store: catches up by sequence,
 * follows the live committed subject (gaps are filled by the follower), and appends this pod's
 * own changes, returning only once the store acknowledged them and the local state shows them.
 */
export class ShadowSync {
  readonly state = new ShadowState();
  readonly streams: LiveStreams;
  private follower?: EventFollower;
  private live = false;
  private waiters: Array<{ sequence: number; resolve: () => void }> = [];
  private timer?: NodeJS.Timeout;
  private reading?: Promise<void>;
  private stopped = false;
  private checkedAt = -1;
  private counters = { gaps: 0, followerRestarts: 0, storeReads: 0 };

  constructor(private readonly options: ShadowSyncOptions) {
    this.streams = new LiveStreams(undefined, Date.now());
  }

  /** Catches up with the whole log, then follows it live. */
  async start(): Promise<void> {
    await this.follow();
    this.live = true;
    const every = this.options.checkEveryMs ?? 2000;
    this.timer = setInterval(() => void this.check(), every);
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.follower?.stop();
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  get stats(): { lastSequence: number; conflicts: number; gaps: number; followerRestarts: number; storeReads: number } {
    return { lastSequence: this.state.lastSequence, conflicts: this.state.conflictCount, ...this.counters };
  }

  /**
   * Appends fs commands as this pod's events (one append, in order) and resolves once the store
   * has them on disk and this pod's state has applied them. An append that timed out is retried
   * with the same event ids, which the store stores once.
   */
  async commit(commands: FsCommand[], correlationId: string = randomUUID()): Promise<number> {
    const events: NewEvent[] = commands.map((command) => ({
      id: randomUUID(),
      type: command.type,
      stream: FS_STREAM,
      agent: this.options.agent,
      correlationId,
      causationId: null,
      schemaVersion: 1,
      data: command.data as Record<string, unknown>,
    }));
    const last = await this.append(events);
    await this.applied(last);
    return last;
  }

  /** Resolves once the state has applied `sequence` (reading from the store if the live event is late). */
  async applied(sequence: number): Promise<void> {
    if (this.state.lastSequence >= sequence) return;
    const seen = new Promise<void>((resolve) => this.waiters.push({ sequence, resolve }));
    const late = setTimeout(() => void this.readFromStore(), this.options.selfReadAfterMs ?? 200);
    try {
      await seen;
    } finally {
      clearTimeout(late);
    }
  }

  private async append(events: NewEvent[]): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.options.store.append({ events });
        if (result.status !== 'committed') throw new LighthouseError('CONFLICT', 'unexpected version conflict on the fs stream');
        return Math.max(...result.sequences);
      } catch (error) {
        const retriable = error instanceof LighthouseError && ['DEADLINE_EXCEEDED', 'SERVICE_UNAVAILABLE', 'STORE_UNAVAILABLE'].includes(error.code);
        if (!retriable || attempt >= APPEND_ATTEMPTS) throw error;
        this.options.logger.warn({ err: error, attempt }, 'append failed; retrying with the same event ids');
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  }

  private onEvent(event: EventEnvelope): void {
    const applied = this.state.apply(event);
    if (applied.status === 'skipped' && applied.reason === 'already applied') return;
    if (applied.status === 'conflict' || applied.status === 'malformed') {
      this.options.logger.info({ sequence: event.sequence, type: event.type, reason: applied.reason }, `fs event ${applied.status}: it changes nothing`);
    }
    if (this.live && this.visible(event)) this.streams.append(event);
    if (this.waiters.length === 0) return;
    const done = this.waiters.filter((waiter) => waiter.sequence <= this.state.lastSequence);
    this.waiters = this.waiters.filter((waiter) => waiter.sequence > this.state.lastSequence);
    for (const waiter of done) waiter.resolve();
  }

  private visible(event: EventEnvelope): boolean {
    const context = { publicStreams: this.options.publicStreams ?? DEFAULT_PUBLIC_STREAMS, isDelegationParty: () => false };
    return canSeeEvent({ agent: this.options.agent, operator: false }, event, context);
  }

  private async follow(): Promise<void> {
    this.follower?.stop();
    const follower = new EventFollower(this.options.bus, this.options.store, {
      channels: mountedChannels(this.options.publicStreams ?? DEFAULT_PUBLIC_STREAMS),
      fromSequence: Math.max(this.state.lastSequence + 1, this.follower?.position ?? 1),
      onEvent: (event) => this.onEvent(event),
      onGap: (gap) => {
        this.counters.gaps++;
        this.options.logger.debug({ gap }, 'filled a gap in the live events from the store');
      },
    });
    this.follower = follower;
    try {
      await follower.start();
    } catch (error) {
      // Its catch-up read failed: do not leave its live subscription behind.
      follower.stop();
      throw error;
    }
  }

  /**
   * Has the follower read what the state lacks straight from the store (it only notices a lost
   * live message when the next one of its channels comes), and restarts a follower whose store
   * read failed.
   */
  private readFromStore(): Promise<void> {
    this.reading ??= (async () => {
      try {
        this.counters.storeReads++;
        await this.follower?.catchUpNow();
      } catch (error) {
        this.options.logger.warn({ err: error }, 'could not read missed events from the store; will retry');
      } finally {
        this.reading = undefined;
      }
    })();
    return this.reading;
  }

  /** The next sequence this mount expects: what it follows before it is applied. */
  private get position(): number {
    return Math.max(this.follower?.position ?? 1, this.state.lastSequence + 1);
  }

  private async check(): Promise<void> {
    if (this.stopped) return;
    try {
      const follower = this.follower;
      // A follower whose store read failed stops for good: start another from where we are.
      const broken = await Promise.race([follower?.idle().then(() => false, () => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50))]);
      if (broken && !this.stopped) {
        this.counters.followerRestarts++;
        this.options.logger.warn('the event follower stopped on an error; starting a new one');
        await this.follow();
      }
      // Behind the store and not moving since the last check: the live events stopped coming.
      // (Only the followed channels count: the head bounds each channel's last event.)
      const before = this.position;
      const head = await this.options.store.head();
      const behind = this.follower ? this.follower.lacksAnythingOf(head) : head.lastSequence >= before;
      if (behind && before === this.checkedAt) await this.readFromStore();
      this.checkedAt = this.position;
    } catch (error) {
      this.options.logger.debug({ err: error }, 'sync check failed; next time');
    }
  }
}
