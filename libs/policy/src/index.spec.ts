import {
  combine,
  decide,
  decisionKey,
  evaluate,
  loadDefaultPolicy,
  MemoryTier,
  NormalisationCache,
  PatternModel,
  type CachedDecision,
  type ToolCall,
} from './index';

const context = { workspaceRoot: '/code/project', homeDir: '/home/agent' };
const bash = (command: string): ToolCall => ({ tool: 'Bash', input: { command } });

describe('the tier contract through the public API', () => {
  const policy = loadDefaultPolicy();
  const memory = new MemoryTier({ namespace: `${policy.digest}:` });
  const cache = new NormalisationCache();
  const model = new PatternModel();

  /** memory → policy → pattern → (expert): what the speed layer does with each call. */
  function validate(call: ToolCall): { decision: string; tier: string } {
    const normalised = cache.normalise(call, context);
    const key = decisionKey(normalised);
    const remembered = memory.get(key);
    if (remembered) return { decision: remembered.decision, tier: 'memory' };
    const byPolicy = evaluate(normalised, policy);
    const combined = combine(byPolicy, byPolicy.decision === 'deny' ? undefined : model.predict(normalised), { escalateTo: policy.defaults.escalateTo });
    if (combined.tier === 'policy' && combined.decision !== 'escalate') {
      memory.set(key, { decision: combined.decision, source: 'policy', reason: combined.reason } satisfies CachedDecision);
    }
    return { decision: combined.decision, tier: combined.tier };
  }

  it('given a repeated command spelled differently, when validated twice, then the second answer comes from memory', () => {
    expect(validate(bash('git push -f origin main'))).toEqual({ decision: 'deny', tier: 'policy' });
    expect(validate(bash('/usr/bin/git  push --force origin main'))).toEqual({ decision: 'deny', tier: 'memory' });
  });

  it('given expert rulings (of several experts) on an escalated command, when the model has learned them, then it settles the next one', () => {
    expect(validate(bash('kubectl drain node-7'))).toEqual({ decision: 'escalate', tier: 'policy' });
    for (const [node, expert] of [['node-1', 'ana'], ['node-2', 'bo'], ['node-3', 'cy']]) {
      model.train({ normalised: cache.normalise(bash(`kubectl drain ${node} --ignore-daemonsets`), context), decision: 'allow', source: 'expert', agent: expert });
    }
    expect(validate(bash('kubectl drain node-8 --ignore-daemonsets'))).toEqual({ decision: 'allow', tier: 'pattern' });
  });

  it('given the same call through decide(), when compared with the cached path, then the policy answer is the same', () => {
    expect(decide(bash('rm -rf ~'), context, policy).decision).toBe(validate(bash('rm -rf ~')).decision);
  });
});
