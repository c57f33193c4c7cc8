import { ReserveRequestSchema, type Actor, type ReservationEvent } from '@lighthouse/contracts';
import { ReservationBook, type Decision, type ReservationCommand } from './reservation-book';

const T0 = Date.UTC(2026, 11, 7, 12, 0, 0);
const actor = (agent: string): Actor => ({ agent, operator: false, roles: [], capacity: 1 });
let ids = 0;
const newId = () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`;
const limits = { maxPerAgent: 5 };

function given(...commands: ReservationCommand[]): ReservationBook {
  const book = new ReservationBook();
  for (const command of commands) apply(book, book.decide(command));
  return book;
}
function apply(book: ReservationBook, decision: Decision): ReservationEvent[] {
  if (!decision.ok) throw new Error(`${decision.code}: ${decision.message}`);
  for (const event of decision.events) book.apply(event, new Date(T0).toISOString());
  return decision.events;
}
const reserve = (agent: string, paths: string[], extra: Partial<{ mode: 'exclusive' | 'shared'; ttlSeconds: number; reason: string }> = {}, now = T0): ReservationCommand => ({
  type: 'reserve',
  actor: actor(agent),
  sessionId: `s-${agent}`,
  request: ReserveRequestSchema.parse({ paths, reason: 'refactoring auth', ...extra }),
  now,
  newId,
  limits,
});

describe('the reservation Decider', () => {
  it.each([['**'], ['*'], ['**/*.ts'], ['*/src/**'], ['{src,*}/**'], ['[a-z]*/**'], ['?rc/**']])(
    'given a pattern whose first segment is a wildcard (%j), when reserved, then VALIDATION_FAILED: one agent cannot lock the whole workspace',
    (pattern) => {
      // A hostile agent reserving `**` exclusively would deny every other agent's writes for up to
      // the maximum TTL. A reservation must name a top-level file or directory.
      for (const mode of ['exclusive', 'shared'] as const) {
        const then = given().decide(reserve('mallory', ['src/ok.ts', pattern], { mode }));
        expect(then).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
        expect(!then.ok && then.message).toContain('top-level');
      }
    },
  );

  it('given patterns naming a top-level file or directory, when reserved, then granted (wildcards below it are fine)', () => {
    const then = given().decide(reserve('ana', ['src/**', 'README.md', 'docs/*.md', 'src/{a,b}/**', '{lib,test}/**']));
    expect(then.ok).toBe(true);
  });

  it('given A holds src/auth/** exclusively, when B reserves a file under it, then RESERVATION_CONFLICT names A, the reason and the expiry', () => {
    const book = given(reserve('ana', ['src/auth/**'], { ttlSeconds: 600 }));
    const then = book.decide(reserve('bob', ['src/auth/token.ts']));
    expect(then).toEqual({ ok: false, code: 'RESERVATION_CONFLICT', message: expect.stringContaining('by ana until 2026-12-07T12:10:00.000Z (reason: refactoring auth)') });
  });

  it('given A holds src/auth/** shared, when B reserves it shared, then granted; when C reserves exclusively, then refused', () => {
    const book = given(reserve('ana', ['src/auth/**'], { mode: 'shared' }), reserve('bob', ['src/auth/token.ts'], { mode: 'shared' }));
    expect(book.size).toBe(2);
    expect(book.decide(reserve('cy', ['src/auth/x.ts'])).ok).toBe(false);
  });

  it('given A holds src/auth/**, when A reserves an overlapping path itself, then granted with a new, higher epoch', () => {
    const book = given(reserve('ana', ['src/auth/**']));
    const first = book.lastEpoch;
    apply(book, book.decide(reserve('ana', ['src/auth/token.ts'])));
    expect(book.lastEpoch).toBe(first + 1);
    expect(book.heldBy('ana').map((h) => h.epoch).sort()).toEqual([first, first + 1]);
  });

  it('given a reservation whose TTL passed, when another agent reserves, then granted (expired ones never block)', () => {
    const book = given(reserve('ana', ['src/**'], { ttlSeconds: 10 }));
    expect(book.decide(reserve('bob', ['src/a.ts'], {}, T0 + 11_000)).ok).toBe(true);
  });

  it('given A held epoch 1, lost it to expiry and reserved again, when A releases by epoch 1, then STALE_EPOCH; by the new epoch, released', () => {
    const book = given(reserve('ana', ['src/auth/**']));
    const old = book.lastEpoch;
    apply(book, book.decide({ type: 'expire', now: T0 + 1000, leaseMs: 500, lastSeen: () => T0, sessionEnded: () => false }));
    apply(book, book.decide(reserve('ana', ['src/auth/**'])));
    const stale = book.decide({ type: 'release', actor: actor('ana'), request: { epoch: old } });
    expect(stale).toEqual({ ok: false, code: 'STALE_EPOCH', message: expect.stringContaining(`epoch ${old} is not a live grant of ana; your live reservations carry epoch ${old + 1}`) });
    const released = apply(book, book.decide({ type: 'release', actor: actor('ana'), request: { epoch: old + 1 } }));
    expect(released.map((e) => e.type)).toEqual(['reservation.released']);
    expect(book.size).toBe(0);
  });

  it('given B, when it releases or renews A’s epoch, then STALE_EPOCH (an epoch is only its holder’s)', () => {
    const book = given(reserve('ana', ['src/auth/**']));
    expect(book.decide({ type: 'release', actor: actor('bob'), request: { epoch: book.lastEpoch } })).toMatchObject({ ok: false, code: 'STALE_EPOCH' });
    expect(book.decide({ type: 'renew', actor: actor('bob'), request: { epoch: book.lastEpoch }, now: T0 })).toMatchObject({ ok: false, code: 'STALE_EPOCH' });
  });

  it('given a grant of two patterns, when released by the id of one, then only that one ends; an id not of the grant is NOT_FOUND and releases nothing', () => {
    const book = given(reserve('ana', ['src/auth/**', 'docs/**']), reserve('bob', ['lib/**']));
    const [auth, docs] = book.heldBy('ana');
    const bobs = book.heldBy('bob')[0];
    const epoch = auth?.epoch as number;
    expect(book.decide({ type: 'release', actor: actor('ana'), request: { epoch, ids: [auth?.id as string, bobs?.id as string] } })).toMatchObject({
      ok: false,
      code: 'NOT_FOUND',
      message: expect.stringContaining(bobs?.id as string),
    });
    const released = apply(book, book.decide({ type: 'release', actor: actor('ana'), request: { epoch, ids: [auth?.id as string] } }));
    expect(released).toEqual([{ type: 'reservation.released', data: { id: auth?.id, epoch, by: 'ana' } }]);
    expect(book.heldBy('ana').map((h) => h.id)).toEqual([docs?.id]);
  });

  it('given live reservations, when housekeeping runs, then TTL, ended sessions and gone holders expire, each with its cause', () => {
    const book = given(reserve('ana', ['a/**'], { ttlSeconds: 10 }), reserve('bob', ['b/**']), reserve('cy', ['c/**']), reserve('dee', ['d/**']));
    const events = apply(book, book.decide({ type: 'expire', now: T0 + 20_000, leaseMs: 30_000, lastSeen: (a) => (a === 'cy' ? Number.NEGATIVE_INFINITY : T0), sessionEnded: (s) => s === 's-bob' }));
    expect(events.map((e) => [e.type, (e.data as { cause: string }).cause])).toEqual([
      ['reservation.expired', 'ttl'],
      ['reservation.expired', 'session-ended'],
      ['reservation.expired', 'holder-gone'],
    ]);
    expect([...book.all()].map((h) => h.holder)).toEqual(['dee']);
  });

  it('given a holder last seen before its grant, when the lease runs from the grant, then it lives a whole lease after granting', () => {
    const book = given(reserve('ana', ['a/**']));
    const expire = (now: number) => book.decide({ type: 'expire', now, leaseMs: 1000, lastSeen: () => T0 - 60_000, sessionEnded: () => false });
    expect(expire(T0 + 900)).toEqual({ ok: true, events: [] });
    expect(expire(T0 + 1000)).toMatchObject({ ok: true, events: [{ type: 'reservation.expired', data: { cause: 'holder-gone' } }] });
  });

  it('given an agent at its limit, when it reserves one more, then RESERVATION_LIMIT; re-reserving a held pattern replaces it', () => {
    const book = given(reserve('ana', ['a', 'b', 'c', 'd', 'e']));
    expect(book.decide(reserve('ana', ['f']))).toMatchObject({ ok: false, code: 'RESERVATION_LIMIT' });
    const events = apply(book, book.decide(reserve('ana', ['e'])));
    expect(events.map((e) => e.type)).toEqual(['reservation.released', 'reservation.reserved']);
    expect(book.size).toBe(5);
  });

  it('given a bad path, when reserved, then VALIDATION_FAILED and nothing is granted', () => {
    const book = given();
    expect(book.decide(reserve('ana', ['src/ok', '../etc']))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
    expect(book.decide(reserve('ana', ['/workspace/src']))).toMatchObject({ ok: false, code: 'VALIDATION_FAILED' });
  });

  it('given reservations of a holder, when the operator forces them, then every one ends with the operator and reason', () => {
    const book = given(reserve('ana', ['a', 'b']));
    const events = apply(book, book.decide({ type: 'force', request: { holder: 'ana', reason: 'stuck' } }));
    expect(events.map((e) => e.type)).toEqual(['reservation.forced', 'reservation.forced']);
    expect(book.size).toBe(0);
    expect(book.decide({ type: 'force', request: { holder: 'ana', reason: 'again' } })).toMatchObject({ ok: false, code: 'NOT_FOUND' });
  });

  it('given a grant, when renewed, then its reservations get the new expiry and keep the epoch', () => {
    const book = given(reserve('ana', ['a', 'b'], { ttlSeconds: 60 }));
    const epoch = book.lastEpoch;
    apply(book, book.decide({ type: 'renew', actor: actor('ana'), request: { epoch, ttlSeconds: 120 }, now: T0 + 30_000 }));
    expect(book.heldBy('ana').map((h) => [h.epoch, h.expiresAt])).toEqual([
      [epoch, '2026-12-07T12:02:30.000Z'],
      [epoch, '2026-12-07T12:02:30.000Z'],
    ]);
  });
});

describe('reservation book snapshots', () => {
  const roundTrip = (state: unknown) => JSON.parse(JSON.stringify(state)) as unknown;

  it('restore(snapshot) decides as the original did; folding the rest after it equals folding everything', () => {
    const events: ReservationEvent[] = [];
    const book = new ReservationBook();
    const step = (command: ReservationCommand) => events.push(...apply(book, book.decide(command)));
    step(reserve('ana', ['src/auth']));
    step(reserve('bo', ['docs'], { mode: 'shared' }));
    const cut = events.length;
    step(reserve('cy', ['tools']));
    step({ type: 'release', actor: actor('ana'), request: { epoch: (events[0] as Extract<ReservationEvent, { type: 'reservation.reserved' }>).data.epoch } });

    const resumed = new ReservationBook();
    const before = new ReservationBook();
    for (const event of events.slice(0, cut)) before.apply(event, new Date(T0).toISOString());
    resumed.restore(roundTrip(before.snapshot()));
    for (const event of events.slice(cut)) resumed.apply(event, new Date(T0).toISOString());
    expect(resumed.snapshot()).toEqual(book.snapshot());
    expect(resumed.lastEpoch).toBe(book.lastEpoch);
    // The index was rebuilt: both decide alike, on what overlaps and what does not.
    for (const paths of [['tools/x'], ['tools'], ['src/auth'], ['docs']]) {
      const command = { ...reserve('dan', paths), newId: () => '00000000-0000-4000-8000-0000000000aa' } as ReservationCommand;
      expect(resumed.decide(command)).toEqual(book.decide(command));
    }
    const exclusive = { ...reserve('dan', ['docs']), newId: () => '00000000-0000-4000-8000-0000000000aa' } as ReservationCommand;
    expect(resumed.decide(exclusive).ok).toBe(false);
  });

  it('refuses a state it did not write, and stays as it was', () => {
    const book = given(reserve('ana', ['src']));
    const before = book.snapshot();
    for (const junk of [null, { lastEpoch: 'x', reservations: [] }, { lastEpoch: 1, reservations: [{ id: 'nope' }] }]) expect(() => book.restore(junk)).toThrow();
    expect(book.snapshot()).toEqual(before);
  });
});
