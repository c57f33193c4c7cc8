type Label = 'allow' | 'deny';
interface Counts {
  allow: number;
  deny: number;
}

/** Serialised counts: class totals and per-feature weighted counts, sorted by feature. */
export interface CountsState {
  classes: Record<Label, { docs: number; tokens: number }>;
  features: [string, number, number][];
}

/** Weighted allow/deny counts per binary feature, and the naive Bayes posterior over them. */
export class NaiveBayesCounts {
  private readonly classes: Record<Label, { docs: number; tokens: number }> = { allow: { docs: 0, tokens: 0 }, deny: { docs: 0, tokens: 0 } };
  private readonly features = new Map<string, Counts>();

  add(features: readonly string[], label: Label, weight: number): void {
    this.classes[label].docs += weight;
    this.classes[label].tokens += weight * features.length;
    for (const feature of features) {
      const counts = this.features.get(feature) ?? { allow: 0, deny: 0 };
      counts[label] += weight;
      this.features.set(feature, counts);
    }
  }

  has(feature: string): boolean {
    return this.features.has(feature);
  }

  /** Weight of the examples that had this feature. */
  weight(feature: string): number {
    const counts = this.features.get(feature);
    return counts ? counts.allow + counts.deny : 0;
  }

  /**
   * P(deny | features) with each known feature scored against the number of examples of the
   * class (features are binary), Laplace-smoothed, summed in sorted order.
   */
  posteriorDeny(features: readonly string[], alpha: number): number {
    const known = features.filter((feature) => this.features.has(feature));
    const total = this.classes.allow.docs + this.classes.deny.docs;
    const score = (label: Label): number => {
      const docs = this.classes[label].docs;
      const prior = Math.log((docs + alpha) / (total + 2 * alpha));
      return known.reduce((sum, feature) => sum + Math.log(((this.features.get(feature)?.[label] ?? 0) + alpha) / (docs + 2 * alpha)), prior);
    };
    return 1 / (1 + Math.exp(score('allow') - score('deny')));
  }

  toJSON(): CountsState {
    const features = [...this.features.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([feature, counts]): [string, number, number] => [feature, counts.allow, counts.deny]);
    return { classes: { allow: { ...this.classes.allow }, deny: { ...this.classes.deny } }, features };
  }

  load(state: CountsState): void {
    this.classes.allow = { ...state.classes.allow };
    this.classes.deny = { ...state.classes.deny };
    this.features.clear();
    for (const [feature, allow, deny] of state.features) this.features.set(feature, { allow, deny });
  }
}
