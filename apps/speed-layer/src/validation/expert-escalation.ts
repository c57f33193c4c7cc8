import { DelegationSchema, RPC, TERMINAL_DELEGATION_STATES, type Actor, type Delegation } from '@lighthouse/contracts';
import type { MessageBus } from '@lighthouse/transport';
import { BrokenCircuitError, CountBreaker, TaskCancelledError, TimeoutStrategy, circuitBreaker, handleAll, timeout, wrap, type CircuitBreakerPolicy, CircuitState } from 'cockatiel';

export interface EscalationSettings {
  /** How long a validation waits for an expert (30 s by default). */
  timeoutMs: number;
  /** Share of failed escalations, over the last `windowSize`, that opens the breaker. */
  failureRatio: number;
  windowSize: number;
  /** Volume threshold: the breaker never opens on fewer calls than this. */
  minimumCalls: number;
  /** After this long open, one trial call is let through (half-open). */
  halfOpenAfterMs: number;
}

export interface EscalationQuestion {
  role: string;
  title: string;
  body: string;
  context: Record<string, unknown>;
}

export interface Ruling {
  decision: 'allow' | 'deny';
  reason: string;
  delegationId: string;
  /** The expert (agent) who ruled, the delegation's assignee: recorded with the ruling; the pattern tier caps each one's share of its evidence. A human in the console is `human.<operator>`. */
  expert: string;
  /**
   * Whether the ruling is remembered (caches, pattern evidence), and for how long when not the
   * default: null for a human's "allow once" (this call only).
   */
  remember: { ttlSeconds?: number } | null;
}

/** Where an escalation is put: an expert of the role, or (none live) the humans in the console at once. */
export type EscalationAudience = 'experts' | 'humans';

/** Why there was no ruling: the caller falls back to the policy's fail-closed answer. */
export class NoRuling extends Error {
  constructor(
    message: string,
    readonly delegationId: string | null,
  ) {
    super(message);
    this.name = 'NoRuling';
  }
}

const RulingSchema = DelegationSchema.shape.result;

/**
 * Asks an expert through the delegation router (a delegation of kind `validation`), behind a
 * timeout that really cancels (the delegation is cancelled, so no expert acts on a stale
 * question) and a circuit breaker with an explicit volume threshold.
 */
export class ExpertEscalation {
  readonly breaker: CircuitBreakerPolicy;
  private readonly policy;
  private readonly humanPolicy;
  /** Told when a question to the experts timed out still queued (no expert of the role took it). */
  onUnclaimed?: (role: string) => void;

  constructor(
    private readonly bus: MessageBus,
    private readonly settings: EscalationSettings,
  ) {
    this.breaker = circuitBreaker(handleAll, {
      halfOpenAfter: settings.halfOpenAfterMs,
      breaker: new CountBreaker({ threshold: settings.failureRatio, size: settings.windowSize, minimumNumberOfCalls: settings.minimumCalls }),
    });
    this.policy = wrap(this.breaker, timeout(settings.timeoutMs, TimeoutStrategy.Cooperative));
    // A human's silence says nothing about the experts' health: it does not count against the breaker.
    this.humanPolicy = timeout(settings.timeoutMs, TimeoutStrategy.Cooperative);
  }

  get state(): 'closed' | 'open' | 'half-open' | 'isolated' {
    return ({ [CircuitState.Closed]: 'closed', [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half-open', [CircuitState.Isolated]: 'isolated' } as const)[this.breaker.state];
  }

  /**
   * The expert's (or a human's) ruling, or NoRuling (timeout, breaker open, expert refused to
   * rule). Put to `humans`, the question says so in its context (the console shows it as waiting
   * for a human) and bypasses the breaker; an expert of the role may still take it.
   */
  async ask(actor: Actor, question: EscalationQuestion, audience: EscalationAudience = 'experts'): Promise<Ruling> {
    let delegationId: string | null = null;
    const seen: { state?: Delegation['state'] } = {};
    const context = { ...question.context, awaiting: audience };
    try {
      return await (audience === 'humans' ? this.humanPolicy : this.policy).execute(async ({ signal }) => {
        const created = await this.bus.request(RPC.delegation.create, {
          actor,
          request: { kind: 'validation', target: { role: question.role }, title: question.title, body: question.body, context, deadlineSeconds: Math.ceil(this.settings.timeoutMs / 1000) + 5 },
        });
        delegationId = created.id;
        const finished = await this.waitFor(actor, created.id, signal, seen);
        return toRuling(finished);
      });
    } catch (error) {
      if (delegationId) void this.cancel(actor, delegationId);
      if (audience === 'experts' && error instanceof TaskCancelledError && seen.state === 'queued') this.onUnclaimed?.(question.role);
      throw new NoRuling(describe(error), delegationId);
    }
  }

  /** Long-polls the router in slices so an abort (timeout) is honoured within a second. */
  private async waitFor(actor: Actor, id: string, signal: AbortSignal, seen: { state?: Delegation['state'] }): Promise<Delegation> {
    for (;;) {
      if (signal.aborted) throw new Error('no expert answered in time');
      const latest = await this.bus.request(RPC.delegation.wait, { actor, id, waitMs: 1000 }, { timeoutMs: 3000 });
      if (TERMINAL_DELEGATION_STATES.includes(latest.state)) return latest;
      seen.state = latest.state;
    }
  }

  private async cancel(actor: Actor, id: string): Promise<void> {
    await this.bus.request(RPC.delegation.cancel, { actor, id, reason: 'validation no longer waiting' }).catch(() => undefined);
  }
}

function toRuling(d: Delegation): Ruling {
  const result = RulingSchema.parse(d.result) ?? {};
  const decision = result['decision'];
  if (d.state !== 'completed' || !d.assignee || (decision !== 'allow' && decision !== 'deny')) {
    throw new Error(`expert gave no ruling (delegation ${d.state})`);
  }
  const human = d.assignee.startsWith('human.') && result['by'] === 'human';
  return {
    decision,
    reason: typeof result['reason'] === 'string' ? result['reason'].slice(0, 2000) : `expert ${d.assignee} ruled ${decision}`,
    delegationId: d.id,
    expert: d.assignee,
    remember: !human || decision === 'deny' ? {} : result['scope'] === 'pattern' ? { ttlSeconds: ttlOf(result['ttlSeconds']) } : null,
  };
}

/** A human's pattern lifetime, within the bounds the console offers (1 minute to 30 days). */
const ttlOf = (value: unknown): number => (typeof value === 'number' && Number.isInteger(value) ? Math.min(Math.max(value, 60), 30 * 24 * 3600) : 3600);

function describe(error: unknown): string {
  if (error instanceof BrokenCircuitError) return 'expert escalation circuit is open';
  if (error instanceof TaskCancelledError) return 'no expert answered in time';
  return (error as Error)?.message ?? 'escalation failed';
}
