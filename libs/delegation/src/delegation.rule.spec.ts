import { CreateDelegationSchema, HumanRulingSchema, type Actor, type Delegation } from '@lighthouse/contracts';
import { decideAssign, decideClaim, decideComplete, decideCreate, decideRule, type Decision, type LeaseSettings } from './delegation.decider';
import { evolve } from './delegation.evolve';

const settings: LeaseSettings = { assignLeaseMs: 10_000, claimLeaseMs: 30_000 };
const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const speed: Actor = { agent: 'speed-layer', roles: [], operator: false, capacity: 1 };
const sec1: Actor = { agent: 'sec-1', roles: ['security_architect'], operator: false, capacity: 4 };
const console_: Actor = { agent: 'human.alice', roles: [], operator: true, capacity: 1 };
const allowOnce = HumanRulingSchema.parse({ decision: 'allow', reason: 'I started this migration' });

function apply(state: Delegation | undefined, decision: Decision): Delegation {
  if (!decision.ok) throw new Error(`refused: ${decision.code} ${decision.message}`);
  return decision.events.reduce<Delegation | undefined>((s, e) => evolve(s, e, new Date(T0).toISOString()), state) as Delegation;
}
const escalation = (kind: 'validation' | 'task' = 'validation') =>
  apply(undefined, decideCreate(speed, CreateDelegationSchema.parse({ kind, target: { role: 'security_architect' }, title: 'approve Bash: rm -rf build' }), 'd-1', 'c-1'));

describe('a human rules on an escalation', () => {
  it('given a queued escalation, the operator completes it with the ruling, named as the human', () => {
    const d = apply(escalation(), decideRule(escalation(), console_, 'alice', allowOnce, T0, settings));
    expect(d).toMatchObject({ state: 'completed', assignee: 'human.alice', claimEpoch: 1 });
    expect(d.result).toEqual({ decision: 'allow', scope: 'once', ttlSeconds: 3600, reason: 'I started this migration', by: 'human', operator: 'alice', ruledBy: 'human.alice' });
  });

  it('given an expert working on it, the human overrides and the expert\'s late completion is refused as a lost claim', () => {
    const queued = escalation();
    const assigned = apply(queued, decideAssign(queued, sec1, T0, settings));
    const claimed = apply(assigned, decideClaim(assigned, sec1, T0, settings));
    const ruled = apply(claimed, decideRule(claimed, console_, 'alice', { ...allowOnce, decision: 'deny' }, T0, settings));
    expect(ruled).toMatchObject({ state: 'completed', assignee: 'human.alice', claimEpoch: 2, releasedFrom: ['sec-1'] });
    expect(decideComplete(ruled, sec1, 1, { decision: 'allow' })).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('refuses a non-operator, a task delegation and a finished escalation', () => {
    expect(decideRule(escalation(), sec1, 'sec-1', allowOnce, T0, settings)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(decideRule(escalation('task'), console_, 'alice', allowOnce, T0, settings)).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    const done = apply(escalation(), decideRule(escalation(), console_, 'alice', allowOnce, T0, settings));
    expect(decideRule(done, console_, 'bob', allowOnce, T0, settings)).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('takes only a well-formed ruling: a reason is required, the pattern lifetime bounded', () => {
    expect(HumanRulingSchema.safeParse({ decision: 'allow', reason: '  ' }).success).toBe(false);
    expect(HumanRulingSchema.safeParse({ decision: 'maybe', reason: 'x' }).success).toBe(false);
    expect(HumanRulingSchema.safeParse({ decision: 'allow', scope: 'pattern', ttlSeconds: 10, reason: 'x' }).success).toBe(false);
    expect(HumanRulingSchema.safeParse({ decision: 'allow', reason: 'x', extra: true }).success).toBe(false);
  });
});
