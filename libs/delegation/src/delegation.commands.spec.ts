import { CreateDelegationSchema, DELEGATION_EVENT_DATA, type Actor, type DelegationEvent } from '@lighthouse/contracts';
import { delegationDecider, type DelegationCommand, type DelegationState } from './delegation.commands';

// given(events) / when(command) / then(events or error code), through the Decider alone.
const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const leases = { assignLeaseMs: 10_000, claimLeaseMs: 30_000 };
const actor = (agent: string, roles: string[] = [], operator = false): Actor => ({ agent, roles, operator, capacity: 4 });
const alice = actor('alice');
const sec1 = actor('sec-1', ['security_architect']);
const sec2 = actor('sec-2', ['security_architect']);
const ID = '6f1c2b1e-7d43-4a3f-9b8e-2f0a3c4d5e6f';
const at = (ms = T0) => new Date(ms).toISOString();

const create: DelegationCommand = {
  type: 'create',
  actor: alice,
  request: CreateDelegationSchema.parse({ target: { role: 'security_architect' }, title: 'review auth middleware', deadlineSeconds: 600 }),
  id: ID,
  correlationId: 'corr-1',
};

/** The state after `events`, folded by the Decider from its initial state. */
const given = (...events: DelegationEvent[]): DelegationState =>
  events.reduce<DelegationState>((state, event) => delegationDecider.evolve(state, { event, at: at() }), delegationDecider.initialState);

/** The events `command` decides on `state`, or the code of its refusal (a value, not an exception). */
const when = (state: DelegationState, command: DelegationCommand): { events: DelegationEvent[] } | { error: string } => {
  const decision = delegationDecider.decide(command, state);
  return decision.ok ? { events: decision.events } : { error: decision.code };
};
const created = (): DelegationEvent => (when(null, create) as { events: DelegationEvent[] }).events[0] as DelegationEvent;
const assigned = (to = 'sec-1'): DelegationEvent => ({ type: 'delegation.assigned', data: { assignee: to, leaseExpiresAt: at(T0 + 10_000) } });
const claimed = (by = 'sec-1', epoch = 1): DelegationEvent => ({ type: 'delegation.claimed', data: { assignee: by, claimEpoch: epoch, leaseExpiresAt: at(T0 + 30_000) } });

describe('the delegation Decider', () => {
  it('given nothing, when created, then delegation.created with the requester, whose data matches its contract', () => {
    const then = when(delegationDecider.initialState, create);
    expect(then).toEqual({ events: [expect.objectContaining({ type: 'delegation.created', data: expect.objectContaining({ id: ID, requester: 'alice', correlationId: 'corr-1' }) })] });
    const [event] = (then as { events: DelegationEvent[] }).events;
    expect(DELEGATION_EVENT_DATA['delegation.created'].safeParse(event?.data).success).toBe(true);
  });

  it('given a delegation, when created again, then CONFLICT', () => {
    expect(when(given(created()), create)).toEqual({ error: 'CONFLICT' });
  });

  it('given nothing, when anything but create, then NOT_FOUND', () => {
    expect(when(null, { type: 'claim', actor: sec1, now: T0, leases })).toEqual({ error: 'NOT_FOUND' });
    expect(when(null, { type: 'tick', now: T0 })).toEqual({ error: 'NOT_FOUND' });
  });

  it('given it queued, when an expert of its role asks, then delegation.assigned with a lease', () => {
    expect(when(given(created()), { type: 'assign', actor: sec1, now: T0, leases })).toEqual({ events: [assigned()] });
  });

  it('given it assigned to sec-1, when sec-2 claims, then FORBIDDEN; when sec-1 claims, then claimed at epoch 1', () => {
    const state = given(created(), assigned());
    expect(when(state, { type: 'claim', actor: sec2, now: T0, leases })).toEqual({ error: 'FORBIDDEN' });
    expect(when(state, { type: 'claim', actor: sec1, now: T0, leases })).toEqual({ events: [claimed()] });
  });

  it('given it queued, when an expert of its role takes it, then claimed at epoch 1 in one event; claiming it again changes nothing', () => {
    const then = when(given(created()), { type: 'take', actor: sec1, now: T0, leases }) as { events: DelegationEvent[] };
    expect(then.events).toEqual([claimed()]);
    const state = given(created(), ...then.events);
    expect(state).toMatchObject({ state: 'in_progress', assignee: 'sec-1', claimEpoch: 1 });
    expect(when(state, { type: 'claim', actor: sec1, now: T0, leases })).toEqual({ events: [] });
    expect(when(state, { type: 'claim', actor: sec2, now: T0, leases })).toEqual({ error: 'FORBIDDEN' });
    expect(when(state, { type: 'take', actor: sec2, now: T0, leases })).toEqual({ error: 'CONFLICT' });
  });

  it('given it claimed at epoch 1, when completed with epoch 2, then CONFLICT; with epoch 1, then completed', () => {
    const state = given(created(), assigned(), claimed());
    expect(when(state, { type: 'complete', actor: sec1, epoch: 2, result: {} })).toEqual({ error: 'CONFLICT' });
    expect(when(state, { type: 'complete', actor: sec1, epoch: 1, result: { ok: true } })).toEqual({ events: [{ type: 'delegation.completed', data: { result: { ok: true } } }] });
  });

  it('given it claimed, when its lease lapses (tick), then released; when the holder is gone, then released', () => {
    const state = given(created(), assigned(), claimed());
    expect(when(state, { type: 'tick', now: T0 + 29_999 })).toEqual({ events: [] });
    expect(when(state, { type: 'tick', now: T0 + 30_000 })).toEqual({ events: [{ type: 'delegation.released', data: { from: 'sec-1', reason: 'lease expired while in_progress' } }] });
    expect(when(state, { type: 'release', agent: 'sec-1', reason: 'session ended' })).toEqual({ events: [{ type: 'delegation.released', data: { from: 'sec-1', reason: 'session ended' } }] });
  });

  it('given it claimed, when a heartbeat comes early, then nothing; past half the lease, then lease_extended', () => {
    const state = given(created(), assigned(), claimed());
    expect(when(state, { type: 'extend', agent: 'sec-1', now: T0 + 1_000, leases })).toEqual({ events: [] });
    expect(when(state, { type: 'extend', agent: 'sec-1', now: T0 + 20_000, leases })).toEqual({ events: [{ type: 'delegation.lease_extended', data: { leaseExpiresAt: at(T0 + 50_000) } }] });
  });

  it('given it queued, when a stranger cancels, then FORBIDDEN; the requester, then cancelled; again, then CONFLICT', () => {
    const state = given(created());
    expect(when(state, { type: 'cancel', actor: sec1, reason: 'no' })).toEqual({ error: 'FORBIDDEN' });
    const cancel: DelegationCommand = { type: 'cancel', actor: alice, reason: 'not needed' };
    const then = when(state, cancel) as { events: DelegationEvent[] };
    expect(then.events).toEqual([{ type: 'delegation.cancelled', data: { by: 'alice', reason: 'not needed' } }]);
    expect(when(given(created(), ...then.events), cancel)).toEqual({ error: 'CONFLICT' });
  });

  it('given it past its deadline, when ticked, then expired, and the fold says so', () => {
    const state = given(created());
    const then = when(state, { type: 'tick', now: T0 + 600_000 }) as { events: DelegationEvent[] };
    expect(then.events).toEqual([{ type: 'delegation.expired', data: {} }]);
    expect(given(created(), ...then.events)).toMatchObject({ state: 'expired', error: { code: 'EXPIRED' } });
  });
});
