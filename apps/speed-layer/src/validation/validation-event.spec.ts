import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { FrameCodec } from '@lighthouse/transport';
import type { ValidationResult } from '@lighthouse/contracts';
import { eventData } from './validation.service';

const codec = new FrameCodec();
const effects = [{ kind: 'read' as const, class: 'workspace', target: '/w/src', risky: false, command: 'ls src' }];
const answer = (more: Partial<ValidationResult> = {}): ValidationResult => ({
  decisionId: randomUUID(), decision: 'allow', tier: 'memory', ruleId: 'allow.read', reason: 'reads', confidence: 1, delegationId: null, latencyMs: 0.05, basis: 'rule', effects, ...more,
});
const extras = { tool: 'Bash', decisionKey: 'k1', ruledBy: null, training: null };

describe('the journaled data of a decision', () => {
  it('is byte for byte what spreading the answer and the extras gave, with or without ruledBy and a reservation', () => {
    const cases: Array<[ValidationResult, Parameters<typeof eventData>[1]]> = [
      [answer(), extras],
      [answer({ tier: 'policy' }), { ...extras, training: { features: ['f'], source: 'policy', agent: 'a' } }],
      [answer({ ruledBy: 'expert-1' }), { ...extras, ruledBy: 'expert-1' }],
      [answer({ decision: 'deny', tier: 'reservation', reservation: { path: '/w/a', holder: 'b', expiresAt: new Date(0).toISOString() } as never }), extras],
    ];
    for (const [result, more] of cases) {
      const data = eventData(result, more);
      expect(Object.keys(data)).toEqual(Object.keys({ ...result, ...more }));
      expect(codec.encode(data)).toEqual(codec.encode({ ...result, ...more }));
    }
  });
});
