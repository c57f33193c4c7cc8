import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LighthouseError, type Actor, type CreateDelegation, type Delegation, type DelegationEvent } from '@lighthouse/contracts';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { canSee, canTake, decide, isTerminal, type LeaseSettings } from '@lighthouse/delegation';
import { DelegationNotifier } from './delegation.notifier';
import { listDelegations, type ListingPage, type ListingQuery } from './delegation.listing';
import { DelegationRepository } from './delegation.repository';
import { DEFAULT_MAX_FRAME_BYTES } from '@lighthouse/transport';

const MAX_ATTEMPTS = 5;

/** The router's use cases: each loads, decides (pure), appends with the expected version, notifies. */
@Injectable()
export class DelegationsService {
  readonly leases: LeaseSettings;
  private readonly maxListBytes: number;

  constructor(
    @Inject(DelegationRepository) private readonly repo: DelegationRepository,
    @Inject(DelegationNotifier) private readonly notifier: DelegationNotifier,
    @Inject(DELEGATION_ROUTER_CONFIG) config: DelegationRouterConfig & { LH_MAX_FRAME_BYTES?: number },
  ) {
    this.leases = { assignLeaseMs: config.LH_DELEGATION_ASSIGN_LEASE_MS, claimLeaseMs: config.LH_DELEGATION_CLAIM_LEASE_MS };
    // 15/16 of the frame: the rest is room for the reply's own fields.
    this.maxListBytes = Math.floor(((config.LH_MAX_FRAME_BYTES ?? DEFAULT_MAX_FRAME_BYTES) * 15) / 16);
  }

  async create(actor: Actor, request: CreateDelegation): Promise<Delegation> {
    const id = randomUUID();
    await this.repo.append(id, undefined, decide({ type: 'create', actor, request, id, correlationId: request.correlationId ?? id }, null), actor.agent, new Date());
    const delegation = this.current(id);
    this.notifier.notify(delegation, 'created');
    return delegation;
  }

  async get(actor: Actor, id: string): Promise<Delegation> {
    const { delegation } = await this.repo.load(id);
    if (!canSee(delegation, actor)) throw new LighthouseError('FORBIDDEN', `delegation ${id} is not yours`);
    return delegation;
  }

  /** A page of the caller's delegations, bounded by count and by the reply's byte budget. */
  list(actor: Actor, query: ListingQuery): ListingPage {
    return listDelegations([...this.repo.projection.all()].map((t) => t.delegation), actor, query, this.maxListBytes);
  }

  claim(actor: Actor, id: string): Promise<Delegation> {
    return this.change(id, actor.agent, 'claimed', (d) => decide({ type: 'claim', actor, now: Date.now(), leases: this.leases }, d));
  }

  progress(actor: Actor, id: string, epoch: number, note: string): Promise<Delegation> {
    return this.change(id, actor.agent, 'progressed', (d) => decide({ type: 'progress', actor, epoch, note, now: Date.now(), leases: this.leases }, d));
  }

  complete(actor: Actor, id: string, epoch: number, result: Record<string, unknown>): Promise<Delegation> {
    return this.change(id, actor.agent, 'completed', (d) => decide({ type: 'complete', actor, epoch, result }, d));
  }

  fail(actor: Actor, id: string, epoch: number, error: { code: string; message: string }): Promise<Delegation> {
    return this.change(id, actor.agent, 'failed', (d) => decide({ type: 'fail', actor, epoch, error }, d));
  }

  cancel(actor: Actor, id: string, reason: string): Promise<Delegation> {
    return this.change(id, actor.agent, 'cancelled', (d) => decide({ type: 'cancel', actor, reason }, d));
  }

  /**
   * The expert's next delegation: one already assigned to it, else the oldest queued one it may
   * take (its role or its name, within its capacity), else whatever arrives within `waitMs`.
   */
  async next(actor: Actor, waitMs: number): Promise<Delegation | null> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const found = this.assignedTo(actor.agent) ?? (await this.takeQueued(actor));
      if (found) return found;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return null;
      await this.changeMatching((d) => (d.state === 'queued' && canTake(d, actor)) || (d.state === 'assigned' && d.assignee === actor.agent), remaining);
    }
  }

  /** Blocks until the delegation is finished or `waitMs` passes; answers its latest state. */
  async wait(actor: Actor, id: string, waitMs: number): Promise<Delegation> {
    const delegation = await this.get(actor, id);
    if (isTerminal(delegation)) return delegation;
    await this.changeMatching((d) => d.id === id && isTerminal(d), waitMs);
    return this.current(id);
  }

  /**
   * Loads, decides and appends at the version it loaded; on a conflict (another replica or
   * request got there first) it decides again on the fresh state.
   */
  async change(id: string, agent: string, what: string, decide: (d: Delegation) => DelegationEvent[], also: readonly string[] = []): Promise<Delegation> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const base = await this.repo.load(id);
      const events = decide(base.delegation);
      if (events.length === 0) return base.delegation;
      if (await this.repo.append(id, base, events, agent, new Date())) {
        const delegation = this.current(id);
        const released = events.flatMap((e) => (e.type === 'delegation.released' ? [e.data.from] : []));
        this.notifier.notify(delegation, what, [...also, ...released]);
        return delegation;
      }
    }
    throw new LighthouseError('CONFLICT', `delegation ${id} kept changing concurrently; retry`);
  }

  private current(id: string): Delegation {
    return (this.repo.projection.get(id) as { delegation: Delegation }).delegation;
  }

  private assignedTo(agent: string): Delegation | undefined {
    return this.oldest((d) => d.state === 'assigned' && d.assignee === agent);
  }

  private async takeQueued(actor: Actor): Promise<Delegation | undefined> {
    const inFlight = this.count((d) => d.assignee === actor.agent && (d.state === 'assigned' || d.state === 'in_progress'));
    if (inFlight >= actor.capacity) return undefined;
    for (let candidate = this.oldest((d) => canTake(d, actor)); candidate; candidate = this.oldest((d) => canTake(d, actor))) {
      try {
        const assigned = await this.change(candidate.id, actor.agent, 'assigned', (d) => decide({ type: 'assign', actor, now: Date.now(), leases: this.leases }, d));
        if (assigned.assignee === actor.agent) return assigned;
      } catch (error) {
        if (!(error instanceof LighthouseError) || error.code !== 'CONFLICT') throw error;
      }
    }
    return undefined;
  }

  private oldest(predicate: (d: Delegation) => boolean): Delegation | undefined {
    let best: Delegation | undefined;
    for (const { delegation } of this.repo.projection.all()) {
      if (predicate(delegation) && (!best || delegation.createdAt < best.createdAt)) best = delegation;
    }
    return best;
  }

  private count(predicate: (d: Delegation) => boolean): number {
    let n = 0;
    for (const { delegation } of this.repo.projection.all()) if (predicate(delegation)) n++;
    return n;
  }

  /** Resolves at the first projection change matching `predicate`, or after `timeoutMs`. */
  private changeMatching(predicate: (d: Delegation) => boolean, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.repo.projection.off('change', onChange);
        resolve();
      };
      const onChange = (d: Delegation) => predicate(d) && done();
      const timer = setTimeout(done, timeoutMs);
      this.repo.projection.on('change', onChange);
    });
  }
}
