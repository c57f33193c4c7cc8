import MiniSearch from 'minisearch';
import { SEARCH_LIMITS, type SearchHit, type SearchKind, type SearchQuery, type SearchResult } from '@lighthouse/contracts';

/** One searchable thing: a message, a delegation, or an agent's event, with what its visibility rule needs. */
export interface SearchDocument {
  kind: SearchKind;
  /** The message, delegation or event id. */
  ref: string;
  title: string;
  text: string;
  agent: string;
  stream: string;
  at: string;
  /** Who may see it besides operators, when the document itself says (a message's audience). */
  audience?: readonly string[];
  /** The event's data, for the event visibility rule. */
  data?: unknown;
}

/** Characters of a document's text that are indexed and kept (the rest is in the store). */
export const MAX_INDEXED_CHARS = 8 * 1024;

/** Estimated bytes a document costs the index: its kept text twice (stored, and its terms), and a fixed part. */
const costOf = (document: SearchDocument, text: string): number => 256 + 2 * (document.title.length + text.length) + 64 * (document.audience?.length ?? 0);

type Stored = Omit<SearchDocument, 'text'> & { id: string; text: string };

const INDEX_OPTIONS = {
  fields: ['title', 'text'],
  storeFields: ['kind', 'ref', 'title', 'text', 'agent', 'stream', 'at', 'audience', 'data'],
  searchOptions: { boost: { title: 2 }, prefix: true, fuzzy: 0.15 },
  autoVacuum: { minDirtCount: 1000, minDirtFactor: 0.2, batchSize: 1000, batchWait: 10 },
};

/**
 * Full-text search over what agents wrote (messages, delegations, their own events), on MiniSearch
 * (an embedded inverted index: prefix and fuzzy matching, BM25 ranking, documents replaced and
 * discarded in place). Bounded: at most `maxDocuments` and an estimated `maxBytes` (the oldest go
 * first), each indexed up to {@link MAX_INDEXED_CHARS}; a query is at most {@link SEARCH_LIMITS.queryTerms} terms and pages
 * at most {@link SEARCH_LIMITS.depth} hits deep. Visibility is the caller's predicate, applied to
 * every hit before paging, so a page holds only what the caller may see.
 */
export class SearchIndex {
  private index = new MiniSearch<Stored>(INDEX_OPTIONS);
  /** Insertion order of the ids, oldest first (for eviction), with each one's estimated cost. */
  private order = new Map<string, number>();
  private heldBytes = 0;
  /** Documents to put soon, by id, each as it last stood (see {@link putSoon}). */
  private pending = new Map<string, () => SearchDocument>();
  private flushTimer?: NodeJS.Timeout;

  constructor(
    private readonly maxDocuments = 200_000,
    private readonly maxBytes = 128 * 1024 * 1024,
    /** How long a {@link putSoon} may wait for the next change of the same document. */
    private readonly putDelayMs = 250,
  ) {}

  get size(): number {
    this.flush();
    return this.index.documentCount;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    this.flush();
    return this.heldBytes;
  }

  /**
   * Puts the document of that kind and ref within `putDelayMs`, as `make` builds it then; a later
   * putSoon of the same one before that replaces it. A delegation changes three times in a few
   * milliseconds (created, claimed, completed): re-indexing it at each change was a tenth of the
   * router's CPU per delegation (issue 16); now it is indexed once. Whatever reads the index
   * (search, snapshot, size) puts what is pending first, so no reader sees it stale.
   */
  putSoon(kind: SearchKind, ref: string, make: () => SearchDocument): void {
    this.pending.set(`${kind}:${ref}`, make);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), this.putDelayMs);
    this.flushTimer.unref();
  }

  /** Puts every pending document now. */
  flush(): void {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = undefined;
    }
    if (this.pending.size === 0) return;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const make of pending) this.putNow(make());
  }

  /**
   * The whole index as plain data (a follower snapshot): MiniSearch's own serialised form (no
   * re-tokenising on restore) and the eviction order with each document's cost.
   */
  snapshot(): { index: unknown; order: [string, number][] } {
    this.flush();
    return { index: this.index.toJSON(), order: [...this.order] };
  }

  /** Replaces the whole index with a {@link snapshot}'s; throws, changing nothing, on anything else. */
  restore(state: unknown): void {
    const { index, order } = (state ?? {}) as { index?: unknown; order?: unknown };
    const entries = Array.isArray(order) && order.every((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') ? (order as [string, number][]) : undefined;
    if (index === null || typeof index !== 'object' || !entries) throw new Error('not a search index');
    const restored = MiniSearch.loadJS<Stored>(index as Parameters<typeof MiniSearch.loadJS>[0], INDEX_OPTIONS);
    if (restored.documentCount !== entries.length || !entries.every(([id]) => restored.has(id))) throw new Error('search index and its order disagree');
    // What was pending belonged to the state replaced.
    this.pending.clear();
    this.index = restored;
    this.order = new Map(entries);
    this.heldBytes = entries.reduce((sum, [, cost]) => sum + cost, 0);
  }

  /** Adds a document, or replaces the one of the same kind and ref (a delegation that changed). */
  put(document: SearchDocument): void {
    this.pending.delete(`${document.kind}:${document.ref}`);
    this.putNow(document);
  }

  private putNow(document: SearchDocument): void {
    const id = `${document.kind}:${document.ref}`;
    const stored: Stored = { ...document, id, text: document.text.slice(0, MAX_INDEXED_CHARS) };
    this.discard(id);
    this.index.add(stored);
    const cost = costOf(document, stored.text);
    this.order.set(id, cost);
    this.heldBytes += cost;
    for (const oldest of this.order.keys()) {
      if (this.order.size <= this.maxDocuments && this.heldBytes <= this.maxBytes) break;
      this.discard(oldest);
    }
  }

  /**
   * As {@link put}, unless the index already holds this very document (every stored field the
   * same, so the same terms): then nothing is done, not even moving it to the newest. A replica
   * restored from a snapshot puts back every delegation it holds, and most are indexed already.
   */
  refresh(document: SearchDocument): void {
    const held = this.index.getStoredFields(`${document.kind}:${document.ref}`) as Partial<Stored> | undefined;
    if (held && sameDocument(held, document)) return;
    this.put(document);
  }

  /** Drops the document of that kind and ref, if held (a message that left the book's memory). */
  remove(kind: SearchKind, ref: string): void {
    this.pending.delete(`${kind}:${ref}`);
    this.discard(`${kind}:${ref}`);
  }

  private discard(id: string): void {
    if (!this.index.has(id)) return;
    this.index.discard(id);
    this.heldBytes -= this.order.get(id) ?? 0;
    this.order.delete(id);
  }

  /** A page of the hits `visible` lets through, best first. */
  search(query: SearchQuery, visible: (document: SearchDocument) => boolean): SearchResult {
    this.flush();
    const terms = query.q.split(/\s+/).filter(Boolean).slice(0, SEARCH_LIMITS.queryTerms);
    const offset = query.cursor === undefined ? 0 : Number(query.cursor);
    const kinds = new Set(query.kinds);
    const found = this.index.search(terms.join(' '), {
      combineWith: 'AND',
      filter: (result) => kinds.has((result as unknown as Stored).kind) && visible(result as unknown as SearchDocument),
    });
    const end = Math.min(offset + query.limit, SEARCH_LIMITS.depth);
    const hits: SearchHit[] = found.slice(offset, end).map((result) => {
      const doc = result as unknown as Stored;
      return { kind: doc.kind, id: doc.ref, title: clip(doc.title), snippet: snippetOf(doc.text, result.terms), agent: doc.agent, stream: doc.stream, at: doc.at, score: result.score };
    });
    return { hits, nextCursor: end < found.length && end < SEARCH_LIMITS.depth ? String(end) : null };
  }
}

/** Whether a held document's stored fields are those `document` would store. */
function sameDocument(held: Partial<Stored>, document: SearchDocument): boolean {
  const sameList = (a: readonly string[] | undefined, b: readonly string[] | undefined) => a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((v, i) => v === b[i]));
  return (
    held.kind === document.kind &&
    held.ref === document.ref &&
    held.title === document.title &&
    held.text === document.text.slice(0, MAX_INDEXED_CHARS) &&
    held.agent === document.agent &&
    held.stream === document.stream &&
    held.at === document.at &&
    sameList(held.audience, document.audience) &&
    held.data === undefined &&
    document.data === undefined
  );
}

const clip = (text: string) => (text.length > SEARCH_LIMITS.snippetChars ? `${text.slice(0, SEARCH_LIMITS.snippetChars - 1)}…` : text);

/** The text around the first matched term, at most the snippet length. */
function snippetOf(text: string, terms: readonly string[]): string {
  const lower = text.toLowerCase();
  const at = Math.min(...terms.map((term) => lower.indexOf(term.toLowerCase())).filter((i) => i >= 0), text.length);
  const start = at >= text.length ? 0 : Math.max(0, at - 80);
  const window = text.slice(start, start + SEARCH_LIMITS.snippetChars - 2).replace(/\s+/g, ' ');
  return clip(`${start > 0 ? '…' : ''}${window}`);
}
