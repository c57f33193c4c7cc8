import { randomUUID } from 'node:crypto';
import type { Actor, NewEvent, Tier, ValidateRequest, ValidationResult } from '@lighthouse/contracts';
import { combine, decide, decisionKey, extractFeatures, type CachedDecision, type CompiledPolicy, type Decision, type MemoryTier, type PatternModel } from '@lighthouse/policy';
import type { ServiceMetrics } from '@lighthouse/observability';
import type { SpeedLayerConfig } from '../speed-layer.config';
import { DECISIONS_EVENT_STREAM, type DecisionJournal } from './decision-journal';
import { RequestKeyCache } from './decision-cache';
import { NoRuling, type ExpertEscalation } from './expert-escalation';
import type { SharedDecisionCache } from './shared-decision.cache';

export interface ValidationParts {
  config: SpeedLayerConfig;
  policy: CompiledPolicy;
  memory: MemoryTier;
  requestKeys: RequestKeyCache;
  pattern: PatternModel;
  shared: SharedDecisionCache;
  escalation: ExpertEscalation;
  journal: DecisionJournal;
  metrics?: ServiceMetrics;
}

type Answer = Omit<ValidationResult, 'decisionId' | 'latencyMs'> & { features?: string[]; key?: string; ruledBy?: string | null };

/**
 * The four tiers, in order: memory (recent final answers, by decision key), policy (the rules),
 * pattern (a model trained from past decisions; it may tighten an allow or settle an escalation
 * when confident, never loosen a deny), expert (through the delegation router, with a timeout and
 * a circuit breaker; expert rulings are shared across replicas in Redis). No ruling → fail closed.
 * Every decision is journaled before it is answered.
 */
export class ValidationService {
  constructor(private readonly parts: ValidationParts) {}

  async validate(actor: Actor, request: ValidateRequest): Promise<ValidationResult> {
    const started = performance.now();
    const answer = this.fromMemory(request) ?? (await this.decideFresh(actor, request));
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
    // The journal write is part of answering (nothing is answered before it is journaled), so the
    // latency the caller sees includes it; the journaled event can only hold the time up to it.
    await this.parts.journal.record(this.eventOf(actor, request, decided, answer));
    const result = { ...decided, latencyMs: round(performance.now() - started) };
    this.parts.metrics?.natsHandleSeconds.observe({ subject: `tier:${result.tier}`, outcome: result.decision }, result.latencyMs / 1000);
    return result;
  }

  /** Tier 1: a repeated request is two map lookups, no parsing, no I/O. */
  private fromMemory(request: ValidateRequest): Answer | undefined {
    const key = this.parts.requestKeys.get(this.rawKey(request));
    const hit = key === undefined ? undefined : this.parts.memory.get(key);
    return hit ? { ...fromCache(hit), tier: 'memory', key } : undefined;
  }

  private async decideFresh(actor: Actor, request: ValidateRequest): Promise<Answer> {
    const { config, memory } = this.parts;
    const policy = decide({ tool: request.tool, input: request.input }, this.contextFor(request), this.parts.policy);
    const key = decisionKey(policy.normalised);
    this.parts.requestKeys.set(this.rawKey(request), key);
    const features = extractFeatures(policy.normalised);
    const known = memory.get(key);
    if (known) return { ...fromCache(known), tier: 'memory', key, features };

    const combined = combine(policy, this.parts.pattern.predict(features), { tightenTo: 'escalate', escalateTo: config.LH_SPEED_DEFAULT_EXPERT_ROLE });
    const base = { ruleId: combined.ruleId ?? null, key, features, delegationId: null, effects: policy.effects };
    if (combined.decision !== 'escalate') {
      const basis = combined.tier === 'pattern' ? 'pattern' : policy.basis;
      if (combined.tier === 'policy' && (basis === 'rule' || basis === 'no-risk-seen')) {
        memory.set(key, { decision: combined.decision, source: 'policy', reason: combined.reason, basis, effects: policy.effects, ...(policy.ruleId ? { ruleId: policy.ruleId } : {}) });
      }
      return { ...base, decision: combined.decision, tier: combined.tier, reason: combined.reason, confidence: combined.confidence ?? 1, basis };
    }
    return this.escalate(actor, request, policy, combined.escalateTo ?? config.LH_SPEED_DEFAULT_EXPERT_ROLE, key, features);
  }

  /** Tiers 3–4 for an escalation: a ruling another replica already got, else an expert, else deny. */
  private async escalate(actor: Actor, request: ValidateRequest, policy: Decision, role: string, key: string, features: string[]): Promise<Answer> {
    const base = { ruleId: policy.ruleId ?? null, key, features, effects: policy.effects };
    const shared = await this.parts.shared.get(key);
    if (shared) {
      this.parts.memory.set(key, { decision: shared.decision, source: 'expert', reason: shared.reason, basis: 'expert', effects: policy.effects });
      return { ...base, decision: shared.decision, tier: 'shared', reason: shared.reason, confidence: 1, delegationId: null, basis: 'expert' };
    }
    try {
      const ruling = await this.parts.escalation.ask(actor, {
        role,
        title: `approve ${request.tool}: ${(policy.command ?? request.tool).slice(0, 150)}`,
        body: `${policy.reason}\n\nReply with result {"decision": "allow" | "deny", "reason": "..."}.`,
        context: { tool: request.tool, command: policy.command ?? null, ruleId: policy.ruleId ?? null, decisionKey: key },
      });
      this.parts.memory.set(key, { decision: ruling.decision, source: 'expert', reason: ruling.reason, basis: 'expert', effects: policy.effects });
      this.parts.shared.set(key, ruling.decision, ruling.reason, policy.ruleId ?? null);
      return { ...base, decision: ruling.decision, tier: 'expert', reason: ruling.reason, confidence: 1, delegationId: ruling.delegationId, basis: 'expert', ruledBy: ruling.expert };
    } catch (error) {
      const why = error instanceof NoRuling ? error.message : 'escalation failed';
      return { ...base, decision: 'deny', tier: 'fallback', reason: `${why}; failing closed: ${policy.reason}`, confidence: 1, delegationId: error instanceof NoRuling ? error.delegationId : null, basis: 'fail-closed' };
    }
  }

  private contextFor(request: ValidateRequest) {
    const { config } = this.parts;
    const workspaceRoot = request.cwd && request.cwd.startsWith('/') ? request.cwd : config.LH_SPEED_WORKSPACE_ROOT;
    return { workspaceRoot, homeDir: config.LH_SPEED_HOME_DIR, environment: config.LH_SPEED_ENVIRONMENT };
  }

  private rawKey(request: ValidateRequest): string {
    return RequestKeyCache.rawKeyOf(request.tool, request.cwd ?? '', request.input);
  }

  /** The journal entry: what was asked (as normalised, secrets redacted), what was answered, why. */
  private eventOf(actor: Actor, request: ValidateRequest, result: ValidationResult, answer: Answer): NewEvent {
    const trainable = (answer.tier === 'policy' || answer.tier === 'expert') && result.decision !== 'escalate';
    return {
      id: result.decisionId,
      type: 'validation.decided',
      stream: DECISIONS_EVENT_STREAM,
      agent: actor.agent,
      correlationId: result.decisionId,
      causationId: null,
      schemaVersion: 1,
      data: {
        ...result,
        tool: request.tool,
        decisionKey: answer.key ?? null,
        // Only first-hand answers teach the pattern model (not its own guesses, not cache hits).
        // Whose evidence it is: the expert who ruled, or the agent whose call the policy answered
        // (the model lets policy answers only tighten, and caps each agent's share of rulings).
        training: trainable && answer.features ? { features: answer.features, source: answer.tier, agent: (answer.tier === 'expert' ? answer.ruledBy : null) ?? actor.agent } : null,
      },
    };
  }
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

/** A remembered answer, on the basis it was first given (a rule's, an expert's, or no risk seen). */
function fromCache(hit: CachedDecision): Omit<Answer, 'tier'> {
  const basis = hit.basis ?? (hit.source === 'expert' ? 'expert' : hit.ruleId ? 'rule' : 'no-risk-seen');
  return { decision: hit.decision, ruleId: hit.ruleId ?? null, reason: hit.reason, confidence: 1, delegationId: null, basis, effects: hit.effects ?? [] };
}
export type { Tier };
