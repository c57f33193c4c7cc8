import { CreateDelegationSchema, type Actor, type DelegationEvent, type EventEnvelope } from '@lighthouse/contracts';
import { decide } from './delegation.commands';
import { DelegationProjection } from './delegation-projection';

// A log of delegation lifecycles, folded through the projection as the router's follower does.
const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const MINUTE = 60_000;
const alice: Actor = { agent: 'alice', roles: [], operator: false, capacity: 4 };
const leases = { assignLeaseMs: 10_000, claimLeaseMs: 30_000 };
const idOf = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

let sequence = 0;
const envelope = (id: string, version: number, event: DelegationEvent, ms: number): EventEnvelope =>
  ({ id: `event-${++sequence}`, sequence, type: event.type, stream: `delegation-${id}`, streamVersion: version, data: { ...event.data, at: new Date(ms).toISOString() } }) as unknown as EventEnvelope;

/** Delegation n: created at minute 10n, claimed, and (unless `open`) completed at minute 10n + 5. */
function lifecycle(n: number, open = false): EventEnvelope[] {
  const id = idOf(n);
  const request = CreateDelegationSchema.parse({ target: { role: 'security_architect' }, title: `review ${n}`, deadlineSeconds: 604_800 });
  const created = decide({ type: 'create', actor: alice, request, id, correlationId: id }, null);
  if (!created.ok) throw new Error(created.message);
  const at = T0 + n * 10 * MINUTE;
  const out = [envelope(id, 1, created.events[0] as DelegationEvent, at)];
  out.push(envelope(id, 2, { type: 'delegation.claimed', data: { assignee: 'sec-1', claimEpoch: 1, leaseExpiresAt: new Date(at + leases.claimLeaseMs).toISOString() } } as DelegationEvent, at + MINUTE));
  if (!open) out.push(envelope(id, 3, { type: 'delegation.completed', data: { result: { n } } } as DelegationEvent, at + 5 * MINUTE));
  return out;
}

/** 40 delegations, every fifth left open, their events interleaved in time order. */
function history(): EventEnvelope[] {
  sequence = 0;
  const events = Array.from({ length: 40 }, (_, n) => lifecycle(n, n % 5 === 0)).flat();
  return events.sort((a, b) => String(a.data['at']).localeCompare(String(b.data['at']))).map((e, i) => ({ ...e, sequence: i + 1 }));
}

const fold = (events: EventEnvelope[], projection: DelegationProjection) => {
  for (const e of events) projection.applyEnvelope(e);
  return projection;
};
const ids = (projection: DelegationProjection) => [...projection.all()].map((t) => t.delegation.id).sort();
const roundTrip = (state: unknown) => JSON.parse(JSON.stringify(state)) as unknown;

describe('the delegation projection', () => {
  it('given more finished delegations than the count kept, then the earliest finished leave, the open ones stay', () => {
    const projection = fold(history(), new DelegationProjection({ maxFinished: 10, finishedTtlMs: 0 }));
    expect(projection.retained).toEqual({ finished: 10, evicted: 22 });
    expect([...projection.open()]).toHaveLength(8);
    expect(projection.size).toBe(18);
    expect(projection.get(idOf(1))).toBeUndefined();
    expect(projection.get(idOf(39))?.delegation.state).toBe('completed');
    expect(projection.get(idOf(0))?.delegation.state).toBe('in_progress');
  });

  it('given a time window, then delegations finished longer than it before the newest event leave', () => {
    const projection = fold(history(), new DelegationProjection({ maxFinished: 1000, finishedTtlMs: 60 * MINUTE }));
    // The last finished at minute 395; those finished before minute 335 are gone (n·10 + 5 < 335: n ≤ 32).
    const kept = [...projection.all()].filter((t) => t.delegation.state === 'completed').map((t) => Number(t.delegation.title.split(' ')[1]));
    expect(kept.sort((a, b) => a - b)).toEqual([33, 34, 36, 37, 38, 39]);
  });

  it('ignores late events of an evicted delegation, and takes it back when it is read from its stream again', () => {
    const events = history();
    const projection = fold(events, new DelegationProjection({ maxFinished: 5, finishedTtlMs: 0 }));
    const gone = events.filter((e) => e.stream === `delegation-${idOf(1)}`);
    projection.applyEnvelope(gone[2] as EventEnvelope);
    expect(projection.get(idOf(1))).toBeUndefined();
    const refolded = fold(gone, new DelegationProjection()).get(idOf(1));
    projection.reset(idOf(1), refolded as NonNullable<typeof refolded>);
    expect(projection.get(idOf(1))?.delegation.state).toBe('completed');
    expect(projection.retained.finished).toBe(5);
  });

  it('restore(snapshot) answers as the original did', () => {
    const original = fold(history(), new DelegationProjection({ maxFinished: 12, finishedTtlMs: 0 }));
    const copy = new DelegationProjection({ maxFinished: 12, finishedTtlMs: 0 });
    copy.restore(roundTrip(original.snapshot()));
    expect(copy.snapshot()).toEqual(original.snapshot());
    expect(ids(copy)).toEqual(ids(original));
    expect([...copy.open()]).toEqual([...original.open()]);
    expect(copy.get(idOf(0))).toEqual(original.get(idOf(0)));
  });

  it('for every cut of the log, restoring the snapshot and folding the rest equals folding everything', () => {
    const events = history();
    const retention = { maxFinished: 7, finishedTtlMs: 90 * MINUTE };
    const whole = fold(events, new DelegationProjection(retention)).snapshot();
    for (let cut = 0; cut <= events.length; cut += 3) {
      const before = fold(events.slice(0, cut), new DelegationProjection(retention));
      const after = new DelegationProjection(retention);
      after.restore(roundTrip(before.snapshot()));
      expect(fold(events.slice(cut), after).snapshot()).toEqual(whole);
    }
  });

  it('refuses a state it did not write, and stays as it was', () => {
    const projection = fold(history(), new DelegationProjection());
    const before = projection.snapshot();
    for (const junk of [null, 'x', { delegations: 1, finished: [] }, { delegations: [['id', 0, 'e', {}]], finished: [] }, { delegations: [['a', 1, 'e', { id: 'b', state: 'queued', updatedAt: 'x' }]], finished: [] }]) {
      expect(() => projection.restore(junk)).toThrow();
    }
    expect(projection.snapshot()).toEqual(before);
  });
});
