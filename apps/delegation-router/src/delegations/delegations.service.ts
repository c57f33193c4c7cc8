import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { LighthouseError, type Actor, type CreateDelegation, type Delegation, type DelegationEvent, type HumanRuling } from '@lighthouse/contracts';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { AssignmentBoard, canSee, decide, evolve, isTerminal, type Decision, type LeaseSettings, type Rejection } from '@lighthouse/delegation';
import { delegationIdOf } from './delegation-id';
import { DelegationNotifier, partiesOf } from './delegation.notifier';
import { listDelegations, type ListingPage, type ListingQuery } from './delegation.listing';
import { DelegationRepository } from './delegation.repository';
import { KeyedSerializer } from './keyed-serializer';
import { DEFAULT_MAX_FRAME_BYTES } from '@lighthouse/transport';

const MAX_ATTEMPTS = 5;

/**
 * What an expert's long poll is handed: a queued delegation it is to take, or one being created
 * already claimed for it (its claim lands with its creation, in one append; undefined if that failed).
 */
type Offer = { queued: Delegation } | { claimed: Promise<Delegation | undefined> };

/** An expert's long poll, waiting in line on the board. */
interface Poll {
  resolve(offer: Offer | null): void;
  timer: NodeJS.Timeout;
}

/**
 * The router's use cases: each loads, decides (pure), appends with the expected version, notifies.
 * Changes to one delegation run one after another in this replica, so the expected version
 * conflicts only with another replica. Assignment is decided in memory on the board: a new
 * delegation goes to one waiting expert, which gets it claimed (offer and claim in one append).
 */
@Injectable()
export class DelegationsService implements OnApplicationShutdown {
  readonly leases: LeaseSettings;
  private readonly maxListBytes: number;
  private readonly board = new AssignmentBoard<Poll>();
  private readonly serial = new KeyedSerializer();
  /** Requesters waiting for a delegation to finish, by delegation. */
  private readonly finishWaiters = new Map<string, Set<() => void>>();
  /** Delegations handed over claimed by a long poll whose holder has not acted on them yet: id → holder. */
  private readonly unconfirmed = new Map<string, string>();
  private readonly onChange = (d: Delegation) => this.changed(d);

  constructor(
    @Inject(DelegationRepository) private readonly repo: DelegationRepository,
    @Inject(DelegationNotifier) private readonly notifier: DelegationNotifier,
    @Inject(DELEGATION_ROUTER_CONFIG) config: DelegationRouterConfig & { LH_MAX_FRAME_BYTES?: number },
  ) {
    this.leases = { assignLeaseMs: config.LH_DELEGATION_ASSIGN_LEASE_MS, claimLeaseMs: config.LH_DELEGATION_CLAIM_LEASE_MS };
    // 15/16 of the frame: the rest is room for the reply's own fields.
    this.maxListBytes = Math.floor(((config.LH_MAX_FRAME_BYTES ?? DEFAULT_MAX_FRAME_BYTES) * 15) / 16);
    for (const d of repo.projection.open()) this.board.track(d);
    repo.projection.on('change', this.onChange);
  }

  onApplicationShutdown(): void {
    this.repo.projection.off('change', this.onChange);
  }

  /**
   * A new delegation. When an expert that may take it is waiting, it is created already claimed
   * by that expert: both events in one append (one fsync'd write on the way, not two), and the
   * expert's long poll answers it claimed, with its epoch.
   */
  async create(actor: Actor, request: CreateDelegation, requestNonce?: string): Promise<Delegation> {
    const id = requestNonce === undefined ? randomUUID() : delegationIdOf(actor.agent, requestNonce);
    const created = orThrow(decide({ type: 'create', actor, request, id, correlationId: request.correlationId ?? id }, null));
    const now = new Date();
    const queued = created.reduce<Delegation | undefined>((d, event) => evolve(d, event, now.toISOString()), undefined) as Delegation;
    // One create of an id at a time, and none of an id this replica knows (a replayed request):
    // the board is touched only for a delegation nobody has seen yet.
    let handover: ReturnType<typeof this.handOverNew>;
    const appended = await this.serial.run(id, async () => {
      if (this.repo.projection.get(id)) return false;
      handover = this.handOverNew(queued, now);
      const events = handover ? [...created, ...handover.events] : created;
      const agents = [...created.map(() => actor.agent), ...(handover?.events ?? []).map(() => handover?.expert.agent as string)];
      let done = false;
      try {
        done = await this.repo.append(id, undefined, events, agents, now);
        return done;
      } finally {
        handover?.settle(done);
      }
    });
    if (!appended) throw new LighthouseError('CONFLICT', `delegation ${id} already exists: this request was made before`);
    const delegation = this.current(id);
    if (!handover) {
      this.notifier.notify(delegation, 'created');
    } else {
      // Created and claimed in one append: one notice to each party, as it now stands (the
      // requester hears of its creation, the expert of its claim), not one per event.
      const expert = handover.expert.agent;
      this.notifier.tell(delegation, 'created', partiesOf(delegation).filter((agent) => agent !== expert));
      this.notifier.tell(delegation, 'claimed', [expert]);
    }
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
    this.confirm(actor.agent, id);
    return this.change(id, actor.agent, 'claimed', (d) => decide({ type: 'claim', actor, now: Date.now(), leases: this.leases }, d));
  }

  progress(actor: Actor, id: string, epoch: number, note: string): Promise<Delegation> {
    this.confirm(actor.agent, id);
    return this.change(id, actor.agent, 'progressed', (d) => decide({ type: 'progress', actor, epoch, note, now: Date.now(), leases: this.leases }, d));
  }

  complete(actor: Actor, id: string, epoch: number, result: Record<string, unknown>): Promise<Delegation> {
    this.confirm(actor.agent, id);
    return this.change(id, actor.agent, 'completed', (d) => decide({ type: 'complete', actor, epoch, result }, d));
  }

  fail(actor: Actor, id: string, epoch: number, error: { code: string; message: string }): Promise<Delegation> {
    this.confirm(actor.agent, id);
    return this.change(id, actor.agent, 'failed', (d) => decide({ type: 'fail', actor, epoch, error }, d));
  }

  cancel(actor: Actor, id: string, reason: string): Promise<Delegation> {
    return this.change(id, actor.agent, 'cancelled', (d) => decide({ type: 'cancel', actor, reason }, d));
  }

  /** A human's ruling on a validation escalation (operators only); the expert that held it, if any, is told it lost the claim. */
  rule(actor: Actor, id: string, operator: string, ruling: HumanRuling): Promise<Delegation> {
    return this.change(id, actor.agent, 'ruled', (d) => decide({ type: 'rule', actor, operator, ruling, now: Date.now(), leases: this.leases }, d));
  }

  /**
   * The expert's next delegation, claimed for it: one handed to it before that it has not acted
   * on (the answer may have been lost), else one assigned to it, else the oldest queued one it may
   * take (its role or its name, within its capacity), else the first that arrives within `waitMs`.
   */
  async next(actor: Actor, waitMs: number): Promise<Delegation | null> {
    const again = this.handedBefore(actor.agent);
    if (again) return again;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const queued = this.board.take(actor);
      const offer = queued ? { queued } : await this.waitForOffer(actor, deadline - Date.now());
      if (!offer) return null;
      const taken = 'claimed' in offer ? await offer.claimed : await this.takeFor(actor, offer.queued.id);
      if (taken) return taken;
      if (Date.now() >= deadline) return null;
    }
  }

  /** Blocks until the delegation is finished or `waitMs` passes; answers its latest state. */
  async wait(actor: Actor, id: string, waitMs: number): Promise<Delegation> {
    const delegation = await this.get(actor, id);
    if (isTerminal(delegation)) return delegation;
    await new Promise<void>((resolve) => {
      const waiters = this.finishWaiters.get(id) ?? new Set<() => void>();
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.finishWaiters.get(id) === waiters) this.finishWaiters.delete(id);
        resolve();
      };
      const timer = setTimeout(done, waitMs);
      waiters.add(done);
      this.finishWaiters.set(id, waiters);
    });
    // Read again: it may have finished, and even left the projection's retention window, meanwhile.
    return (await this.repo.load(id)).delegation;
  }

  /** The open delegations `agent` holds (assigned or in progress). */
  heldBy(agent: string): Delegation[] {
    return this.board.heldBy(agent).flatMap((id) => this.repo.projection.get(id)?.delegation ?? []);
  }

  /** As {@link attempt}, with a refusal thrown as the LighthouseError the wire maps (FORBIDDEN, CONFLICT, ...). */
  async change(id: string, agent: string, what: string, decide: (d: Delegation) => Decision, also: readonly string[] = []): Promise<Delegation> {
    const outcome = await this.attempt(id, agent, what, decide, also);
    if (!outcome.ok) throw new LighthouseError(outcome.code, outcome.message);
    return outcome.delegation;
  }

  /**
   * Loads, decides and appends at the version it loaded, one change of a delegation at a time in
   * this replica; on a conflict (another replica got there first) it decides again on the fresh
   * state. A refusal of the Decider comes back as a value.
   */
  attempt(id: string, agent: string, what: string, decide: (d: Delegation) => Decision, also: readonly string[] = []): Promise<{ ok: true; delegation: Delegation } | Rejection> {
    return this.serial.run(id, async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const base = await this.repo.load(id);
        const decision = decide(base.delegation);
        if (!decision.ok) return decision;
        const { events } = decision;
        if (events.length === 0) return { ok: true as const, delegation: base.delegation };
        if (await this.repo.append(id, base, events, agent, new Date())) {
          const delegation = this.current(id);
          const released = events.flatMap((e) => (e.type === 'delegation.released' ? [e.data.from] : []));
          this.notifier.notify(delegation, what, [...also, ...released]);
          return { ok: true as const, delegation };
        }
      }
      throw new LighthouseError('CONFLICT', `delegation ${id} kept changing concurrently; retry`);
    });
  }

  /** Claims the delegation reserved for `actor` on the board; undefined when it went elsewhere meanwhile. */
  private async takeFor(actor: Actor, id: string): Promise<Delegation | undefined> {
    try {
      const taken = await this.attempt(id, actor.agent, 'claimed', (d) => decide({ type: 'take', actor, now: Date.now(), leases: this.leases }, d));
      if (!taken.ok || taken.delegation.assignee !== actor.agent || taken.delegation.state !== 'in_progress') return undefined;
      this.unconfirmed.set(id, actor.agent);
      return taken.delegation;
    } finally {
      const now = this.repo.projection.get(id)?.delegation;
      if (now) this.board.settle(now);
      if (now?.state === 'queued') this.dispatch(id);
    }
  }

  /**
   * A delegation about to be created goes to one waiting expert that may take it, if any: both
   * reserved on the board, the expert's long poll answered with the claim to come. `settle` says
   * whether the append landed; if not, the delegation leaves the board and the expert waits on.
   */
  private handOverNew(queued: Delegation, now: Date): { events: DelegationEvent[]; expert: Actor; settle(appended: boolean): void } | undefined {
    this.board.track(queued);
    const pairing = this.board.offer(queued.id);
    if (!pairing) {
      this.board.settle({ ...queued, state: 'cancelled' });
      return undefined;
    }
    const expert = pairing.expert.actor;
    const take = decide({ type: 'take', actor: expert, now: now.getTime(), leases: this.leases }, queued);
    if (!take.ok || take.events.length === 0) {
      this.board.settle({ ...queued, state: 'cancelled' });
      this.board.wait(pairing.expert);
      return undefined;
    }
    let answer: (claimed: Delegation | undefined) => void = () => undefined;
    pairing.expert.ticket.resolve({ claimed: new Promise((resolve) => (answer = resolve)) });
    return {
      events: take.events,
      expert,
      settle: (appended) => {
        // After a refused append the projection holds the stream as the store has it, if it exists.
        const stands = this.repo.projection.get(queued.id)?.delegation;
        this.board.settle(stands ?? { ...queued, state: 'cancelled' });
        const claimed = appended && stands?.state === 'in_progress' && stands.assignee === expert.agent ? stands : undefined;
        if (claimed) this.unconfirmed.set(queued.id, expert.agent);
        answer(claimed);
      },
    };
  }

  /** Waits in line on the board until a delegation is reserved for `actor`, or `ms` passes. */
  private waitForOffer(actor: Actor, ms: number): Promise<Offer | null> {
    if (ms <= 0) return Promise.resolve(null);
    return new Promise((resolve) => {
      const poll: Poll = {
        resolve: (offered) => {
          clearTimeout(poll.timer);
          resolve(offered);
        },
        timer: setTimeout(() => {
          this.board.stopWaiting(poll);
          resolve(null);
        }, ms),
      };
      this.board.wait({ actor, ticket: poll });
    });
  }

  /** Every change of the projection, from this replica's appends or from the store's followers. */
  private changed(d: Delegation): void {
    this.board.track(d);
    if (d.state === 'queued') this.dispatch(d.id);
    if (this.unconfirmed.has(d.id) && (d.state !== 'in_progress' || this.unconfirmed.get(d.id) !== d.assignee)) this.unconfirmed.delete(d.id);
    if (isTerminal(d)) for (const done of [...(this.finishWaiters.get(d.id) ?? [])]) done();
  }

  /** A queued delegation goes to one waiting expert (if any may take it). */
  private dispatch(id: string): void {
    const pairing = this.board.offer(id);
    if (pairing) pairing.expert.ticket.resolve({ queued: pairing.delegation });
  }

  private handedBefore(agent: string): Delegation | undefined {
    const held = this.heldBy(agent);
    return held.find((d) => d.state === 'in_progress' && this.unconfirmed.get(d.id) === agent) ?? held.find((d) => d.state === 'assigned');
  }

  /** The holder acted on what it was handed: it has it, no need to hand it over again. */
  private confirm(agent: string, id: string): void {
    if (this.unconfirmed.get(id) === agent) this.unconfirmed.delete(id);
  }

  /** The delegation just changed here, as the projection holds it (a finished one stays until many more finish). */
  private current(id: string): Delegation {
    const tracked = this.repo.projection.get(id);
    if (!tracked) throw new LighthouseError('NOT_FOUND', `delegation ${id} left this replica's memory; read it again`);
    return tracked.delegation;
  }
}

/** A refusal of the Decider, at the edge of the service: the LighthouseError the wire maps to a stable code. */
function orThrow(decision: Decision) {
  if (!decision.ok) throw new LighthouseError(decision.code, decision.message);
  return decision.events;
}
