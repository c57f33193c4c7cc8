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

type Label = 'allow' | 'deny';
interface Counts {
  allow: number;
  deny: number;
}

/**
 * The pattern tier: multinomial naive Bayes over features of normalised calls, learned from past
 * policy and expert decisions (expert rulings weigh more). Deterministic: the same training
 * sequence gives the same model on every replica, and toJSON/fromJSON round-trips exactly.
 *
 * It only advises. Callers consult it for calls the policy allowed by default or escalated, and
 * {@link combine} guarantees it can tighten an allow or settle an escalation, never loosen a deny.
 */
export class PatternModel {
  private readonly options: Required<PatternModelState['options']>;
  private readonly classes: Record<Label, { docs: number; tokens: number }> = { allow: { docs: 0, tokens: 0 }, deny: { docs: 0, tokens: 0 } };
  private readonly features = new Map<string, Counts>();

  constructor(options: PatternModelOptions = {}) {
    this.options = PatternModelOptionsSchema.parse(options);
  }

  /** Learns one past decision. */
  train(example: TrainingExample): void {
    const parsed = TrainingExampleSchema.parse(example);
    const features = parsed.features ? [...new Set(parsed.features)].sort() : extractFeatures(parsed.normalised as NormalisedToolCall);
    const weight = parsed.source === 'expert' ? this.options.expertWeight : 1;
    const label = parsed.decision;
    this.classes[label].docs += weight;
    this.classes[label].tokens += weight * features.length;
    for (const feature of features) {
      const counts = this.features.get(feature) ?? { allow: 0, deny: 0 };
      counts[label] += weight;
      this.features.set(feature, counts);
    }
  }

  /** A confident allow/deny, or `defer` when confidence is below the threshold (or nothing is known). */
  predict(input: NormalisedToolCall | readonly string[]): Prediction {
    const features = Array.isArray(input) ? [...new Set(input as readonly string[])].sort() : extractFeatures(input as NormalisedToolCall);
    const support = this.support(features);
    if (support === 0) return { decision: 'defer', confidence: 0 };
    const pDeny = this.posteriorDeny(features.filter((feature) => this.features.has(feature)));
    const label: Label = pDeny >= 0.5 ? 'deny' : 'allow';
    const confidence = Math.max(pDeny, 1 - pDeny) * (support / (support + this.options.priorSupport));
    return { decision: confidence >= this.options.threshold ? label : 'defer', confidence };
  }

  toJSON(): PatternModelState {
    const features = [...this.features.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([feature, counts]): [string, number, number] => [feature, counts.allow, counts.deny]);
    return { version: 1, options: { ...this.options }, classes: { allow: { ...this.classes.allow }, deny: { ...this.classes.deny } }, features };
  }

  static fromJSON(state: unknown): PatternModel {
    const parsed = PatternModelStateSchema.parse(state);
    const model = new PatternModel(parsed.options);
    model.classes.allow = { ...parsed.classes.allow };
    model.classes.deny = { ...parsed.classes.deny };
    for (const [feature, allow, deny] of parsed.features) model.features.set(feature, { allow, deny });
    return model;
  }

  /**
   * P(deny | features) with each present feature scored against the number of examples of the
   * class (features are binary: a call has a flag or not), Laplace-smoothed, summed in sorted order.
   */
  private posteriorDeny(known: readonly string[]): number {
    const alpha = this.options.alpha;
    const total = this.classes.allow.docs + this.classes.deny.docs;
    const score = (label: Label): number => {
      const docs = this.classes[label].docs;
      const prior = Math.log((docs + alpha) / (total + 2 * alpha));
      return known.reduce((sum, feature) => sum + Math.log(((this.features.get(feature)?.[label] ?? 0) + alpha) / (docs + 2 * alpha)), prior);
    };
    return 1 / (1 + Math.exp(score('allow') - score('deny')));
  }

  /**
   * Evidence for this call: for each program it runs, the weight of examples sharing its most
   * specific known anchor (program + subcommand, else program); the least across its programs.
   * A call whose programs were never seen has none. Non-shell calls are anchored on the tool.
   */
  private support(features: readonly string[]): number {
    const programs = features.filter((feature) => feature.startsWith('prog:') && feature !== 'prog:(assign)').map((feature) => feature.slice(5));
    if (programs.length === 0) return weightOf(this.features.get(features.find((feature) => feature.startsWith('tool:')) ?? ''));
    return Math.min(...programs.map((program) => {
      const sub = features.find((feature) => feature.startsWith(`sub:${program} `) && this.features.has(feature));
      return weightOf(this.features.get(sub ?? `prog:${program}`));
    }));
  }
}

function weightOf(counts: Counts | undefined): number {
  return counts ? counts.allow + counts.deny : 0;
}
