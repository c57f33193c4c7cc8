import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { LighthouseError } from '@lighthouse/contracts';
import type { AgentIdentity } from '../auth/authenticate';
import { RevocationsService } from '../auth/revocations.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { RetryLaterError } from '../http/retry-later.error';
import { StreamLease } from './stream-lease';

/** How often open leases are checked against revocations and token expiry (well under a second). */
const SWEEP_MS = 200;

/**
 * Every open stream and long poll of this gateway, each held as a {@link StreamLease} on the
 * identity that opened it. An agent holds at most `LH_STREAMS_PER_AGENT` at once (429 beyond);
 * a lease ends within a sweep (200 ms) of its agent being revoked, its session ending or its
 * token expiring, because the right to receive ends there too.
 */
@Injectable()
export class StreamLeases implements OnApplicationShutdown {
  private readonly byAgent = new Map<string, Set<StreamLease>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(RevocationsService) private readonly revocations: RevocationsService,
  ) {
    this.timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.timer.unref();
  }

  /** A lease for one stream or long poll; RATE_LIMITED when the agent already holds its share. */
  acquire(caller: AgentIdentity): StreamLease {
    const agent = caller.claims.sub;
    const held = this.byAgent.get(agent) ?? new Set<StreamLease>();
    if (held.size >= this.config.LH_STREAMS_PER_AGENT) {
      throw new RetryLaterError('RATE_LIMITED', `at most ${this.config.LH_STREAMS_PER_AGENT} open streams and long polls per agent; close one first`, 1);
    }
    const lease = new StreamLease(caller.claims, () => {
      held.delete(lease);
      if (held.size === 0) this.byAgent.delete(agent);
    });
    held.add(lease);
    this.byAgent.set(agent, held);
    return lease;
  }

  /**
   * Runs a long poll under a lease: it answers UNAUTHENTICATED as soon as the lease ends (the
   * router's wait then answers nobody), and the lease is released whichever comes first.
   */
  async during<T>(caller: AgentIdentity, gone: { once(event: 'close', listener: () => void): unknown }, work: () => Promise<T>): Promise<T> {
    const lease = this.acquire(caller);
    gone.once('close', () => lease.end('the client went away'));
    // The error is made only for a lease that ends before the answer: capturing its stack at
    // every answered long poll (two on each delegation's round trip) was the gateway's dearest
    // function after its socket writes under the delegation bench.
    let answered = false;
    const refused = new Promise<never>((_, reject) =>
      lease.onEnd(() => {
        if (!answered) reject(new LighthouseError('UNAUTHENTICATED', lease.endReason ?? 'the lease ended'));
      }),
    );
    refused.catch(() => undefined); // handled: when the work answers first, nobody awaits this
    try {
      return await Promise.race([work(), refused]);
    } finally {
      answered = true;
      lease.end('answered');
    }
  }

  /** Ends every lease whose right is gone. */
  sweep(nowMs = Date.now()): void {
    for (const held of this.byAgent.values()) {
      for (const lease of held) {
        const reason = this.revocations.list.reasonToRefuse(lease.claims) ?? (lease.claims.exp * 1000 <= nowMs ? 'the token has expired' : undefined);
        if (reason) lease.end(reason);
      }
    }
  }

  /** Open leases of one agent (for tests and metrics). */
  heldBy(agent: string): number {
    return this.byAgent.get(agent)?.size ?? 0;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    for (const held of [...this.byAgent.values()]) for (const lease of [...held]) lease.end('the gateway is stopping');
  }
}
