import { randomUUID } from 'node:crypto';
import type { Actor, NewEvent, Tier, ValidateRequest, ValidationResult } from '@lighthouse/contracts';
import {
  combine,
  decide,
  decisionKey,
  extractFeatures,
  nextTier,
  type AnsweringTier,
  type CachedDecision,
  type CombinedDecision,
  type CompiledPolicy,
  type Decision,
  type MemoryTier,
  type PatternModel,
  type TierFacts,
  type TierStep,
} from '@lighthouse/policy';
import type { ServiceMetrics } from '@lighthouse/observability';
import type { SpeedLayerConfig } from '../speed-layer.config';
import { DECISIONS_EVENT_STREAM, type DecisionJournal } from './decision-journal';
import { RequestKeyCache } from './decision-cache';
import { NoRuling, type ExpertEscalation, type Ruling } from './expert-escalation';
import type { SharedDecision, SharedDecisionCache } from './shared-decision.cache';
import type { LiveExperts } from './live-experts';
import type { ReservationGuard } from './reservation-guard';
import { workspaceOf } from './workspace';

export interface ValidationParts {
  config: SpeedLayerConfig;
  policy: CompiledPolicy;
  memory: MemoryTier;
  requestKeys: RequestKeyCache;
  pattern: PatternModel;
  shared: SharedDecisionCache;
  escalation: ExpertEscalation;
  /** Who could answer an escalation now: without a live expert of the role, it goes to the console at once. */
  liveExperts: LiveExperts;
  journal: DecisionJournal;
  /** Reservations held by other live agents: checked before every tier, never cached. */
  reservations?: ReservationGuard;
  metrics?: ServiceMetrics;
}

/** `ruledBy`: the expert whose ruling this answer is (first hand, shared or remembered). */
type Answer = Omit<ValidationResult, 'decisionId' | 'latencyMs'> & { features?: string[]; key?: string; ruledBy?: string | null; once?: boolean };

/** What the policy tier found: the decision, the call's decision key and features, the pattern model combined in. */
interface PolicyFound {
  policy: Decision;
  key: string;
  features: string[];
  combined: CombinedDecision;
}

/** What the tiers consulted so far found (the facts' values). */
interface Found {
  memory?: Answer;
  policy?: PolicyFound;
  shared?: SharedDecision;
  expert?: Ruling | Error;
}

/**
 * The tiers, in the order of the pure {@link nextTier} (libs/policy): memory (recent final answers, by decision key), policy (the rules),
 * pattern (a model trained from past decisions; it may tighten an allow or settle an escalation
 * when confident, never loosen a deny), expert (through the delegation router, with a timeout and
 * a circuit breaker; expert rulings are shared across replicas in Redis). No ruling → fail closed.
 * Every decision is journaled before it is answered.
 */
export class ValidationService {
  constructor(private readonly parts: ValidationParts) {}

  async validate(actor: Actor, request: ValidateRequest): Promise<ValidationResult> {
    const started = performance.now();
    const answering = this.answer(actor, request);
    const answer = answering instanceof Promise ? await answering : answering;
    const decided: ValidationResult = {
      decisionId: randomUUID(),
      decision: answer.decision,
      tier: answer.tier,
      ruleId: answer.ruleId,
      reason: answer.reason,
      confidence: answer.confidence,
      delegationId: answer.delegationId,
      latencyMs: round(performance.now() - started),
      basis: answer.basis,
      effects: answer.effects,
    };
    if (answer.ruledBy) decided.ruledBy = answer.ruledBy;
    if (answer.reservation) decided.reservation = answer.reservation;
    // The journal write is part of answering (nothing is answered before it is journaled), so the
    // latency the caller sees includes it; the journaled event can only hold the time up to it
    // (it is encoded before `record` returns, so updating the answer afterwards leaves it as it was).
    await this.parts.journal.record(this.eventOf(actor, request, decided, answer));
    decided.latencyMs = round(performance.now() - started);
    this.parts.metrics?.natsHandleSeconds.observe(labelsOf(decided.tier, decided.decision), decided.latencyMs / 1000);
    return decided;
  }

  /**
   * Walks the tiers in the order {@link nextTier} gives, consulting each one it asks for. The local
   * tiers (memory, policy, pattern) answer synchronously, with no promise made for the answer; the
   * walk turns asynchronous only at the first tier that does I/O (shared, expert).
   */
  private answer(actor: Actor, request: ValidateRequest): Answer | Promise<Answer> {
    const held = this.parts.reservations?.check(actor, request);
    if (held) return { decision: 'deny', tier: 'reservation', ruleId: 'reservation.held', reason: held.reason, confidence: 1, delegationId: null, basis: 'reservation', effects: [], reservation: held.reservation };
    const facts: TierFacts = {};
    const found: Found = {};
    for (let step = nextTier(facts); ; step = nextTier(facts)) {
      if ('answer' in step) return this.answerBy(step.answer, found);
      if (step.consult === 'shared' || step.consult === 'expert') return this.walkRemote(actor, request, facts, found, step);
      this.consultLocal(step.consult, request, facts, found);
    }
  }

  /** The rest of the walk, from a tier that does I/O on. */
  private async walkRemote(actor: Actor, request: ValidateRequest, facts: TierFacts, found: Found, first: TierStep): Promise<Answer> {
    for (let step = first; ; step = nextTier(facts)) {
      if ('answer' in step) return this.answerBy(step.answer, found);
      switch (step.consult) {
        case 'memory':
        case 'policy':
          this.consultLocal(step.consult, request, facts, found);
          break;
        case 'shared':
          found.shared = await this.parts.shared.get((found.policy as PolicyFound).key);
          facts.shared = found.shared !== undefined;
          break;
        case 'expert':
          found.expert = await this.askExpert(actor, request, found.policy as PolicyFound);
          facts.expert = !(found.expert instanceof Error);
          break;
      }
    }
  }

  private consultLocal(tier: 'memory' | 'policy', request: ValidateRequest, facts: TierFacts, found: Found): void {
    if (tier === 'memory') {
      found.memory = this.fromMemory(request);
      facts.memory = found.memory !== undefined;
    } else {
      Object.assign(facts, this.consultPolicy(request, found));
    }
  }

  /** Tier 1: a repeated request is two map lookups, no parsing, no I/O. */
  private fromMemory(request: ValidateRequest): Answer | undefined {
    const key = this.parts.requestKeys.get(this.rawKey(request));
    if (key === undefined) return undefined;
    const hit = this.parts.memory.get(key);
    return hit ? fromCache(hit, key) : undefined;
  }

  /** Normalises and decides by policy; a final answer cached under the decision key wins, else the pattern model is combined in. */
  private consultPolicy(request: ValidateRequest, found: Found): Pick<TierFacts, 'keyedMemory' | 'policy'> {
    const { config, memory } = this.parts;
    const policy = decide({ tool: request.tool, input: request.input }, this.contextFor(request), this.parts.policy);
    const key = decisionKey(policy.normalised);
    this.parts.requestKeys.set(this.rawKey(request), key);
    const features = extractFeatures(policy.normalised);
    const known = memory.get(key);
    if (known) {
      found.memory = fromCache(known, key);
      found.memory.features = features;
      return { keyedMemory: true };
    }
    const combined = combine(policy, this.parts.pattern.predict(features), { tightenTo: 'escalate', escalateTo: config.LH_SPEED_DEFAULT_EXPERT_ROLE });
    found.policy = { policy, key, features, combined };
    return { keyedMemory: false, policy: { decision: combined.decision, settledBy: combined.tier === 'pattern' ? 'pattern' : 'policy' } };
  }

  /** The answer of the tier the pipeline settled on, remembered where the next asker will look. */
  private answerBy(tier: AnsweringTier, found: Found): Answer {
    if (tier === 'memory') return found.memory as Answer;
    const { policy, key, features } = found.policy as PolicyFound;
    const base = { ruleId: policy.ruleId ?? null, key, features, effects: policy.effects, delegationId: null };
    switch (tier) {
      case 'policy':
      case 'pattern':
        return this.settled(found.policy as PolicyFound);
      case 'shared': {
        const shared = found.shared as SharedDecision;
        this.parts.memory.set(key, { decision: shared.decision, source: 'expert', reason: shared.reason, basis: 'expert', effects: policy.effects, ruledBy: shared.by });
        return { ...base, decision: shared.decision, tier: 'shared', reason: shared.reason, confidence: 1, basis: 'expert', ruledBy: shared.by };
      }
      case 'expert': {
        const ruling = found.expert as Ruling;
        // A human's "allow once" answers this call only: remembered nowhere, teaching nothing.
        if (ruling.remember) {
          const ttlSeconds = ruling.remember.ttlSeconds;
          this.parts.memory.set(key, { decision: ruling.decision, source: 'expert', reason: ruling.reason, basis: 'expert', effects: policy.effects, ruledBy: ruling.expert }, ttlSeconds && ttlSeconds * 1000);
          this.parts.shared.set(key, { decision: ruling.decision, reason: ruling.reason, ruleId: policy.ruleId ?? null, by: ruling.expert }, ttlSeconds);
        }
        return { ...base, decision: ruling.decision, tier: 'expert', reason: ruling.reason, confidence: 1, delegationId: ruling.delegationId, basis: 'expert', ruledBy: ruling.expert, once: !ruling.remember };
      }
      case 'fallback': {
        const error = found.expert as Error;
        const why = error instanceof NoRuling ? error.message : 'escalation failed';
        return { ...base, decision: 'deny', tier: 'fallback', reason: `${why}; failing closed: ${policy.reason}`, confidence: 1, delegationId: error instanceof NoRuling ? error.delegationId : null, basis: 'fail-closed' };
      }
    }
  }

  /** The policy's (or the pattern model's) own answer; a rule's or a no-risk answer is remembered. */
  private settled({ policy, key, features, combined }: PolicyFound): Answer {
    const basis = combined.tier === 'pattern' ? 'pattern' : policy.basis;
    if (combined.tier === 'policy' && (basis === 'rule' || basis === 'no-risk-seen')) {
      this.parts.memory.set(key, { decision: combined.decision as 'allow' | 'deny', source: 'policy', reason: combined.reason, basis, effects: policy.effects, ...(policy.ruleId ? { ruleId: policy.ruleId } : {}) });
    }
    return { ruleId: combined.ruleId ?? null, key, features, delegationId: null, effects: policy.effects, decision: combined.decision, tier: combined.tier, reason: combined.reason, confidence: combined.confidence ?? 1, basis };
  }

  /** Asks an expert of the escalation's role; the failure (timeout, breaker, no ruling) is a value. */
  private async askExpert(actor: Actor, request: ValidateRequest, { policy, key, combined }: PolicyFound): Promise<Ruling | Error> {
    const role = combined.escalateTo ?? this.parts.config.LH_SPEED_DEFAULT_EXPERT_ROLE;
    try {
      return await this.parts.escalation.ask(actor, {
        role,
        title: `approve ${request.tool}: ${(policy.command ?? request.tool).slice(0, 150)}`,
        body: `${policy.reason}\n\nReply with result {"decision": "allow" | "deny", "reason": "..."}.`,
        context: { tool: request.tool, command: policy.command ?? null, ruleId: policy.ruleId ?? null, decisionKey: key, effects: policy.effects.slice(0, 20) },
      }, this.parts.liveExperts.anyLive(role) ? 'experts' : 'humans');
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }

  private contextFor(request: ValidateRequest) {
    const { config } = this.parts;
    return { ...workspaceOf(config.LH_SPEED_WORKSPACE_ROOT, request.cwd), homeDir: config.LH_SPEED_HOME_DIR, environment: config.LH_SPEED_ENVIRONMENT };
  }

  private rawKey(request: ValidateRequest): string {
    return RequestKeyCache.rawKeyOf(request.tool, request.cwd ?? '', request.input);
  }

  /** The journal entry: what was asked (as normalised, secrets redacted), what was answered, why. */
  private eventOf(actor: Actor, request: ValidateRequest, result: ValidationResult, answer: Answer): NewEvent {
    const trainable = (answer.tier === 'policy' || answer.tier === 'expert') && result.decision !== 'escalate' && !answer.once;
    return {
      id: result.decisionId,
      type: 'validation.decided',
      stream: DECISIONS_EVENT_STREAM,
      agent: actor.agent,
      correlationId: result.decisionId,
      causationId: null,
      schemaVersion: 1,
      data: eventData(result, {
        tool: request.tool,
        decisionKey: answer.key ?? null,
        // Who gave the ruling this answer rests on (an expert's agent id), or null for the policy's own answers.
        ruledBy: answer.ruledBy ?? null,
        // Only first-hand answers teach the pattern model (not its own guesses, not cache hits).
        // Whose evidence it is: the expert who ruled, or the agent whose call the policy answered
        // (the model lets policy answers only tighten, and caps each agent's share of rulings).
        training: trainable && answer.features ? { features: answer.features, source: answer.tier, agent: (answer.tier === 'expert' ? answer.ruledBy : null) ?? actor.agent } : null,
      }),
    };
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

type EventExtras = {
  tool: string;
  decisionKey: string | null;
  ruledBy: string | null;
  training: { features: string[]; source: Tier; agent: string } | null;
};

/**
 * The event's data: the answer, then what the journal adds, keys in the order `{ ...result, ...extras }`
 * gives. An answer without `ruledBy` or `reservation` (the policy's own, most memory hits) is
 * written out as one literal, which is several times cheaper than the spread it equals.
 */
export function eventData(result: ValidationResult, extras: EventExtras): NewEvent['data'] {
  if ('ruledBy' in result || 'reservation' in result) return { ...result, ...extras };
  // Typed with every key of the answer required, so a field added to the contract cannot be left out here.
  const data: Required<Omit<ValidationResult, 'ruledBy' | 'reservation'>> & EventExtras = {
    decisionId: result.decisionId,
    decision: result.decision,
    tier: result.tier,
    ruleId: result.ruleId,
    reason: result.reason,
    confidence: result.confidence,
    delegationId: result.delegationId,
    latencyMs: result.latencyMs,
    basis: result.basis,
    effects: result.effects,
    tool: extras.tool,
    decisionKey: extras.decisionKey,
    ruledBy: extras.ruledBy,
    training: extras.training,
  };
  return data;
}

/** A remembered answer, on the basis it was first given (a rule's, an expert's, or no risk seen). */
function fromCache(hit: CachedDecision, key: string): Answer {
  const basis = hit.basis ?? (hit.source === 'expert' ? 'expert' : hit.ruleId ? 'rule' : 'no-risk-seen');
  return { decision: hit.decision, ruleId: hit.ruleId ?? null, reason: hit.reason, confidence: 1, delegationId: null, basis, effects: hit.effects ?? [], ruledBy: hit.ruledBy, tier: 'memory', key };
}

/** The metric's labels of a tier and decision, made once each (not per validation). */
const LABELS = new Map<string, Map<string, { subject: string; outcome: string }>>();
function labelsOf(tier: Tier, outcome: string): { subject: string; outcome: string } {
  let byOutcome = LABELS.get(tier);
  if (!byOutcome) LABELS.set(tier, (byOutcome = new Map()));
  let labels = byOutcome.get(outcome);
  if (!labels) byOutcome.set(outcome, (labels = { subject: `tier:${tier}`, outcome }));
  return labels;
}
export type { Tier };
