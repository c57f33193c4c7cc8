import { CreateDelegationSchema, type Actor, type Delegation } from '@lighthouse/contracts';
import { AssignmentBoard } from './assignment-board';
import { decideCreate, decideRelease, decideTake, type Decision } from './delegation.decider';
import { evolve } from './delegation.evolve';

// given(delegations and waiting experts on the board) / when(one arrives or asks) / then(who gets what).
const T0 = Date.parse('2026-11-27T10:00:00.000Z');
const leases = { assignLeaseMs: 10_000, claimLeaseMs: 30_000 };
const actor = (agent: string, roles: string[] = [], capacity = 4): Actor => ({ agent, roles, operator: false, capacity });
const alice = actor('alice');
const sec = (n: number, capacity = 4) => actor(`sec-${n}`, ['security_architect'], capacity);
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const fold = (d: Delegation | undefined, decision: Decision, at = T0) => (decision.ok ? decision.events : []).reduce<Delegation | undefined>((s, e) => evolve(s, e, new Date(at).toISOString()), d) as Delegation;
const queued = (n: number, target: { role: string } | { agent: string } = { role: 'security_architect' }) =>
  fold(undefined, decideCreate(alice, CreateDelegationSchema.parse({ target, title: `task ${n}` }), id(n), `c-${n}`), T0 + n);
const takenBy = (d: Delegation, expert: Actor) => fold(d, decideTake(d, expert, T0, leases));

describe('the assignment board', () => {
  it('given three experts waiting, when one delegation arrives, then exactly one expert (the longest waiting) gets it', () => {
    const board = new AssignmentBoard<string>();
    for (const n of [1, 2, 3]) board.wait({ actor: sec(n), ticket: `poll-${n}` });
    const d = queued(1);
    board.track(d);
    expect(board.offer(d.id)).toEqual({ delegation: d, expert: { actor: sec(1), ticket: 'poll-1' } });
    expect(board.offer(d.id)).toBeUndefined();
    expect(board.sizes).toEqual({ queued: 0, waiting: 2, holders: 1 });
  });

  it('given two queued delegations, when an expert asks, then it gets the oldest; the next expert the other; a third nothing', () => {
    const board = new AssignmentBoard<string>();
    board.track(queued(2));
    board.track(queued(1));
    expect(board.take(sec(1))?.id).toBe(id(1));
    expect(board.take(sec(2))?.id).toBe(id(2));
    expect(board.take(sec(3))).toBeUndefined();
  });

  it('never hands work to its requester, to an expert of another role, or to one that lost it before', () => {
    const board = new AssignmentBoard<string>();
    const d = queued(1);
    const released = fold(takenBy(d, sec(1)), decideRelease(takenBy(d, sec(1)), 'sec-1', 'session ended'));
    board.track(released);
    board.wait({ actor: actor('alice', ['security_architect']), ticket: 'requester' });
    board.wait({ actor: actor('perf-1', ['performance_engineer']), ticket: 'perf' });
    board.wait({ actor: sec(1), ticket: 'lost-it' });
    expect(board.offer(d.id)).toBeUndefined();
    board.wait({ actor: sec(2), ticket: 'fresh' });
    expect(board.offer(d.id)?.expert.ticket).toBe('fresh');
  });

  it('gives an agent-addressed delegation to that agent only', () => {
    const board = new AssignmentBoard<string>();
    const d = queued(1, { agent: 'sec-2' });
    board.track(d);
    expect(board.take(sec(1))).toBeUndefined();
    expect(board.take(sec(2))?.id).toBe(d.id);
  });

  it('keeps an expert within its capacity, and makes room when its work finishes', () => {
    const board = new AssignmentBoard<string>();
    const [a, b] = [queued(1), queued(2)];
    board.track(a);
    board.track(b);
    const one = sec(1, 1);
    expect(board.take(one)?.id).toBe(a.id);
    expect(board.take(one)).toBeUndefined();
    board.settle(takenBy(a, one));
    expect(board.heldBy('sec-1')).toEqual([a.id]);
    board.track({ ...takenBy(a, one), state: 'completed' });
    expect(board.heldBy('sec-1')).toEqual([]);
    expect(board.take(one)?.id).toBe(b.id);
  });

  it('given a reservation that fell through, when settled with the delegation still queued, then it is back in line for the next expert', () => {
    const board = new AssignmentBoard<string>();
    const d = queued(1);
    board.track(d);
    expect(board.take(sec(1))?.id).toBe(d.id);
    board.track(d); // the same state seen again (e.g. from the store's followers) does not requeue a reserved delegation
    expect(board.take(sec(2))).toBeUndefined();
    board.settle(d);
    expect(board.heldBy('sec-1')).toEqual([]);
    board.wait({ actor: sec(2), ticket: 'next' });
    expect(board.offer(d.id)?.expert.ticket).toBe('next');
  });

  it('forgets finished delegations and experts that stopped waiting', () => {
    const board = new AssignmentBoard<string>();
    board.wait({ actor: sec(1), ticket: 'gone' });
    board.stopWaiting('gone');
    const d = queued(1);
    board.track(d);
    expect(board.offer(d.id)).toBeUndefined();
    board.track({ ...d, state: 'cancelled' });
    expect(board.sizes).toEqual({ queued: 0, waiting: 0, holders: 0 });
  });
});
