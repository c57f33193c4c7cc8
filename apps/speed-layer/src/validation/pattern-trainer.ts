import type { EventEnvelope } from '@lighthouse/contracts';
import type { PatternModel } from '@lighthouse/policy';

/**
 * Feeds the pattern model from the event store's `validation.decided` events, in sequence order,
 * so every replica that replays the same log learns exactly the same model.
 */
export function trainFrom(model: PatternModel, event: EventEnvelope): void {
  if (event.type !== 'validation.decided') return;
  const training = event.data['training'] as { features?: unknown; source?: unknown; agent?: unknown } | null | undefined;
  const decision = event.data['decision'];
  if (!training || !Array.isArray(training.features) || (decision !== 'allow' && decision !== 'deny')) return;
  if (training.source !== 'policy' && training.source !== 'expert') return;
  const agent = typeof training.agent === 'string' && training.agent.length > 0 && training.agent.length <= 128 ? training.agent : event.agent;
  model.train({ features: training.features.filter((f): f is string => typeof f === 'string'), decision, source: training.source, ...(agent ? { agent } : {}) });
}
