import { nextTier, type TierFacts } from './tier-pipeline';

const escalated = { decision: 'escalate', settledBy: 'policy' } as const;

describe('the tier pipeline', () => {
  it('given nothing consulted, then memory is asked first', () => {
    expect(nextTier({})).toEqual({ consult: 'memory' });
  });

  it('given a memory hit on the raw request, then memory answers and nothing else is consulted', () => {
    expect(nextTier({ memory: true })).toEqual({ answer: 'memory' });
  });

  it('given a memory miss, then the policy is consulted (normalising gives the decision key)', () => {
    expect(nextTier({ memory: false })).toEqual({ consult: 'policy' });
  });

  it('given a hit under the decision key, then memory answers even though the policy ran', () => {
    expect(nextTier({ memory: false, keyedMemory: true })).toEqual({ answer: 'memory' });
    expect(nextTier({ memory: false, keyedMemory: true, policy: { decision: 'allow', settledBy: 'policy' } })).toEqual({ answer: 'memory' });
  });

  it('given a keyed miss and no policy answer yet, then the policy is consulted', () => {
    expect(nextTier({ memory: false, keyedMemory: false })).toEqual({ consult: 'policy' });
  });

  it('given the policy allows or denies, then the policy answers', () => {
    expect(nextTier({ memory: false, keyedMemory: false, policy: { decision: 'deny', settledBy: 'policy' } })).toEqual({ answer: 'policy' });
    expect(nextTier({ memory: false, keyedMemory: false, policy: { decision: 'allow', settledBy: 'policy' } })).toEqual({ answer: 'policy' });
  });

  it('given the pattern model settled it, then the pattern tier answers', () => {
    expect(nextTier({ memory: false, keyedMemory: false, policy: { decision: 'deny', settledBy: 'pattern' } })).toEqual({ answer: 'pattern' });
  });

  it('given an escalation, then the shared rulings are consulted before any expert', () => {
    expect(nextTier({ memory: false, keyedMemory: false, policy: escalated })).toEqual({ consult: 'shared' });
  });

  it('given a shared ruling, then it answers and no expert is asked', () => {
    expect(nextTier({ memory: false, keyedMemory: false, policy: escalated, shared: true })).toEqual({ answer: 'shared' });
  });

  it('given no shared ruling, then an expert is asked', () => {
    expect(nextTier({ memory: false, keyedMemory: false, policy: escalated, shared: false })).toEqual({ consult: 'expert' });
  });

  it('given the expert ruled, then the expert answers; given no ruling, then fail closed (fallback)', () => {
    const asked: TierFacts = { memory: false, keyedMemory: false, policy: escalated, shared: false };
    expect(nextTier({ ...asked, expert: true })).toEqual({ answer: 'expert' });
    expect(nextTier({ ...asked, expert: false })).toEqual({ answer: 'fallback' });
  });

  it('walks the whole order when every tier passes the question on', () => {
    const facts: TierFacts = {};
    const order: string[] = [];
    const found: Required<TierFacts> = { memory: false, keyedMemory: false, policy: escalated, shared: false, expert: false };
    for (let step = nextTier(facts); 'consult' in step; step = nextTier(facts)) {
      order.push(step.consult);
      if (step.consult === 'policy') Object.assign(facts, { keyedMemory: found.keyedMemory, policy: found.policy });
      else Object.assign(facts, { [step.consult]: found[step.consult] });
    }
    expect(order).toEqual(['memory', 'policy', 'shared', 'expert']);
    expect(nextTier(facts)).toEqual({ answer: 'fallback' });
  });
});
