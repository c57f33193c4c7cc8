import { LiveStreams } from './live-streams';
import { resolveView } from './mount-view';
import { ShadowState } from './shadow-state';
import { EventBuilder } from './testing/event-builder';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const session = 's'.repeat(22);
const AT = '2026-11-27T12:00:00.000Z';
const reserved = (n: number, holder: string, pattern: string, epoch: number, mode = 'exclusive') => ({
  id: id(n),
  holder,
  sessionId: session,
  pattern,
  mode,
  reason: `working on ${pattern}`,
  epoch,
  expiresAt: '2026-11-27T13:00:00.000Z',
  at: AT,
});

describe('/reservations in the shared view (folded from reservation events)', () => {
  const log = new EventBuilder();
  const on = (type: string, data: Record<string, unknown>, stream = 'reservations') => log.next(type, data, { stream, agent: 'router' });
  const viewOf = (state: ShadowState, path: string) => resolveView(state, new LiveStreams(1024, 0), path);
  const json = (state: ShadowState, path: string) => {
    const outcome = viewOf(state, path);
    if (!outcome.ok || outcome.value.type !== 'file' || outcome.value.body.kind !== 'bytes') throw new Error(`${path} is not a JSON file`);
    return JSON.parse(Buffer.from(outcome.value.body.bytes).toString()) as Record<string, unknown>;
  };
  const names = (state: ShadowState) => {
    const outcome = viewOf(state, '/reservations');
    return outcome.ok && outcome.value.type === 'dir' ? outcome.value.names().sort() : undefined;
  };

  it('given reserved, renewed, released, expired and forced events, then it lists exactly the live ones, each with its holder, pattern, mode, reason, epoch and expiry', () => {
    const state = new ShadowState();
    for (const event of [
      on('reservation.reserved', reserved(1, 'ana', 'src/auth/**', 1)),
      on('reservation.reserved', reserved(2, 'bo', 'src/ui/**', 2, 'shared')),
      on('reservation.reserved', reserved(3, 'cy', 'docs/**', 3)),
      on('reservation.reserved', reserved(4, 'dee', 'tools/**', 4)),
      on('reservation.renewed', { id: id(1), epoch: 1, expiresAt: '2026-11-27T14:00:00.000Z', at: AT }),
      on('reservation.released', { id: id(2), epoch: 2, by: 'bo', at: AT }),
      on('reservation.expired', { id: id(3), epoch: 3, cause: 'holder-gone', at: AT }),
      on('reservation.forced', { id: id(4), epoch: 4, by: 'operator', reason: 'stuck', at: AT }),
    ])
      state.apply(event);
    expect(names(state)).toEqual([`${id(1)}.json`]);
    expect(json(state, `/reservations/${id(1)}.json`)).toEqual({
      id: id(1),
      holder: 'ana',
      sessionId: session,
      pattern: 'src/auth/**',
      mode: 'exclusive',
      reason: 'working on src/auth/**',
      epoch: 1,
      createdAt: AT,
      expiresAt: '2026-11-27T14:00:00.000Z',
      lastEvent: 'reservation.renewed',
      lastSequence: 5,
    });
    expect(viewOf(state, `/reservations/${id(2)}.json`)).toMatchObject({ ok: false, errno: 'ENOENT' });
  });

  it('is read-only and ignores reservation-looking events off the reservations stream, and ones the book cannot fold', () => {
    const state = new ShadowState();
    state.apply(on('reservation.reserved', reserved(5, 'mallory', 'src/**', 9), 'notes'));
    state.apply(on('reservation.reserved', { ...reserved(6, 'mallory', '../etc/passwd', 10) }));
    state.apply(on('reservation.released', { id: id(7), epoch: 1, by: 'x', at: AT }));
    expect(names(state)).toEqual([]);
    state.apply(on('reservation.reserved', reserved(8, 'ana', 'src/a.ts', 11)));
    const file = viewOf(state, `/reservations/${id(8)}.json`);
    expect(file).toMatchObject({ ok: true, value: { type: 'file', writable: false, mode: 0o444 } });
    expect(viewOf(state, '/reservations')).toMatchObject({ ok: true, value: { type: 'dir', mode: 0o555 } });
    expect(viewOf(state, `/reservations/${id(8)}.json/x`)).toMatchObject({ ok: false, errno: 'ENOENT' });
  });
});
