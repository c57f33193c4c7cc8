import { AREAS } from './mount-path';
import { LiveStreams } from './live-streams';
import { resolveView, type ViewEntry } from './mount-view';
import { ShadowState } from './shadow-state';
import { EventBuilder, sha } from './testing/event-builder';

const text = (entry: ViewEntry | undefined): string => {
  if (entry?.type !== 'file' || entry.body.kind !== 'bytes') throw new Error('not a bytes file');
  return Buffer.from(entry.body.bytes).toString();
};

describe('the mount view', () => {
  const log = new EventBuilder();
  const state = new ShadowState();
  const streams = new LiveStreams(1024, 0);
  const view = (path: string) => {
    const outcome = resolveView(state, streams, path);
    return outcome.ok ? outcome.value : undefined;
  };
  const names = (path: string) => {
    const entry = view(path);
    return entry?.type === 'dir' ? entry.names().sort() : undefined;
  };

  beforeAll(() => {
    for (const event of [
      log.written('src/a.ts', 'one'),
      log.written('src/a.ts', 'two'),
      log.next('fs.annotation_added', { path: 'src/a.ts', kind: 'review', text: 'check the bounds', role: 'security_architect' }, { agent: 'expert-1' }),
      log.next('fs.annotation_added', { path: 'src', text: 'module owner: team b' }),
      log.next('session.created', { sessionId: 's'.repeat(22), sessionExpiresAt: '2026-11-28T00:00:00.000Z', tokenExpiresAt: '2026-11-28T00:00:00.000Z' }, { stream: 'agent:alice/example.com', agent: 'alice@example.com' }),
      log.next('expert.registered', { sessionId: 's'.repeat(22), role: 'reviewer', capabilities: [], capacity: 2, status: 'available' }, { stream: 'agent:alice/example.com', agent: 'alice@example.com' }),
      log.next('delegation.created', { id: 'd-1', requester: 'bob', request: { title: 'review a.ts', kind: 'task', target: { role: 'reviewer' } } }, { stream: 'delegation-d-1', agent: 'bob' }),
      log.next('delegation.created', { id: 'd-2', requester: 'bob', request: { title: 'done soon' } }, { stream: 'delegation-d-2', agent: 'bob' }),
      log.next('delegation.completed', { result: {} }, { stream: 'delegation-d-2', agent: 'alice@example.com' }),
      log.next('delegation.some_future_change', { whatever: [1, 2] }, { stream: 'delegation-d-1', agent: 'bob' }),
    ]) {
      state.apply(event);
      streams.append(event);
    }
  });

  it('shows the fixed layout at the root', () => {
    expect(names('/')).toEqual([...AREAS].sort());
    expect(resolveView(state, streams, '/nope')).toMatchObject({ ok: false, errno: 'ENOENT' });
  });

  it('shows the project under /current, writable', () => {
    expect(names('/current')).toEqual(['src']);
    expect(view('/current/src/a.ts')).toMatchObject({ type: 'file', size: 3, writable: true, body: { kind: 'chunks', content: { hash: sha('two') } } });
  });

  it('shows every version under /history/<path>/, named by sequence and time, read-only', () => {
    expect(names('/history/src/a.ts')).toEqual(['000000001_2026-11-27T12:00:01.000Z', '000000002_2026-11-27T12:00:02.000Z']);
    const first = view('/history/src/a.ts/000000001_2026-11-27T12:00:01.000Z');
    expect(first).toMatchObject({ type: 'file', writable: false, mode: 0o444, body: { content: { hash: sha('one') } } });
    expect(view('/history/src/a.ts/000000009_nope')).toBeUndefined();
  });

  it('shows annotations under /shadows as JSON lines', () => {
    expect(names('/shadows')).toEqual(['src']);
    expect(names('/shadows/src')).toEqual(['.annotations.jsonl', 'a.ts']);
    const [note] = text(view('/shadows/src/a.ts')).trim().split('\n').map((line) => JSON.parse(line));
    expect(note).toMatchObject({ agent: 'expert-1', kind: 'review', role: 'security_architect', text: 'check the bounds', sequence: 3 });
    expect(text(view('/shadows/src/.annotations.jsonl'))).toContain('module owner');
  });

  it('shows who is connected under /agents and open work under /delegations', () => {
    expect(names('/agents')).toEqual(['alice@example.com.json']);
    expect(JSON.parse(text(view('/agents/alice@example.com.json')))).toMatchObject({ connected: true, expert: { role: 'reviewer' } });
    expect(names('/delegations')).toEqual(['d-1.json']);
    expect(JSON.parse(text(view('/delegations/d-1.json')))).toMatchObject({ id: 'd-1', state: 'queued', title: 'review a.ts', lastEvent: 'delegation.some_future_change' });
  });

  it('shows live streams whose size grows with every event', () => {
    expect(names('/streams')).toEqual(['agents', 'all', 'delegations', 'fs']);
    const fs = view('/streams/fs');
    expect(fs).toMatchObject({ type: 'file', writable: false, body: { kind: 'stream', name: 'fs' } });
    const all = view('/streams/all') as Extract<ViewEntry, { type: 'file' }>;
    expect(all.size).toBeGreaterThan((fs as Extract<ViewEntry, { type: 'file' }>).size);
  });
});
