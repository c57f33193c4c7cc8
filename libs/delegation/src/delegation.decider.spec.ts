import { CreateDelegationSchema, type Actor, type Delegation } from '@lighthouse/contracts';
import {
  canSee,
  decideAssign,
  decideCancel,
  decideClaim,
  decideComplete,
  decideCreate,
  decideExtend,
  decideFail,
  decideProgress,
  decideRelease,
  decideTick,
  type LeaseSettings,
} from './delegation.decider';
import type { Decision } from './delegation.decider';
import { evolve } from './delegation.evolve';

const settings: LeaseSettings = { assignLeaseMs: 10_000, claimLeaseMs: 30_000 };
const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const actor = (agent: string, roles: string[] = [], operator = false): Actor => ({ agent, roles, operator, capacity: 4 });
const alice = actor('alice');
const sec1 = actor('sec-1', ['security_architect']);
const sec2 = actor('sec-2', ['security_architect']);
const perf = actor('perf-1', ['performance_engineer']);

/** Applies the events of an accepted decision in order, each committed at `at`. */
function apply(state: Delegation | undefined, decision: Decision, at = T0): Delegation {
  if (!decision.ok) throw new Error(`refused: ${decision.code} ${decision.message}`);
  return decision.events.reduce<Delegation | undefined>((s, e) => evolve(s, e, new Date(at).toISOString()), state) as Delegation;
}

const created = (target: { role: string } | { agent: string } = { role: 'security_architect' }, deadlineSeconds = 600) =>
  apply(undefined, decideCreate(alice, CreateDelegationSchema.parse({ target, title: 'review auth middleware', deadlineSeconds }), 'd-1', 'corr-1'));

const claimedBy = (expert: Actor) => {
  const assigned = apply(created(), decideAssign(created(), expert, T0, settings));
  return apply(assigned, decideClaim(assigned, expert, T0, settings));
};

describe('delegation decider', () => {
  it('given a new request, it is queued for its role with the requester recorded', () => {
    const d = created();
    expect(d).toMatchObject({ state: 'queued', requester: 'alice', assignee: null, claimEpoch: 0, correlationId: 'corr-1' });
    expect(d.deadline).toBe('2026-11-27T10:10:00.000Z');
  });

  it('refuses delegating to oneself', () => {
    expect(decideCreate(alice, CreateDelegationSchema.parse({ target: { agent: 'alice' }, title: 'x' }), 'd', 'c')).toMatchObject({ ok: false, code: 'VALIDATION_FAILED', message: expect.stringMatching(/itself/) });
  });

  it('gives a role delegation only to an expert of that role, never to the requester', () => {
    expect(decideAssign(created(), perf, T0, settings)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(decideAssign(created(), actor('alice', ['security_architect']), T0, settings)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(apply(created(), decideAssign(created(), sec1, T0, settings))).toMatchObject({ state: 'assigned', assignee: 'sec-1' });
  });

  it('gives an agent-targeted delegation only to that agent', () => {
    const d = created({ agent: 'perf-1' });
    expect(decideAssign(d, sec1, T0, settings)).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(apply(d, decideAssign(d, perf, T0, settings)).assignee).toBe('perf-1');
  });

  it('a claim moves it in progress under a new epoch; only the assignee may claim', () => {
    const assigned = apply(created(), decideAssign(created(), sec1, T0, settings));
    expect(decideClaim(assigned, sec2, T0, settings)).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(apply(assigned, decideClaim(assigned, sec1, T0, settings))).toMatchObject({ state: 'in_progress', claimEpoch: 1 });
  });

  it('the holder completes with the current epoch and the result is kept', () => {
    const d = claimedBy(sec1);
    const done = apply(d, decideComplete(d, sec1, 1, { verdict: 'looks fine' }));
    expect(done).toMatchObject({ state: 'completed', result: { verdict: 'looks fine' } });
  });

  it('given a lapsed lease, the claim is released and the late completion of the old holder is refused', () => {
    const d = claimedBy(sec1);
    expect(decideTick(d, T0 + 29_999)).toEqual({ ok: true, events: [] });
    const released = apply(d, decideTick(d, T0 + 30_000));
    expect(released).toMatchObject({ state: 'queued', assignee: null, releasedFrom: ['sec-1'] });

    const reassigned = apply(released, decideAssign(released, sec2, T0, settings));
    const reclaimed = apply(reassigned, decideClaim(reassigned, sec2, T0, settings));
    expect(reclaimed.claimEpoch).toBe(2);
    expect(decideComplete(reclaimed, sec1, 1, {})).toMatchObject({ ok: false, code: 'CONFLICT', message: expect.stringMatching(/claim lost/) });
    expect(decideComplete(reclaimed, perf, 2, {})).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    expect(apply(reclaimed, decideComplete(reclaimed, sec2, 2, { ok: true })).state).toBe('completed');
  });

  it('does not hand a released delegation back to the expert that lost it', () => {
    const released = apply(claimedBy(sec1), decideRelease(claimedBy(sec1), 'sec-1', 'session ended'));
    expect(decideAssign(released, sec1, T0, settings)).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('heartbeats extend the lease; progress notes do too and are kept', () => {
    const d = claimedBy(sec1);
    expect(decideExtend(d, 'sec-1', T0 + 10_000, settings)).toEqual({ ok: true, events: [] });
    const extended = apply(d, decideExtend(d, 'sec-1', T0 + 20_000, settings));
    expect(decideTick(extended, T0 + 40_000)).toEqual({ ok: true, events: [] });
    expect(decideExtend(d, 'sec-2', T0, settings)).toEqual({ ok: true, events: [] });
    const noted = apply(d, decideProgress(d, sec1, 1, 'half way', T0 + 25_000, settings), T0 + 25_000);
    expect(noted.progress).toEqual([{ at: new Date(T0 + 25_000).toISOString(), note: 'half way' }]);
    expect(noted.leaseExpiresAt).toBe(new Date(T0 + 55_000).toISOString());
  });

  it('an unclaimed assignment goes back to the queue when its lease lapses', () => {
    const assigned = apply(created(), decideAssign(created(), sec1, T0, settings));
    expect(apply(assigned, decideTick(assigned, T0 + 10_000)).state).toBe('queued');
  });

  it('expires past its deadline, whatever its state, and stays expired', () => {
    const d = claimedBy(sec1);
    const expired = apply(d, decideTick(d, T0 + 600_000));
    expect(expired).toMatchObject({ state: 'expired', error: { code: 'EXPIRED' } });
    expect(decideTick(expired, T0 + 999_999)).toEqual({ ok: true, events: [] });
    expect(decideComplete(expired, sec1, 1, {})).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('only the requester or an operator cancels, and never twice', () => {
    const d = claimedBy(sec1);
    expect(decideCancel(d, sec1, 'no')).toMatchObject({ ok: false, code: 'FORBIDDEN' });
    const cancelled = apply(d, decideCancel(d, actor('ops', [], true), 'stop'));
    expect(cancelled.state).toBe('cancelled');
    expect(decideCancel(cancelled, alice, 'again')).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('a failure goes back to the requester with its code', () => {
    const d = claimedBy(sec1);
    expect(apply(d, decideFail(d, sec1, 1, { code: 'TOO_BIG', message: 'diff too large' }))).toMatchObject({ state: 'failed', error: { code: 'TOO_BIG' } });
  });

  it('is visible to the requester, the assignee and operators only', () => {
    const d = claimedBy(sec1);
    expect(canSee(d, alice)).toBe(true);
    expect(canSee(d, sec1)).toBe(true);
    expect(canSee(d, actor('ops', [], true))).toBe(true);
    expect(canSee(d, sec2)).toBe(false);
    expect(canSee(created({ agent: 'sec-2' }), sec2)).toBe(true);
  });
});
