import { FollowerSnapshots, type AtRest, type Snapshottable } from './follower-snapshots';
import { CompositeSnapshot } from './composite-snapshot';
import { encodeSnapshot } from './snapshot-codec';
import { SnapshotSchedule } from './snapshot-schedule';
import { MemorySnapshotStore } from './snapshot-store';
import { SnapshotKeyring, sealSnapshot } from './snapshot-seal';

/** A follower's projection in miniature: totals by key, folded from (sequence, key, amount) events. */
class Totals implements Snapshottable {
  readonly stateVersion = 1;
  totals = new Map<string, number>();
  fold(event: { key: string; amount: number }): void {
    this.totals.set(event.key, (this.totals.get(event.key) ?? 0) + event.amount);
  }
  snapshot(): unknown {
    return [...this.totals];
  }
  restore(state: unknown): void {
    if (!Array.isArray(state) || !state.every((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number')) throw new Error('not totals');
    this.totals = new Map(state as [string, number][]);
  }
}

const log = Array.from({ length: 50 }, (_, i) => ({ sequence: i + 1, key: `k${i % 7}`, amount: i }));
const replay = (totals: Totals, from: number) => log.filter((e) => e.sequence >= from).forEach((e) => totals.fold(e));
const restAt =
  (position: number): AtRest =>
  (capture) =>
    Promise.resolve(capture(position, position > 1 ? { sequence: position - 1, id: `event-${position - 1}` } : null));
const keys = new SnapshotKeyring([{ id: 1, secret: Buffer.alloc(32, 7) }]);
const options = { kind: 'totals', schedule: { everyEvents: 10, everyMs: 0 }, keys };
/** A genuine (signed) snapshot of `input`, as a writer holding the keys would store it. */
const signedSnapshot = (input: Parameters<typeof encodeSnapshot>[0]) => sealSnapshot(keys, input.kind, input.sequence, encodeSnapshot(input));

describe('follower snapshots', () => {
  it('given a snapshot at 30, a new follower resumes from 31 and ends where replaying everything ends', async () => {
    const store = new MemorySnapshotStore();
    const first = new Totals();
    const snapshots = new FollowerSnapshots(store, first, options);
    log.slice(0, 30).forEach((e) => first.fold(e));
    expect(await snapshots.save(restAt(31))).toBe(30);

    const second = new Totals();
    const resumed = await new FollowerSnapshots(store, second, options).resume(50);
    expect(resumed).toEqual({ fromSequence: 31, snapshotSequence: 30, anchor: { sequence: 30, id: 'event-30' } });
    expect(second.totals).toEqual(first.totals);
    replay(second, resumed.fromSequence);
    const all = new Totals();
    replay(all, 1);
    expect(second.totals).toEqual(all.totals);
  });

  it('replays from 1 when there is no snapshot, or it is ahead of the log, of another version, or corrupt', async () => {
    const store = new MemorySnapshotStore();
    const fresh = () => new FollowerSnapshots(store, new Totals(), options);
    expect(await fresh().resume(50)).toEqual({ fromSequence: 1, snapshotSequence: null, reason: 'no snapshot saved' });
    store.put('totals', signedSnapshot({ kind: 'totals', stateVersion: 1, sequence: 60, state: [] }));
    expect((await fresh().resume(50)).reason).toMatch(/ahead of the log/);
    store.put('totals', signedSnapshot({ kind: 'totals', stateVersion: 9, sequence: 10, state: [] }));
    expect((await fresh().resume(50)).reason).toMatch(/state version 9/);
    store.put('totals', Buffer.from('garbage'));
    expect((await fresh().resume(50)).fromSequence).toBe(1);
  });

  it('replays from 1 when the log does not hold the snapshot\'s last event where it says (a snapshot of another log)', async () => {
    const store = new MemorySnapshotStore();
    const first = new Totals();
    log.slice(0, 30).forEach((e) => first.fold(e));
    await new FollowerSnapshots(store, first, options).save(restAt(31));
    const other = new Totals();
    const asked: unknown[] = [];
    const resumed = await new FollowerSnapshots(store, other, options).resume(50, (anchor) => (asked.push(anchor), Promise.resolve(false)));
    expect(asked).toEqual([{ sequence: 30, id: 'event-30' }]);
    expect(resumed).toEqual({ fromSequence: 1, snapshotSequence: null, reason: 'the log does not hold event event-30 at sequence 30: the snapshot is of another log' });
    expect(other.totals.size).toBe(0);
    const failing = await new FollowerSnapshots(store, other, options).resume(50, () => Promise.reject(new Error('timeout')));
    expect(failing.reason).toBe('could not check the snapshot against the log: timeout');
  });

  it('leaves the projection untouched and replays from 1 when the state is not one it reads', async () => {
    const store = new MemorySnapshotStore();
    store.put('totals', signedSnapshot({ kind: 'totals', stateVersion: 1, sequence: 10, state: { not: 'totals' } }));
    const totals = new Totals();
    totals.fold({ key: 'x', amount: 1 });
    expect(await new FollowerSnapshots(store, totals, options).resume(50)).toEqual({ fromSequence: 1, snapshotSequence: null, reason: 'snapshot state rejected: not totals' });
    expect([...totals.totals]).toEqual([['x', 1]]);
  });

  it('replays from 1 when the store cannot be read', async () => {
    const broken = { load: () => Promise.reject(new Error('no responders')), save: () => Promise.resolve() };
    expect(await new FollowerSnapshots(broken, new Totals(), options).resume(5)).toEqual({ fromSequence: 1, snapshotSequence: null, reason: 'snapshot store unreadable: no responders' });
  });

  it('is due after the configured count of events, and saves nothing when nothing new was covered', async () => {
    const store = new MemorySnapshotStore();
    const snapshots = new FollowerSnapshots(store, new Totals(), options);
    snapshots.applied(9);
    expect(snapshots.due()).toBe(false);
    snapshots.applied();
    expect(snapshots.due()).toBe(true);
    expect(await snapshots.save(restAt(11))).toBe(10);
    expect(snapshots.due()).toBe(false);
    snapshots.applied(10);
    expect(await snapshots.save(restAt(11))).toBeNull();
    expect(snapshots.due()).toBe(false);
  });

  it('is due when the follower moved the count of sequences past the last snapshot, even with nothing of its own applied', async () => {
    const snapshots = new FollowerSnapshots(new MemorySnapshotStore(), new Totals(), options);
    expect(snapshots.due(10)).toBe(false);
    expect(snapshots.due(11)).toBe(true);
    expect(await snapshots.save(restAt(11))).toBe(10);
    expect(snapshots.due(20)).toBe(false);
    expect(snapshots.due(21)).toBe(true);
  });

  it('joins a save already under way instead of writing twice', async () => {
    let writes = 0;
    const store = { load: () => Promise.resolve(null), save: () => new Promise<void>((resolve) => setTimeout(() => (writes++, resolve()), 10)) };
    const snapshots = new FollowerSnapshots(store, new Totals(), options);
    const [a, b] = await Promise.all([snapshots.save(restAt(5)), snapshots.save(restAt(6))]);
    expect([a, b, writes]).toEqual([4, 4, 1]);
  });
});

describe('snapshot schedule', () => {
  it('is due by time only once an event was applied, and by count', () => {
    const schedule = new SnapshotSchedule({ everyEvents: 0, everyMs: 1000 }, 0);
    expect(schedule.due(5000)).toBe(false);
    schedule.applied();
    expect(schedule.due(999)).toBe(false);
    expect(schedule.due(1000)).toBe(true);
    schedule.taken(1000);
    expect(schedule.due(3000)).toBe(false);
    expect(() => new SnapshotSchedule({ everyEvents: -1, everyMs: 0 }, 0)).toThrow(RangeError);
  });
});

describe('composite snapshot', () => {
  it('restores every part, or none: a part that refuses puts the ones before it back', () => {
    const a = new Totals();
    const b = new Totals();
    a.fold({ key: 'a', amount: 1 });
    b.fold({ key: 'b', amount: 2 });
    const both = new CompositeSnapshot(1, { a, b });
    const saved = both.snapshot();
    expect(saved).toEqual({ a: [['a', 1]], b: [['b', 2]] });
    const fresh = { a: new Totals(), b: new Totals() };
    new CompositeSnapshot(1, fresh).restore(saved);
    expect([fresh.a.totals, fresh.b.totals]).toEqual([a.totals, b.totals]);
    expect(() => both.restore({ a: [['x', 9]], b: 'junk' })).toThrow('not totals');
    expect([...a.totals]).toEqual([['a', 1]]);
    expect(() => both.restore({ a: [] })).toThrow('the snapshot lacks b');
  });
});

describe('follower snapshots: a planted snapshot', () => {
  const forged = { kind: 'totals', stateVersion: 1, sequence: 50, anchor: { sequence: 50, id: 'event-50' }, state: [['k0', 1_000_000]] };

  it('an unsigned snapshot (what a bucket writer without the keys can plant) is refused and the log replayed from 1', async () => {
    const store = new MemorySnapshotStore();
    store.put('totals', encodeSnapshot(forged));
    const totals = new Totals();
    const resumed = await new FollowerSnapshots(store, totals, options).resume(50);
    expect(resumed).toMatchObject({ fromSequence: 1, snapshotSequence: null, refused: 'unsigned' });
    expect(totals.totals.size).toBe(0);
  });

  it('a snapshot signed with a key not in the keyring is refused', async () => {
    const store = new MemorySnapshotStore();
    const other = new SnapshotKeyring([{ id: 1, secret: Buffer.alloc(32, 8) }]);
    store.put('totals', sealSnapshot(other, 'totals', 50, encodeSnapshot(forged)));
    expect(await new FollowerSnapshots(store, new Totals(), options).resume(50)).toMatchObject({ fromSequence: 1, snapshotSequence: null, refused: 'bad_mac' });
    const unknown = new SnapshotKeyring([{ id: 9, secret: Buffer.alloc(32, 7) }]);
    store.put('totals', sealSnapshot(unknown, 'totals', 50, encodeSnapshot(forged)));
    expect(await new FollowerSnapshots(store, new Totals(), options).resume(50)).toMatchObject({ fromSequence: 1, snapshotSequence: null, refused: 'unknown_key' });
  });

  it('a genuine snapshot of another follower kind, moved under this key, is refused', async () => {
    const store = new MemorySnapshotStore();
    const theirs = sealSnapshot(keys, 'others', 50, encodeSnapshot({ ...forged, kind: 'others' }));
    store.put('totals', theirs);
    expect(await new FollowerSnapshots(store, new Totals(), options).resume(50)).toMatchObject({ fromSequence: 1, snapshotSequence: null, refused: 'bad_mac' });
  });
});
