import { SendMessageSchema, type Actor, type MessageEvent } from '@lighthouse/contracts';
import { DEFAULT_RETENTION, MessageBook } from './message-book';
import { decideAcknowledge, decideRead, decideSend } from './message.decider';

const actor = (agent: string): Actor => ({ agent, operator: false, roles: [], capacity: 1 });
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const now = (n: number) => new Date(Date.UTC(2026, 11, 7, 12, 0, n));
/** A book whose clock stands an hour after these messages (well inside the retention window). */
const newBook = () => new MessageBook(DEFAULT_RETENTION, () => Date.UTC(2026, 11, 7, 13));
const registered = new Set(['ana', 'bo', 'cy', 'sec-1']);

/** Given these events folded into a book (thread streams in order). */
function given(events: MessageEvent[]): MessageBook {
  const book = newBook();
  for (const event of events) {
    const thread = event.data.thread;
    book.apply(thread, (book.thread(thread)?.version ?? 0) + 1, `e-${Math.random()}`, event);
  }
  return book;
}

const send = (from: string, request: unknown, n: number, book = newBook(), roleMembers: string[] = []) => {
  const parsed = SendMessageSchema.parse(request);
  return decideSend({ type: 'send', actor: actor(from), request: parsed, roleMembers, isAgent: (agent) => registered.has(agent), id: id(n), now: now(n) }, parsed.thread ? book.thread(parsed.thread) : undefined);
};

describe('sending messages', () => {
  it('given nothing, when ana writes to bo and the experts of a role, then one message.sent reaches them all but ana, with its audience', () => {
    const [event] = send('ana', { to: { agents: ['bo', 'ana'], roles: ['security_architect'] }, subject: 'keys', body: 'rotate them', importance: 'urgent', ackRequired: true }, 1, undefined, ['sec-1', 'bo']);
    expect(event).toEqual({
      type: 'message.sent',
      data: expect.objectContaining({ id: id(1), thread: id(1), from: 'ana', recipients: ['bo', 'ana', 'sec-1'].filter((a) => a !== 'ana'), audience: ['ana', 'bo', 'sec-1'], importance: 'urgent', ackRequired: true }),
    });
  });

  it('given a thread of ana and bo, when bo replies to it, then it reaches ana; when cy writes to it, then FORBIDDEN', () => {
    const book = given(send('ana', { to: { agents: ['bo'] }, subject: 's', body: 'b' }, 1));
    const [reply] = send('bo', { thread: id(1), subject: 're: s', body: 'ok' }, 2, book);
    expect(reply?.data).toEqual(expect.objectContaining({ thread: id(1), recipients: ['ana'], audience: ['bo', 'ana'] }));
    expect(() => send('cy', { thread: id(1), subject: 'hi', body: 'me too' }, 3, book)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => send('bo', { thread: id(9), subject: 'hi', body: 'x' }, 3, book)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('given a role nobody else is registered for, when ana writes only to it, then VALIDATION_FAILED saying so', () => {
    expect(() => send('ana', { to: { roles: ['qa_engineer'] }, subject: 's', body: 'b' }, 1, undefined, ['ana'])).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining('qa_engineer') }));
  });

  it('given dee holds no credential, when ana writes to dee (alone, or with bo), then UNKNOWN_RECIPIENT naming dee, and nothing is decided', () => {
    expect(() => send('ana', { to: { agents: ['dee'] }, subject: 's', body: 'b' }, 1)).toThrow(expect.objectContaining({ code: 'UNKNOWN_RECIPIENT', message: expect.stringContaining('dee') }));
    expect(() => send('ana', { to: { agents: ['bo', 'dee', 'dee'] }, subject: 's', body: 'b' }, 1)).toThrow(expect.objectContaining({ code: 'UNKNOWN_RECIPIENT', message: expect.not.stringContaining('bo') }));
    // The experts of a role come from the registry: they need no look-up.
    expect(send('ana', { to: { roles: ['security_architect'] }, subject: 's', body: 'b' }, 1, undefined, ['reg-expert'])[0]?.data).toMatchObject({ recipients: ['reg-expert'] });
  });

  it('refuses a body over 32 KiB of UTF-8, a message with both to and thread, and unknown fields', () => {
    expect(SendMessageSchema.safeParse({ to: { agents: ['bo'] }, subject: 's', body: 'é'.repeat(17 * 1024) }).success).toBe(false);
    expect(SendMessageSchema.safeParse({ to: { agents: ['bo'] }, thread: id(1), subject: 's', body: 'b' }).success).toBe(false);
    expect(SendMessageSchema.safeParse({ to: { agents: [] }, subject: 's', body: 'b' }).success).toBe(false);
    expect(SendMessageSchema.safeParse({ to: { agents: ['bo'] }, subject: 's', body: 'b', priority: 1 }).success).toBe(false);
  });
});

describe('receipts', () => {
  const sent = send('ana', { to: { agents: ['bo', 'cy'] }, subject: 's', body: 'b', ackRequired: true }, 1);

  it('given a message to bo, when bo acknowledges it, then it is read and acknowledged, visible to bo and ana only; again: nothing', () => {
    const book = given(sent);
    const events = decideAcknowledge({ type: 'acknowledge', actor: actor('bo'), note: 'done', now: now(5) }, book.message(id(1))!);
    expect(events.map((e) => [e.type, e.data.audience])).toEqual([
      ['message.read', ['bo', 'ana']],
      ['message.acknowledged', ['bo', 'ana']],
    ]);
    const after = given([...sent, ...events]);
    expect(decideAcknowledge({ type: 'acknowledge', actor: actor('bo'), note: null, now: now(6) }, after.message(id(1))!)).toEqual([]);
    expect(after.view(id(1), 'ana').receipts).toEqual([
      { agent: 'bo', readAt: now(5).toISOString(), acknowledgedAt: now(5).toISOString(), note: 'done' },
      { agent: 'cy', readAt: null, acknowledgedAt: null, note: null },
    ]);
    expect(after.view(id(1), 'cy').receipts).toEqual([{ agent: 'cy', readAt: null, acknowledgedAt: null, note: null }]);
  });

  it('given a message to bo, when dan marks it read, then FORBIDDEN; when ana (its sender) does, then VALIDATION_FAILED', () => {
    const book = given(sent);
    expect(() => decideRead({ type: 'read', actor: actor('dan'), now: now(2) }, book.message(id(1))!)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => decideRead({ type: 'read', actor: actor('ana'), now: now(2) }, book.message(id(1))!)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('inboxes and threads', () => {
  it('given 30 messages to bo, when its inbox is read by pages, then newest first, each message once, unread and importance filters apply', () => {
    const events = Array.from({ length: 30 }, (_, n) => send('ana', { to: { agents: ['bo'] }, subject: `m${n}`, body: 'x', importance: n % 3 === 0 ? 'urgent' : 'normal' }, n + 1)).flat();
    const book = given(events);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = book.inbox('bo', { unread: false, minImportance: 'low', limit: 7, cursor }, 1_000_000);
      seen.push(...page.messages.map((m) => m.subject));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 30 }, (_, n) => `m${29 - n}`));
    expect(book.inbox('bo', { unread: false, minImportance: 'urgent', limit: 100 }, 1_000_000).messages).toHaveLength(10);
    const read = decideRead({ type: 'read', actor: actor('bo'), now: now(99) }, book.message(id(30))!);
    read.forEach((e) => book.apply(id(30), 2, 'r', e));
    expect(book.inbox('bo', { unread: true, minImportance: 'low', limit: 100 }, 1_000_000).messages).toHaveLength(29);
    expect(book.inbox('cy', { unread: false, minImportance: 'low', limit: 100 }, 1_000_000).messages).toHaveLength(0);
  });

  it('given large messages, when paged under a byte budget, then every page fits it (one message at least)', () => {
    const book = given(Array.from({ length: 10 }, (_, n) => send('ana', { to: { agents: ['bo'] }, subject: `m${n}`, body: 'y'.repeat(30_000) }, n + 1)).flat());
    const page = book.inbox('bo', { unread: false, minImportance: 'low', limit: 100 }, 100_000);
    expect(page.messages).toHaveLength(3);
    expect(Buffer.byteLength(JSON.stringify(page))).toBeLessThan(100_000);
    expect(book.inbox('bo', { unread: false, minImportance: 'low', limit: 100 }, 10).messages).toHaveLength(1);
  });

  it('given a thread of ana and bo, when cy reads it, then FORBIDDEN; ana reads it oldest first by pages', () => {
    const first = send('ana', { to: { agents: ['bo'] }, subject: 's', body: 'b' }, 1);
    const book = given(first);
    const replies = [2, 3, 4].flatMap((n) => send(n % 2 ? 'ana' : 'bo', { thread: id(1), subject: `r${n}`, body: 'b' }, n, book).map((e) => (book.apply(id(1), book.thread(id(1))!.version + 1, `e${n}`, e), e)));
    expect(replies).toHaveLength(3);
    const one = book.threadPage('ana', { thread: id(1), limit: 2 }, 1_000_000);
    const two = book.threadPage('ana', { thread: id(1), limit: 2, cursor: one.nextCursor! }, 1_000_000);
    expect([...one.messages, ...two.messages].map((m) => m.subject)).toEqual(['s', 'r2', 'r3', 'r4']);
    expect(two.nextCursor).toBeNull();
    expect(() => book.threadPage('cy', { thread: id(1), limit: 2 }, 1_000_000)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => book.threadPage('ana', { thread: id(1), limit: 2, cursor: 'nope' }, 1_000_000)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('ignores an event at a version that is not the next one of its thread (already folded)', () => {
    const [event] = send('ana', { to: { agents: ['bo'] }, subject: 's', body: 'b' }, 1);
    const book = newBook();
    expect(book.apply(id(1), 1, 'a', event!)).toBe(true);
    expect(book.apply(id(1), 1, 'a', event!)).toBe(false);
    expect(book.inbox('bo', { unread: false, minImportance: 'low', limit: 10 }, 1_000_000).messages).toHaveLength(1);
  });
});
