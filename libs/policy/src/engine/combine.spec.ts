import type { Prediction } from '../pattern/pattern-model.schema';
import { normalise } from '../tool/tool-call-normaliser';
import { combine } from './combine';
import type { Decision } from './decision.schema';

const normalised = normalise({ tool: 'Bash', input: { command: 'make deploy' } }, { workspaceRoot: '/w', homeDir: '/h' });
const policy = (decision: Decision['decision'], basis: Decision['basis'] = 'rule'): Decision => ({ decision, basis, reason: 'policy says so', normalised, effects: [], ...(decision === 'escalate' ? { escalateTo: 'security_architect' } : {}) });
const predict = (decision: Prediction['decision'], confidence = 0.95): Prediction => ({ decision, confidence });

describe('combine (never loosen)', () => {
  it('given a policy deny, when the model confidently says allow, then it stays deny', () => {
    expect(combine(policy('deny'), predict('allow', 0.99))).toMatchObject({ decision: 'deny', tier: 'policy' });
  });

  it('given a policy escalation, when the model is confident, then it settles it either way', () => {
    expect(combine(policy('escalate'), predict('allow'))).toEqual({ decision: 'allow', tier: 'pattern', reason: expect.stringContaining('0.95'), confidence: 0.95 });
    expect(combine(policy('escalate'), predict('deny'))).toMatchObject({ decision: 'deny', tier: 'pattern' });
  });

  it('given a policy escalation, when the model defers, then the escalation stands', () => {
    expect(combine(policy('escalate'), predict('defer', 0.6))).toMatchObject({ decision: 'escalate', tier: 'policy', escalateTo: 'security_architect' });
    expect(combine(policy('escalate'), undefined)).toMatchObject({ decision: 'escalate', tier: 'policy' });
  });

  it('given a policy allow, when the model confidently says deny, then it is only tightened', () => {
    expect(combine(policy('allow', 'default'), predict('deny'), { escalateTo: 'security_architect' })).toMatchObject({ decision: 'escalate', tier: 'pattern', escalateTo: 'security_architect' });
    expect(combine(policy('allow', 'default'), predict('deny'), { tightenTo: 'deny' })).toMatchObject({ decision: 'deny', tier: 'pattern' });
    expect(combine(policy('allow', 'default'), predict('allow'))).toMatchObject({ decision: 'allow', tier: 'policy' });
  });

  it('given a fail-closed escalation, when the model is confident, then the model is not allowed to settle it', () => {
    expect(combine(policy('escalate', 'fail-closed'), predict('allow', 1))).toMatchObject({ decision: 'escalate', tier: 'policy' });
    expect(combine(policy('escalate', 'unknown-tool'), predict('allow', 1))).toMatchObject({ decision: 'escalate', tier: 'policy' });
  });
});
