import type { MessageEvent } from '@lighthouse/contracts';
import { MessageBook, type RetentionLimits } from './message-book';
import { SearchIndex } from './search-index';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const T0 = Date.UTC(2026, 11, 7, 12);
const HOUR = 3600_000;

/** A message.sent of its own thread, `n` seconds after T0. */
const sent = (n: number, from: string, to: string[], body = 'b', ackRequired = false): MessageEvent => ({
  type: 'message.sent',
  data: { id: id(n), thread: id(n), from, to: { agents: to, roles: [] }, recipients: to, subject: `s${n}`, body, importance: 'normal', ackRequired, audience: [from, ...to], at: new Date(T0 + n * 1000).toISOString() },
});
const read = (n: number, by: string, from: string, seconds = n): MessageEvent => ({
  type: 'message.read',
  data: { id: id(n), thread: id(n), by, audience: [by, from], at: new Date(T0 + seconds * 1000).toISOString() },
});

/** A book with these limits and a clock the test moves; `fold` applies each event at its thread's next version. */
function bookOf(limits: Partial<RetentionLimits>) {
  let now = T0;
  const book = new MessageBook({ maxBytes: 1e9, maxInboxMessages: 1e6, retentionMs: 24 * HOUR, ...limits }, () => now);
  const evicted: string[] = [];
  book.onEvicted((messageId) => evicted.push(messageId));
  const fold = (...events: MessageEvent[]) => {
    for (const event of events) book.apply(event.data.thread, (book.thread(event.data.thread)?.version ?? 0) + 1, `e-${Math.random()}`, event);
  };
  return { book, evicted, fold, at: (ms: number) => (now = ms) };
}
const inboxIds = (book: MessageBook, agent: string) => book.inbox(agent, { unread: false, minImportance: 'low', limit: 100 }, 1e9).messages.map((m) => m.id);

describe('message retention (what the router holds in memory)', () => {
  it('given a flood of 10 000 messages of 32 KiB to bo, then the book stays under its byte budget and holds the newest; the rest left, and said so', () => {
    const { book, evicted, fold } = bookOf({ maxBytes: 8 * 1024 * 1024 });
    const body = 'x'.repeat(32 * 1024);
    for (let n = 1; n <= 10_000; n++) fold(sent(n, 'mallory', ['bo'], body));
    expect(book.bytes).toBeLessThanOrEqual(8 * 1024 * 1024);
    expect(book.size).toBeGreaterThan(200);
    expect(book.size).toBeLessThan(260);
    expect(book.message(id(10_000))).toBeDefined();
    expect(book.message(id(1))).toBeUndefined();
    expect(evicted.length + book.size).toBe(10_000);
    // Their threads went too (one per message here), not only the bodies.
    expect(book.threadCount).toBeLessThan(10_000);
  });

  it('given messages bo has read and one he has not, when over budget, then the read ones go first, the unread oldest stays', () => {
    const { book, fold } = bookOf({ maxBytes: 10_000 });
    fold(sent(1, 'ana', ['bo'], 'u'.repeat(2000)), sent(2, 'ana', ['bo'], 'r'.repeat(2000)), sent(3, 'ana', ['bo'], 'r'.repeat(2000)), read(2, 'bo', 'ana'), read(3, 'bo', 'ana'));
    fold(sent(4, 'ana', ['bo'], 'n'.repeat(2000)));
    expect(book.message(id(1))).toBeDefined();
    expect(book.message(id(2))).toBeUndefined();
    expect(book.message(id(4))).toBeDefined();
  });

  it('given an ack is required, then a message read but not acknowledged is not among the first to go', () => {
    const { book, fold } = bookOf({ maxBytes: 11_000 });
    fold(sent(1, 'ana', ['bo'], 'a'.repeat(2000), true), read(1, 'bo', 'ana'), sent(2, 'ana', ['bo'], 'b'.repeat(2000)), read(2, 'bo', 'ana'));
    fold(sent(3, 'ana', ['bo'], 'c'.repeat(2000)), sent(4, 'ana', ['bo'], 'd'.repeat(2000)));
    expect([1, 2, 3, 4].map((n) => book.message(id(n)) !== undefined)).toEqual([true, false, true, true]);
  });

  it('given an inbox limit of 3, then bo lists at most 3: his read ones leave his inbox first, then the oldest', () => {
    const { book, fold } = bookOf({ maxInboxMessages: 3 });
    fold(sent(1, 'ana', ['bo']), sent(2, 'ana', ['bo']), sent(3, 'ana', ['bo']), read(2, 'bo', 'ana'), sent(4, 'ana', ['bo']));
    expect(inboxIds(book, 'bo')).toEqual([id(4), id(3), id(1)]);
    fold(sent(5, 'ana', ['bo']));
    expect(inboxIds(book, 'bo')).toEqual([id(5), id(4), id(3)]);
  });

  it('given the retention window passes, then old messages and their threads leave memory (a sweep or the next fold), and an old one folded again is not taken in', () => {
    const { book, evicted, fold, at } = bookOf({ retentionMs: HOUR });
    fold(sent(1, 'ana', ['bo']), sent(2, 'ana', ['bo']));
    at(T0 + HOUR + 1500);
    book.sweep();
    expect([book.message(id(1)), book.message(id(2))?.sent.id]).toEqual([undefined, id(2)]);
    expect(evicted).toEqual([id(1)]);
    at(T0 + 3 * HOUR);
    fold(sent(7_200, 'ana', ['bo']));
    expect([book.size, inboxIds(book, 'bo')]).toEqual([1, [id(7_200)]]);
    // A thread read again from the store: its old message is history only (participants, version).
    const { book: fresh, fold: refold, at: freshAt } = bookOf({ retentionMs: HOUR });
    freshAt(T0 + 2 * HOUR);
    refold(sent(1, 'ana', ['bo']));
    expect([fresh.size, fresh.thread(id(1))?.version, [...(fresh.thread(id(1))?.participants ?? [])]]).toEqual([0, 1, ['ana', 'bo']]);
  });

  it('a thread page skips what left memory, and a cursor whose message left still pages on by its time', () => {
    const { book, fold } = bookOf({ maxBytes: 1e9 });
    const thread = id(1);
    const reply = (n: number): MessageEvent => ({ ...sent(n, 'bo', ['ana']), data: { ...(sent(n, 'bo', ['ana']).data as object), thread } } as MessageEvent);
    fold(sent(1, 'ana', ['bo']), reply(2), reply(3), reply(4));
    const first = book.threadPage('ana', { thread, limit: 2 }, 1e9);
    expect(first.messages.map((m) => m.id)).toEqual([id(1), id(2)]);
    // The same thread in a book where messages 1 and 2 have passed the retention window.
    const { book: later, fold: refold, at } = bookOf({ retentionMs: HOUR });
    refold(sent(1, 'ana', ['bo']), reply(2), reply(3), reply(4));
    at(T0 + HOUR + 2500);
    later.sweep();
    expect(later.threadPage('ana', { thread, limit: 10, cursor: first.nextCursor as string }, 1e9).messages.map((m) => m.id)).toEqual([id(3), id(4)]);
  });

  it('keeps the search index in step: a message that leaves the book leaves the index', () => {
    const { book, fold } = bookOf({ maxBytes: 6_000 });
    const index = new SearchIndex();
    book.onEvicted((messageId) => index.remove('message', messageId));
    for (let n = 1; n <= 5; n++) {
      fold(sent(n, 'ana', ['bo'], `rotate the keys ${'k'.repeat(1500)}`));
      index.put({ kind: 'message', ref: id(n), title: `s${n}`, text: 'rotate the keys', agent: 'ana', stream: `thread-${id(n)}`, at: new Date(T0).toISOString(), audience: ['ana', 'bo'] });
    }
    const hits = index.search({ q: 'rotate', kinds: ['message'], limit: 50 }, () => true).hits.map((h) => h.id);
    expect(hits.sort()).toEqual([...Array(5).keys()].map((i) => id(i + 1)).filter((m) => book.message(m)).sort());
    expect(hits.length).toBeLessThan(5);
  });
});
