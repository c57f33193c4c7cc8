import { SearchQuerySchema, SendMessageSchema, type Actor, type MessageEvent } from '@lighthouse/contracts';
import { Packr } from 'msgpackr';
import { MessageBook, type MessageRecord } from './message-book';
import { decideAcknowledge, decideRead, decideSend } from './message.decider';
import type MiniSearch from 'minisearch';
import { SearchIndex, type CompactIndex } from './search-index';

// Snapshots travel as msgpack (plain maps and arrays): the same round trip here.
const packr = new Packr({ useRecords: false, mapsAsObjects: true, moreTypes: false });
const roundTrip = (state: unknown) => packr.unpack(packr.pack(state)) as unknown;
const actor = (agent: string): Actor => ({ agent, operator: false, roles: [], capacity: 1 });
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const now = (n: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, n));
/** A book on a fixed clock (retention is by the book's clock), with a small inbox bound so trimming is part of the state. */
const newBook = () => new MessageBook({ maxBytes: 1e9, maxInboxMessages: 2, retentionMs: 3600_000 }, () => Date.UTC(2026, 11, 7, 12, 30));

/** A conversation: ana writes to bo and cy, bo replies, cy reads, bo acknowledges, then a second thread. */
function conversation(): Array<{ thread: string; event: MessageEvent; eventId: string }> {
  const book = newBook();
  const out: Array<{ thread: string; event: MessageEvent; eventId: string }> = [];
  const fold = (events: MessageEvent[]) => {
    for (const event of events) {
      const thread = event.data.thread;
      book.apply(thread, (book.thread(thread)?.version ?? 0) + 1, `e-${out.length}`, event);
      out.push({ thread, event, eventId: `e-${out.length}` });
    }
  };
  const send = (from: string, request: unknown, n: number) => {
    const parsed = SendMessageSchema.parse(request);
    fold(decideSend({ type: 'send', actor: actor(from), request: parsed, roleMembers: [], isAgent: () => true, id: id(n), now: now(n) }, parsed.thread ? book.thread(parsed.thread) : undefined));
  };
  send('ana', { to: { agents: ['bo', 'cy'] }, subject: 'keys', body: 'rotate them', ackRequired: true }, 1);
  send('bo', { thread: id(1), subject: 're: keys', body: 'on it' }, 2);
  fold(decideRead({ type: 'read', actor: actor('cy'), now: now(3) }, book.message(id(1)) as MessageRecord));
  fold(decideAcknowledge({ type: 'acknowledge', actor: actor('bo'), note: 'done', now: now(4) }, book.message(id(1)) as MessageRecord));
  send('cy', { to: { agents: ['ana'] }, subject: 'lunch', body: 'noon?', importance: 'urgent' }, 5);
  return out;
}

const fold = (events: Array<{ thread: string; event: MessageEvent; eventId: string }>, book = newBook()) => {
  events.forEach(({ thread, event, eventId }) => book.apply(thread, (book.thread(thread)?.version ?? 0) + 1, eventId, event));
  return book;
};
const views = (book: MessageBook) =>
  ['ana', 'bo', 'cy'].map((agent) => [book.inbox(agent, { unread: false, minImportance: 'low', limit: 50 }, 100_000), book.threadPage(agent, { thread: id(1), limit: 50 }, 100_000)].map((page) => page));

describe('message book snapshots', () => {
  it('restore(snapshot) answers every inbox and thread as the original; restoring at any cut and folding the rest equals folding all', () => {
    const events = conversation();
    const whole = fold(events);
    const copy = newBook();
    copy.restore(roundTrip(whole.snapshot()));
    expect(views(copy)).toEqual(views(whole));
    for (let cut = 0; cut <= events.length; cut++) {
      const resumed = newBook();
      resumed.restore(roundTrip(fold(events.slice(0, cut)).snapshot()));
      expect(fold(events.slice(cut), resumed).snapshot()).toEqual(whole.snapshot());
    }
  });

  it('refuses a state it did not write, and stays as it was', () => {
    const book = fold(conversation());
    const before = book.snapshot();
    for (const junk of [null, [], { threads: [], messages: [[{ id: 1 }, []]] }, { threads: [['t', 'ana', [], 1, 'e']], messages: [] }]) expect(() => book.restore(junk)).toThrow();
    expect(book.snapshot()).toEqual(before);
  });
});

describe('search index snapshots', () => {
  const q = (text: string) => SearchQuerySchema.parse({ q: text });
  const all = () => true;

  it('restore(snapshot) finds what the original finds, keeps its eviction order, and refuses junk', () => {
    const index = new SearchIndex(3);
    for (const [ref, title] of [['a', 'rotate signing key'], ['b', 'lunch pizza'], ['c', 'signing policy'], ['d', 'key ceremony']]) {
      index.put({ kind: 'message', ref: ref as string, title: title as string, text: `${title} body`, agent: 'ana', stream: 't', at: '2026-12-07T12:00:00.000Z', audience: ['ana'] });
    }
    const copy = new SearchIndex(3);
    copy.restore(roundTrip(index.snapshot()));
    for (const text of ['signing', 'key', 'pizza', 'lunch']) expect(copy.search(q(text), all)).toEqual(index.search(q(text), all));
    const next = { kind: 'message' as const, ref: 'e', title: 'final', text: 'x', agent: 'ana', stream: 't', at: '2026-12-07T12:00:01.000Z' };
    index.put(next);
    copy.put(next);
    expect(copy.search(q('signing'), all)).toEqual(index.search(q('signing'), all));
    expect(copy.size).toBe(3);
    const snapshot = index.snapshot() as CompactIndex;
    expect(() => copy.restore({ ...snapshot, ids: [...snapshot.ids, 'x'] })).toThrow('disagree');
    expect(() => copy.restore({ ...snapshot, order: Buffer.concat([snapshot.order, snapshot.order.subarray(0, 8)]) })).toThrow('disagree');
    expect(() => copy.restore({ ...snapshot, postings: snapshot.postings.subarray(0, snapshot.postings.length - 4) })).toThrow('cut short');
    expect(() => copy.restore({ ...snapshot, postings: Buffer.concat([snapshot.postings, Buffer.alloc(4)]) })).toThrow('run past');
    expect(() => copy.restore({ ...snapshot, shortIds: 'x' })).toThrow('not u32');
    expect(() => copy.restore({ ...snapshot, fieldIds: { title: 0 } })).toThrow('not a search index');
    expect(() => copy.restore(null)).toThrow();
    expect(copy.search(q('final'), all).hits).toHaveLength(1);
  });

  /** An index with history: documents replaced and removed (MiniSearch keeps their postings as dirt until it vacuums), one with no text, some with data. */
  const busy = () => {
    const index = new SearchIndex(500);
    for (let n = 0; n < 300; n++) {
      const kind = n % 3 === 0 ? 'event' : n % 3 === 1 ? 'message' : 'delegation';
      index.put({ kind, ref: `r${n}`, title: `step ${n} of the migration`, text: n % 50 === 0 ? '' : `finished step ${n}: the build of change ${n % 17} is green, rotate key ${n % 5}`, agent: `agent-${n % 7}`, stream: `s${n % 4}`, at: `2026-12-07T12:00:${String(n % 60).padStart(2, '0')}.000Z`, ...(kind === 'message' ? { audience: [`agent-${n % 7}`, 'ana'] } : {}), ...(kind === 'event' ? { data: { audience: ['bo'] } } : {}) });
    }
    for (let n = 0; n < 300; n += 4) index.put({ kind: 'delegation', ref: `r${n}`, title: `review ${n}`, text: `completed: approve ${n}`, agent: 'ana', stream: 'd', at: '2026-12-07T13:00:00.000Z' });
    for (let n = 1; n < 300; n += 9) index.remove('message', `r${n}`);
    return index;
  };
  // Hits of equal score may come in another order once restored (MiniSearch's tree is rebuilt term by term, with either layout).
  const found = (index: SearchIndex, text: string) => {
    const result = index.search(SearchQuerySchema.parse({ q: text, limit: 50 }), all);
    return { ...result, hits: [...result.hits].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)) };
  };
  const queries = ['migration', 'step 12', 'green', 'rotat', 'approve', 'complted', 'key 3', 'review'];

  it('the compact layout, through msgpack, answers every query as the original, and both go on alike', () => {
    const index = busy();
    const copy = new SearchIndex(500);
    copy.restore(roundTrip(index.snapshot()));
    expect([copy.size, copy.bytes]).toEqual([index.size, index.bytes]);
    for (const text of queries) expect(found(copy, text)).toEqual(found(index, text));
    for (let n = 0; n < 400; n++) {
      const doc = { kind: 'event' as const, ref: `late${n}`, title: `late ${n}`, text: `after the snapshot ${n % 13}`, agent: 'cy', stream: 's', at: '2026-12-07T14:00:00.000Z' };
      index.put(doc);
      copy.put(doc);
    }
    index.remove('delegation', 'r8');
    copy.remove('delegation', 'r8');
    expect([copy.size, copy.bytes]).toEqual([index.size, index.bytes]);
    for (const text of [...queries, 'snapshot 4', 'late']) expect(found(copy, text)).toEqual(found(index, text));
  });

  it('still restores a snapshot of MiniSearch\'s own serialised form (written before the compact layout)', () => {
    const index = busy();
    const inner = index as unknown as { index: MiniSearch; order: Map<string, number> };
    const copy = new SearchIndex(500);
    copy.restore(roundTrip({ index: inner.index.toJSON(), order: [...inner.order] }));
    expect([copy.size, copy.bytes]).toEqual([index.size, index.bytes]);
    for (const text of queries) expect(found(copy, text)).toEqual(found(index, text));
    expect(() => copy.restore({ index: inner.index.toJSON(), order: [['x', 1]] })).toThrow('disagree');
    expect(() => copy.restore({ index: inner.index.toJSON(), order: ['x'] })).toThrow('not a search index');
  });
});
