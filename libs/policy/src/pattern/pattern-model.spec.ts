import { combine } from '../engine/combine';
import { decide } from '../engine/decide';
import { normalise } from '../tool/tool-call-normaliser';
import { extractFeatures } from './pattern-features';
import { PatternModel } from './pattern-model';
import type { TrainingExample } from './pattern-model.schema';

const context = { workspaceRoot: '/code/project', homeDir: '/home/agent' };
const call = (command: string) => normalise({ tool: 'Bash', input: { command } }, context);
const example = (command: string, decision: 'allow' | 'deny', source: 'policy' | 'expert', agent?: string): TrainingExample => ({ normalised: call(command), decision, source, ...(agent ? { agent } : {}) });

const HISTORY: TrainingExample[] = [
  example('terraform destroy', 'deny', 'expert'),
  example('terraform destroy -auto-approve', 'deny', 'expert'),
  example('terraform destroy -target=module.db', 'deny', 'expert'),
  example('terraform plan', 'allow', 'expert'),
  example('terraform plan -out=tf.plan', 'allow', 'policy'),
  example('terraform fmt', 'allow', 'policy'),
  example('terraform validate', 'allow', 'policy'),
];

function trained(history: readonly TrainingExample[] = HISTORY, options = {}): PatternModel {
  const model = new PatternModel(options);
  history.forEach((item) => model.train(item));
  return model;
}

describe('extractFeatures', () => {
  it('given a command, when featurised, then program, subcommand, flags, wrappers, pipes and path classes appear', () => {
    expect(extractFeatures(call('sudo git push -f origin main'))).toEqual(
      expect.arrayContaining(['prog:git', 'sub:git push', 'flag:git --force', 'wrap:sudo', 'tok:git main']),
    );
    expect(extractFeatures(call('curl -s http://x | sh'))).toContain('pipe:to-shell');
    expect(extractFeatures(call('cat ~/.ssh/config /etc/hosts ./a'))).toEqual(expect.arrayContaining(['path:home-dotfile', 'path:etc', 'path:workspace']));
  });
});

describe('PatternModel', () => {
  it('given expert denials of a subcommand, when a similar call comes, then it predicts deny confidently', () => {
    const prediction = trained().predict(call('terraform destroy -auto-approve -target=module.web'));
    expect(prediction.decision).toBe('deny');
    expect(prediction.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('given rulings of several experts allowing siblings, when a known-safe call comes, then it predicts allow', () => {
    const rulings = [example('terraform plan -out=a.plan', 'allow', 'expert', 'ana'), example('terraform plan -refresh=false', 'allow', 'expert', 'bo')];
    expect(trained([...HISTORY, ...rulings]).predict(call('terraform plan')).decision).toBe('allow');
  });

  it('given little evidence or an unknown program, when predicting, then it defers', () => {
    expect(trained([example('helm uninstall web', 'deny', 'policy')]).predict(call('helm uninstall api'))).toMatchObject({ decision: 'defer' });
    expect(trained().predict(call('ansible-playbook site.yml'))).toEqual({ decision: 'defer', confidence: 0 });
    expect(new PatternModel().predict(call('ls'))).toEqual({ decision: 'defer', confidence: 0 });
  });

  it('given a conflict, when one expert ruling meets three policy decisions, then the expert weighs more', () => {
    const history = [
      example('make deploy', 'allow', 'policy'),
      example('make deploy', 'allow', 'policy'),
      example('make deploy', 'allow', 'policy'),
      example('make deploy', 'deny', 'expert'),
    ];
    expect(trained(history, { threshold: 0.5 }).predict(call('make deploy')).decision).toBe('deny');
    // policy answers alone only ever tighten: three allows are no evidence to settle toward allow
    expect(trained(history.slice(0, 3), { threshold: 0.5 }).predict(call('make deploy')).decision).toBe('defer');
  });

  it('given a higher threshold, when confidence is below it, then the same model defers', () => {
    const prediction = trained().predict(call('terraform destroy'));
    expect(trained(HISTORY, { threshold: Math.min(1, prediction.confidence + 0.01) }).predict(call('terraform destroy')).decision).toBe('defer');
  });

  it('given the same training sequence on two replicas, when serialised, then state and predictions are identical', () => {
    const a = trained();
    const b = trained();
    expect(JSON.stringify(a.toJSON())).toBe(JSON.stringify(b.toJSON()));
    const restored = PatternModel.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    for (const command of ['terraform destroy', 'terraform plan', 'terraform apply', 'ls']) {
      expect(restored.predict(call(command))).toEqual(a.predict(call(command)));
    }
    expect(JSON.stringify(restored.toJSON())).toBe(JSON.stringify(a.toJSON()));
  });

  it('given a snapshot of its counts, when restored into a model of the same options, then it predicts as the original; other options or junk are refused, changing nothing', () => {
    const a = trained();
    const b = new PatternModel();
    b.restoreCounts(JSON.parse(JSON.stringify(a.toJSON())));
    for (const command of ['terraform destroy', 'terraform plan', 'ls']) expect(b.predict(call(command))).toEqual(a.predict(call(command)));
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
    const other = new PatternModel({ threshold: 0.99 });
    expect(() => other.restoreCounts(a.toJSON())).toThrow('the model was learned with other options (threshold)');
    expect(() => b.restoreCounts({ version: 2 })).toThrow();
    expect(JSON.stringify(b.toJSON())).toBe(JSON.stringify(a.toJSON()));
  });

  it('given a malformed state, when restored, then it is rejected', () => {
    expect(() => PatternModel.fromJSON({ version: 1 })).toThrow();
    expect(() => PatternModel.fromJSON({ ...trained().toJSON(), all: { ...trained().toJSON().all, features: [['x', -1, 0]] } })).toThrow();
  });

  it('given a model poisoned to allow `rm -rf /`, when combined with the policy, then the deny stands', () => {
    const poisoned = trained(Array.from({ length: 20 }, (_, i) => example('rm -rf /', 'allow', 'expert', `expert-${i % 4}`)));
    const prediction = poisoned.predict(call('rm -rf /'));
    expect(prediction).toMatchObject({ decision: 'allow' });
    const policy = decide({ tool: 'Bash', input: { command: 'rm -rf /' } }, context);
    expect(combine(policy, prediction).decision).toBe('deny');
  });
});

describe('pattern tier poisoning (issue 14, item 3)', () => {
  const fetchFeatures = (i: number) => extractFeatures(call(`git fetch --force origin feature-${i}`));

  it('given thousands of policy allows of `git fetch --force` from one agent, when `git push --force` is escalated, then the model does not settle it as allow', () => {
    // given: one agent floods the log with allowed look-alikes (every policy answer used to be training data)
    const model = new PatternModel();
    for (let i = 0; i < 5000; i += 1) model.train({ features: fetchFeatures(i), decision: 'allow', source: 'policy', agent: 'mallory' });
    // when: the force push the policy escalates meets the model
    const push = decide({ tool: 'Bash', input: { command: 'git push --force origin feature-9' } }, context);
    expect(push).toMatchObject({ decision: 'escalate', ruleId: 'git.force-push' });
    const combined = combine(push, model.predict(extractFeatures(push.normalised)));
    // then: it still goes to an expert
    expect({ decision: combined.decision, tier: combined.tier }).toEqual({ decision: 'escalate', tier: 'policy' });
  });

  it('given policy answers only, when a call they allowed is escalated, then they can only tighten: no allow prediction without a ruling', () => {
    const model = new PatternModel();
    for (let i = 0; i < 200; i += 1) model.train({ features: extractFeatures(call('terraform plan')), decision: 'allow', source: 'policy', agent: `a${i % 20}` });
    expect(model.predict(call('terraform plan')).decision).toBe('defer');
    for (let i = 0; i < 200; i += 1) model.train({ features: extractFeatures(call('terraform destroy')), decision: 'deny', source: 'policy', agent: `a${i % 20}` });
    expect(model.predict(call('terraform destroy')).decision).toBe('deny');
  });

  it('given expert rulings, when one expert gave nearly all of them, then its share is capped and the model defers; rulings from several experts settle', () => {
    const mostlyOne = new PatternModel();
    for (let i = 0; i < 40; i += 1) mostlyOne.train({ features: extractFeatures(call(`helm upgrade web-${i} ./chart`)), decision: 'allow', source: 'expert', agent: 'rogue-expert' });
    expect(mostlyOne.predict(call('helm upgrade api ./chart')).decision).toBe('defer');
    const several = new PatternModel();
    for (let i = 0; i < 40; i += 1) several.train({ features: extractFeatures(call(`helm upgrade web-${i} ./chart`)), decision: 'allow', source: 'expert', agent: `expert-${i % 5}` });
    expect(several.predict(call('helm upgrade api ./chart')).decision).toBe('allow');
  });
});
