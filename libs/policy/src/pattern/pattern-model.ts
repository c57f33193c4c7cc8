import { extractFeatures } from './pattern-features';
import type { NormalisedToolCall } from '../normalised.schema';
import {
  PatternModelOptionsSchema,
  PatternModelStateSchema,
  TrainingExampleSchema,
  type PatternModelOptions,
  type PatternModelState,
  type Prediction,
  type TrainingExample,
} from './pattern-model.schema';
import { NaiveBayesCounts } from './naive-bayes-counts';

/** Evidence without a named agent counts as one agent's. */
const UNNAMED = '(unnamed)';

/**
 * The pattern tier: naive Bayes over features of normalised calls, learned from past decisions.
 * Deterministic: the same training sequence gives the same model on every replica, and
 * toJSON/fromJSON round-trips exactly.
 *
 * It only advises, and it cannot be taught to allow by agents (issue 14, item 3):
 * - every decision (policy answers and rulings) is evidence to **tighten**: a confident deny;
 * - only experts' and operators' rulings are evidence to **settle toward allow**; policy answers,
 *   however many, never make it predict allow;
 * - one agent's share of the rulings behind an allow is capped (`maxAgentShare`): a lone expert,
 *   or one agent's flood, defers.
 * {@link combine} further guarantees it never loosens a policy deny.
 */
export class PatternModel {
  private readonly options: Required<PatternModelState['options']>;
  private readonly all = new NaiveBayesCounts();
  private readonly rulings = new NaiveBayesCounts();
  /** Anchor feature (prog:/sub:/tool:) → agent → ruling weight. */
  private readonly rulingAgents = new Map<string, Map<string, number>>();

  constructor(options: PatternModelOptions = {}) {
    this.options = PatternModelOptionsSchema.parse(options);
  }

  /** Learns one past decision. */
  train(example: TrainingExample): void {
    const parsed = TrainingExampleSchema.parse(example);
    const features = parsed.features ? [...new Set(parsed.features)].sort() : extractFeatures(parsed.normalised as NormalisedToolCall);
    const ruling = parsed.source === 'expert';
    const weight = ruling ? this.options.expertWeight : 1;
    this.all.add(features, parsed.decision, weight);
    if (!ruling) return;
    this.rulings.add(features, parsed.decision, weight);
    const agent = parsed.agent ?? UNNAMED;
    for (const feature of features.filter(isAnchor)) {
      const agents = this.rulingAgents.get(feature) ?? new Map<string, number>();
      agents.set(agent, (agents.get(agent) ?? 0) + weight);
      this.rulingAgents.set(feature, agents);
    }
  }

  /**
   * A confident deny (from any evidence), a confident allow (from rulings only, no agent over its
   * share), or `defer`.
   */
  predict(input: NormalisedToolCall | readonly string[]): Prediction {
    const features = Array.isArray(input) ? [...new Set(input as readonly string[])].sort() : extractFeatures(input as NormalisedToolCall);
    const tighten = this.judge(this.all, features, (anchor) => weightOf(this.all, anchor));
    if (tighten.label === 'deny' && tighten.confidence >= this.options.threshold) return { decision: 'deny', confidence: tighten.confidence };
    const settle = this.judge(this.rulings, features, (anchor) => this.cappedRulingWeight(anchor));
    if (settle.confidence >= this.options.threshold) return { decision: settle.label, confidence: settle.confidence };
    return { decision: 'defer', confidence: Math.max(settle.confidence, tighten.label === 'deny' ? tighten.confidence : 0) };
  }

  toJSON(): PatternModelState {
    const rulingAgents = [...this.rulingAgents.entries()]
      .sort(([a], [b]) => compare(a, b))
      .map(([feature, agents]): [string, [string, number][]] => [feature, [...agents.entries()].sort(([a], [b]) => compare(a, b))]);
    return { version: 2, options: { ...this.options }, all: this.all.toJSON(), rulings: this.rulings.toJSON(), rulingAgents };
  }

  static fromJSON(state: unknown): PatternModel {
    const parsed = PatternModelStateSchema.parse(state);
    const model = new PatternModel(parsed.options);
    model.all.load(parsed.all);
    model.rulings.load(parsed.rulings);
    for (const [feature, agents] of parsed.rulingAgents) model.rulingAgents.set(feature, new Map(agents));
    return model;
  }

  /**
   * Replaces what this model learned with what `state` holds (a follower's snapshot); throws,
   * changing nothing, when `state` is not a model's state or was learned with other options
   * (the counts depend on them: such a state must be learned again from the log).
   */
  restoreCounts(state: unknown): void {
    const parsed = PatternModelStateSchema.parse(state);
    const mine = this.options as Record<string, unknown>;
    const theirs = parsed.options as Record<string, unknown>;
    const differ = Object.keys({ ...mine, ...theirs }).filter((key) => mine[key] !== theirs[key]);
    if (differ.length > 0) throw new Error(`the model was learned with other options (${differ.join(', ')})`);
    this.all.load(parsed.all);
    this.rulings.load(parsed.rulings);
    this.rulingAgents.clear();
    for (const [feature, agents] of parsed.rulingAgents) this.rulingAgents.set(feature, new Map(agents));
  }

  private judge(counts: NaiveBayesCounts, features: readonly string[], weight: (anchor: string) => number): { label: 'allow' | 'deny'; confidence: number } {
    const support = this.support(counts, features, weight);
    if (support === 0) return { label: 'allow', confidence: 0 };
    const pDeny = counts.posteriorDeny(features, this.options.alpha);
    return { label: pDeny >= 0.5 ? 'deny' : 'allow', confidence: Math.max(pDeny, 1 - pDeny) * (support / (support + this.options.priorSupport)) };
  }

  /**
   * Evidence for this call: for each program it runs, the weight of examples sharing its most
   * specific known anchor (program + subcommand, else program); the least across its programs.
   * A call whose programs were never seen has none. Non-shell calls are anchored on the tool.
   */
  private support(counts: NaiveBayesCounts, features: readonly string[], weight: (anchor: string) => number): number {
    const programs = features.filter((feature) => feature.startsWith('prog:') && feature !== 'prog:(assign)').map((feature) => feature.slice(5));
    if (programs.length === 0) return weight(features.find((feature) => feature.startsWith('tool:')) ?? '');
    return Math.min(...programs.map((program) => {
      const sub = features.find((feature) => feature.startsWith(`sub:${program} `) && counts.has(feature));
      return weight(sub ?? `prog:${program}`);
    }));
  }

  /** The rulings' weight on an anchor with the largest agent cut to `maxAgentShare` of the evidence. */
  private cappedRulingWeight(anchor: string): number {
    const agents = this.rulingAgents.get(anchor);
    if (!agents) return 0;
    const weights = [...agents.values()];
    const total = weights.reduce((sum, w) => sum + w, 0);
    const largest = Math.max(...weights);
    const share = this.options.maxAgentShare;
    if (largest <= share * total || share >= 1) return total;
    // Count the largest agent only up to `share` of the result: others / (1 - share).
    return (total - largest) / (1 - share);
  }
}

function isAnchor(feature: string): boolean {
  return feature.startsWith('prog:') || feature.startsWith('sub:') || feature.startsWith('tool:');
}

function weightOf(counts: NaiveBayesCounts, feature: string): number {
  return counts.weight(feature);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
