import { SearchQuerySchema } from '@lighthouse/contracts';
import { SearchIndex, type SearchDocument } from './search-index';

const doc = (ref: string, title: string, text: string, audience?: string[], kind: SearchDocument['kind'] = 'message'): SearchDocument => ({
  kind,
  ref,
  title,
  text,
  agent: audience?.[0] ?? 'ana',
  stream: `thread-${ref}`,
  at: '2026-12-07T12:00:00.000Z',
  ...(audience ? { audience } : {}),
});
const q = (input: Record<string, unknown>) => SearchQuerySchema.parse(input);
const mayRead = (agent: string) => (d: SearchDocument) => !d.audience || d.audience.includes(agent);

describe('searching', () => {
  it('given a message between ana and cy, when bo searches its words, then bo finds nothing and ana and cy find it', () => {
    const index = new SearchIndex();
    index.put(doc('m1', 'rotate the signing key', 'the HMAC key leaked in a log', ['ana', 'cy']));
    index.put(doc('m2', 'lunch', 'pizza at noon', ['ana', 'bo']));
    expect(index.search(q({ q: 'signing key' }), mayRead('bo')).hits).toEqual([]);
    expect(index.search(q({ q: 'signing key' }), mayRead('cy')).hits.map((h) => h.id)).toEqual(['m1']);
    const [hit] = index.search(q({ q: 'leaked' }), mayRead('ana')).hits;
    expect(hit).toMatchObject({ kind: 'message', id: 'm1', title: 'rotate the signing key', snippet: expect.stringContaining('leaked') });
  });

  it('matches prefixes and small typos, filters by kind, and replaces a document of the same ref', () => {
    const index = new SearchIndex();
    index.put(doc('d1', 'security review', 'review the authentication module', undefined, 'delegation'));
    index.put(doc('m1', 'note', 'authentication is fine', ['ana']));
    expect(index.search(q({ q: 'authent' }), () => true).hits).toHaveLength(2);
    expect(index.search(q({ q: 'authentcation' }), () => true).hits).toHaveLength(2);
    expect(index.search(q({ q: 'authentication', kinds: ['delegation'] }), () => true).hits.map((h) => h.id)).toEqual(['d1']);
    index.put(doc('d1', 'security review', 'completed: nothing found', undefined, 'delegation'));
    expect(index.size).toBe(2);
    expect(index.search(q({ q: 'authentication', kinds: ['delegation'] }), () => true).hits).toEqual([]);
  });

  it('pages hits with a cursor, keeps snippets bounded, and holds at most maxDocuments (oldest out)', () => {
    const index = new SearchIndex(30);
    for (let n = 0; n < 40; n++) index.put(doc(`m${n}`, `deploy ${n}`, `deploy notes ${'x '.repeat(500)} deploy`, ['ana']));
    expect(index.size).toBe(30);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = index.search(q({ q: 'deploy', limit: 7, cursor }), () => true);
      for (const hit of page.hits) expect(hit.snippet.length).toBeLessThanOrEqual(300);
      ids.push(...page.hits.map((h) => h.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(new Set(ids).size).toBe(30);
    expect(ids).not.toContain('m0');
  });

  it('refuses an empty or overlong query and a cursor it never handed out', () => {
    expect(SearchQuerySchema.safeParse({ q: '   ' }).success).toBe(false);
    expect(SearchQuerySchema.safeParse({ q: 'x'.repeat(201) }).success).toBe(false);
    expect(SearchQuerySchema.safeParse({ q: 'x', cursor: 'abc' }).success).toBe(false);
    expect(SearchQuerySchema.safeParse({ q: 'x', limit: 51 }).success).toBe(false);
  });

  it('given a flood of 600 event documents of 8 KiB (an agent recording large events), then the index stays under its byte budget, the newest kept', () => {
    const index = new SearchIndex(1_000_000, 2 * 1024 * 1024);
    const marker = (n: number) => (n === 0 ? 'firstdoc' : n === 599 ? 'lastdoc' : 'middledoc');
    for (let n = 0; n < 600; n++) index.put(doc(`e${n}`, 'note.bulk on bulk', `${marker(n)} ${'word '.repeat(1700)}`, undefined, 'event'));
    expect(index.bytes).toBeLessThanOrEqual(2 * 1024 * 1024);
    expect(index.size).toBeLessThan(150);
    expect(index.search(q({ q: 'lastdoc' }), () => true).hits.map((h) => h.id)).toEqual(['e599']);
    expect(index.search(q({ q: 'firstdoc' }), () => true).hits).toEqual([]);
    index.remove('event', 'e599');
    expect(index.search(q({ q: 'lastdoc' }), () => true).hits).toEqual([]);
  });

  it('given a document held as it is, when it is refreshed, then nothing moves; a changed one is indexed again as the newest', () => {
    const index = new SearchIndex(2);
    index.put(doc('d1', 'review', 'the parser', undefined, 'delegation'));
    index.put(doc('d2', 'review', 'the lexer', undefined, 'delegation'));
    index.refresh(doc('d1', 'review', 'the parser', undefined, 'delegation'));
    index.put(doc('d3', 'review', 'the printer', undefined, 'delegation'));
    // d1 was not moved to the newest by its refresh: it went first.
    expect(index.search(q({ q: 'parser' }), () => true).hits).toEqual([]);
    index.refresh(doc('d2', 'review', 'the lexer: done', undefined, 'delegation'));
    index.put(doc('d4', 'review', 'the linker', undefined, 'delegation'));
    // d2 changed: indexed again (its new words found), and now newer than d3.
    expect(index.search(q({ q: 'done' }), () => true).hits.map((h) => h.id)).toEqual(['d2']);
    expect(index.search(q({ q: 'printer' }), () => true).hits).toEqual([]);
  });
});

describe('putting soon', () => {
  it('given three changes of one delegation put soon, then it is indexed once, as it last stood, and a search before the delay already finds it', () => {
    const index = new SearchIndex(100, 1024 * 1024, 60_000);
    const made: string[] = [];
    for (const text of ['queued: review the parser', 'claimed: review the parser', 'completed: parser approved']) {
      index.putSoon('delegation', 'd1', () => {
        made.push(text);
        return doc('d1', 'parser review', text, undefined, 'delegation');
      });
    }
    expect(made).toEqual([]);
    expect(index.search(q({ q: 'approved' }), () => true).hits.map((h) => h.id)).toEqual(['d1']);
    expect(made).toEqual(['completed: parser approved']);
    expect(index.search(q({ q: 'claimed' }), () => true).hits).toEqual([]);
    expect(index.size).toBe(1);
  });

  it('puts what is pending after the delay on its own, and into a snapshot taken before', async () => {
    const index = new SearchIndex(100, 1024 * 1024, 20);
    index.putSoon('delegation', 'd1', () => doc('d1', 'first', 'alpha', undefined, 'delegation'));
    const copy = new SearchIndex();
    copy.restore(index.snapshot());
    expect(copy.search(q({ q: 'alpha' }), () => true).hits.map((h) => h.id)).toEqual(['d1']);
    index.putSoon('delegation', 'd2', () => doc('d2', 'second', 'beta', undefined, 'delegation'));
    await new Promise((resolve) => setTimeout(resolve, 60));
    // Read the inner index without flushing: the timer alone put it.
    expect((index as unknown as { index: { documentCount: number } }).index.documentCount).toBe(2);
  });

  it('a put or remove of the same document drops what was pending for it (a later change is not undone)', () => {
    const index = new SearchIndex(100, 1024 * 1024, 60_000);
    index.putSoon('message', 'm1', () => doc('m1', 'old', 'stale words', ['ana']));
    index.put(doc('m1', 'new', 'fresh words', ['ana']));
    expect(index.search(q({ q: 'stale' }), () => true).hits).toEqual([]);
    index.putSoon('message', 'm1', () => doc('m1', 'again', 'stale words', ['ana']));
    index.remove('message', 'm1');
    expect(index.size).toBe(0);
  });
});
