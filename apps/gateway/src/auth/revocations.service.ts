import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BUS_EVENTS, RPC } from '@lighthouse/contracts';
import type { Logger } from '@lighthouse/observability';
import { LOGGER, NatsBus } from '@lighthouse/transport';
import { RevocationList } from './revocation-list';

/** How often the full list is reloaded even when nothing seems missed. */
const RESYNC_MS = 30_000;
const RETRY_MS = 1_000;

/**
 * Keeps this replica's revocation list current: live from the revocation subject, and from the
 * registry's full list at start, after every NATS reconnect (messages may have been missed) and
 * every 30 s. Until the first full list arrives the gateway refuses agent routes with 503:
 * failing closed, since it cannot know whom to refuse.
 */
@Injectable()
export class RevocationsService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly list = new RevocationList();
  private loaded = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private subscription?: { unsubscribe(): void };

  constructor(
    @Inject(NatsBus) private readonly bus: NatsBus,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  get ready(): boolean {
    return this.loaded;
  }

  /** Applied here as soon as the registry confirms, without waiting for the event to come round. */
  agentRevoked(agentId: string, revokedAt: string): void {
    this.list.apply({ kind: 'agent', agentId, revokedAt: Math.floor(Date.parse(revokedAt) / 1000) });
  }

  /** As above; kept a day (longer than any token lives) until the next full list says exactly. */
  sessionEnded(agentId: string, sessionId: string): void {
    this.list.apply({ kind: 'session', agentId, sessionId, until: Math.floor(Date.now() / 1000) + 86_400 });
  }

  onApplicationBootstrap(): void {
    this.subscription = this.bus.subscribe(BUS_EVENTS.revoked, (revocation) => this.list.apply(revocation));
    this.schedule(0);
    this.bus.onReconnect(() => this.schedule(0));
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.subscription?.unsubscribe();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), delayMs);
    this.timer.unref();
  }

  private async reload(): Promise<void> {
    try {
      const snapshot = await this.bus.request(RPC.session.revocations, {}, { timeoutMs: 2_000 });
      for (const revocation of snapshot.revocations) this.list.apply(revocation);
      this.list.prune(Math.floor(Date.now() / 1000));
      if (!this.loaded) this.logger.info({ revocations: this.list.size }, 'revocation list loaded');
      this.loaded = true;
      this.schedule(RESYNC_MS);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not load the revocation list from the session-registry; retrying');
      this.schedule(this.loaded ? RESYNC_MS : RETRY_MS);
    }
  }
}
