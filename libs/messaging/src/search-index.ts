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
   * The whole index as plain data (a follower snapshot), as {@link CompactIndex}: MiniSearch's
   * own tables (no re-tokenising on restore) with the postings and the per-document numbers as
   * u32 columns, and the eviction order with each document's cost.
   */
  snapshot(): CompactIndex | { index: unknown; order: [string, number][] } {
    this.flush();
    const inner = internalsOf(this.index);
    // Short ids past u32 (4 billion documents indexed in one process): MiniSearch's own form.
    if (inner._nextId > MAX_U32) return { index: this.index.toJSON(), order: [...this.order] };
    const fields = Object.keys(inner._fieldIds).length;
    const count = inner._documentIds.size;
    const shortIds = new Uint32Array(count);
    const ids: string[] = new Array<string>(count);
    const lengths = new Uint32Array(count * fields);
    const stored: Array<Record<string, unknown> | null> = new Array<Record<string, unknown> | null>(count);
    const position = new Map<string, number>();
    let at = 0;
    for (const [shortId, id] of inner._documentIds) {
      shortIds[at] = shortId;
      ids[at] = id;
      position.set(id, at);
      const fieldLength = inner._fieldLength.get(shortId) ?? [];
      for (let f = 0; f < fields; f++) lengths[at * fields + f] = fieldLength[f] ?? MISSING;
      stored[at] = inner._storedFields.get(shortId) ?? null;
      at++;
    }
    const terms: string[] = [];
    const postings: number[] = [];
    for (const [term, fieldIndex] of inner._index) {
      terms.push(term);
      postings.push(fieldIndex.size);
      for (const [fieldId, freqs] of fieldIndex) {
        postings.push(fieldId, freqs.size);
        for (const [shortId, freq] of freqs) postings.push(shortId, freq);
      }
    }
    const order = new Uint32Array(this.order.size * 2);
    at = 0;
    for (const [id, cost] of this.order) {
      order[at++] = position.get(id) ?? MISSING;
      order[at++] = Math.min(cost, MAX_U32);
    }
    return {
      layout: COMPACT_LAYOUT,
      documentCount: inner._documentCount,
      nextId: inner._nextId,
      fieldIds: inner._fieldIds,
      averageFieldLength: inner._avgFieldLength,
      dirtCount: inner._dirtCount,
      ids,
      shortIds: u32Bytes(shortIds),
      fieldLength: u32Bytes(lengths),
      stored,
      terms,
      postings: u32Bytes(Uint32Array.from(postings)),
      order: u32Bytes(order),
    };
  }

  /**
   * Replaces the whole index with a {@link snapshot}'s (either layout); throws, changing nothing,
   * on anything else. The compact one fills MiniSearch's tables at once, term by term, without
   * going through its serialised form (objects keyed by numbers, parsed back one key at a time).
   */
  restore(state: unknown): void {
    const { index, order, heldBytes } = (state as Partial<CompactIndex> | null)?.layout === COMPACT_LAYOUT ? restoreCompact(state as CompactIndex) : restoreSerialised(state);
    // What was pending belonged to the state replaced.
    this.pending.clear();
    this.index = index;
    this.order = order;
    this.heldBytes = heldBytes;
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

/** The layout of {@link SearchIndex.snapshot}: MiniSearch's tables, numbers as u32 columns (little-endian bytes). */
export interface CompactIndex {
  layout: typeof COMPACT_LAYOUT;
  documentCount: number;
  nextId: number;
  fieldIds: Record<string, number>;
  averageFieldLength: number[];
  dirtCount: number;
  /** The documents held, by position: MiniSearch's id, its short id, its indexed length per field, its stored fields. */
  ids: string[];
  shortIds: Uint8Array;
  fieldLength: Uint8Array;
  stored: Array<Record<string, unknown> | null>;
  /** Every term, and for each in turn in `postings`: its field count, then per field its id, its document count, and (short id, frequency) per document. */
  terms: string[];
  postings: Uint8Array;
  /** Eviction order, oldest first: (position in `ids`, estimated cost) pairs. */
  order: Uint8Array;
}

const COMPACT_LAYOUT = 2 as const;
const MAX_U32 = 0xffff_ffff;
/** A field a document has no length for. */
const MISSING = MAX_U32;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The u32 values as little-endian bytes. */
function u32Bytes(values: Uint32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((value, i) => view.setUint32(i * 4, value, true));
  return bytes;
}

/** Little-endian bytes back as u32 values (copied: the bytes may sit anywhere in the snapshot). */
function u32Of(bytes: unknown, what: string): Uint32Array {
  if (!(bytes instanceof Uint8Array) || bytes.length % 4 !== 0) throw new Error(`the search index's ${what} are not u32 values`);
  const copy = new Uint8Array(bytes);
  if (LITTLE_ENDIAN) return new Uint32Array(copy.buffer, 0, copy.length / 4);
  const view = new DataView(copy.buffer);
  return Uint32Array.from({ length: copy.length / 4 }, (_, i) => view.getUint32(i * 4, true));
}

/** MiniSearch's tables (7.x): what {@link SearchIndex.snapshot} reads and a compact restore fills. */
interface MiniSearchTables {
  _index: Iterable<[string, Map<number, Map<number, number>>]> & { set(term: string, data: Map<number, Map<number, number>>): unknown };
  _documentCount: number;
  _documentIds: Map<number, string>;
  _idToShortId: Map<string, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _nextId: number;
  _storedFields: Map<number, Record<string, unknown>>;
  _dirtCount: number;
}

/** MiniSearch's tables, checked to be what this code reads (another MiniSearch version: the snapshot is refused and the log replayed). */
function internalsOf(index: MiniSearch<Stored>): MiniSearchTables {
  const inner = index as unknown as Partial<MiniSearchTables>;
  const maps = [inner._documentIds, inner._idToShortId, inner._fieldLength, inner._storedFields];
  if (!maps.every((m) => m instanceof Map) || typeof inner._index?.set !== 'function' || typeof inner._nextId !== 'number' || typeof inner._documentCount !== 'number' || !Array.isArray(inner._avgFieldLength)) {
    throw new Error('this MiniSearch keeps its tables otherwise than the search snapshot expects');
  }
  return inner as MiniSearchTables;
}

interface Restored {
  index: MiniSearch<Stored>;
  order: Map<string, number>;
  heldBytes: number;
}

function restoreCompact(state: CompactIndex): Restored {
  const { documentCount, nextId, fieldIds, averageFieldLength, dirtCount, ids, stored, terms } = state;
  const whole = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  const fieldCount = fieldIds !== null && typeof fieldIds === 'object' ? Object.keys(fieldIds).length : -1;
  if (!whole(documentCount) || !whole(nextId) || !whole(dirtCount) || fieldCount !== INDEX_OPTIONS.fields.length || !Array.isArray(averageFieldLength) || !Array.isArray(ids) || !Array.isArray(stored) || !Array.isArray(terms)) {
    throw new Error('not a search index');
  }
  const shortIds = u32Of(state.shortIds, 'short ids');
  const lengths = u32Of(state.fieldLength, 'field lengths');
  const postings = u32Of(state.postings, 'postings');
  const order = u32Of(state.order, 'eviction order');
  if (ids.length !== documentCount || shortIds.length !== ids.length || stored.length !== ids.length || lengths.length !== ids.length * fieldCount || order.length !== ids.length * 2) {
    throw new Error('search index and its order disagree');
  }
  const index = MiniSearch.loadJS<Stored>({ documentCount, nextId, documentIds: {}, fieldIds, fieldLength: {}, averageFieldLength, storedFields: {}, dirtCount, index: [], serializationVersion: 2 }, INDEX_OPTIONS);
  const inner = internalsOf(index);
  for (let at = 0; at < ids.length; at++) {
    const id = ids[at];
    const shortId = shortIds[at] as number;
    if (typeof id !== 'string' || inner._idToShortId.has(id)) throw new Error('a search document id is missing or repeated');
    inner._documentIds.set(shortId, id);
    inner._idToShortId.set(id, shortId);
    const fieldLength: number[] = [];
    for (let f = 0; f < fieldCount; f++) {
      const length = lengths[at * fieldCount + f] as number;
      if (length !== MISSING) fieldLength[f] = length;
    }
    inner._fieldLength.set(shortId, fieldLength);
    const fields = stored[at];
    if (fields !== null && fields !== undefined) {
      if (typeof fields !== 'object') throw new Error('stored search fields are not an object');
      inner._storedFields.set(shortId, fields);
    }
  }
  let at = 0;
  const next = (): number => {
    if (at >= postings.length) throw new Error('the search postings are cut short');
    return postings[at++] as number;
  };
  for (const term of terms) {
    if (typeof term !== 'string') throw new Error('a search term is not a string');
    const data = new Map<number, Map<number, number>>();
    for (let fields = next(); fields > 0; fields--) {
      const fieldId = next();
      const freqs = new Map<number, number>();
      for (let docs = next(); docs > 0; docs--) freqs.set(next(), next());
      data.set(fieldId, freqs);
    }
    inner._index.set(term, data);
  }
  if (at !== postings.length) throw new Error('the search postings run past their terms');
  const evictions = new Map<string, number>();
  let heldBytes = 0;
  for (let i = 0; i < order.length; i += 2) {
    const id = ids[order[i] as number];
    if (id === undefined || evictions.has(id)) throw new Error('search index and its order disagree');
    evictions.set(id, order[i + 1] as number);
    heldBytes += order[i + 1] as number;
  }
  return { index, order: evictions, heldBytes };
}

/** MiniSearch's serialised form and the order as entries (what snapshots held before the compact layout). */
function restoreSerialised(state: unknown): Restored {
  const { index, order } = (state ?? {}) as { index?: unknown; order?: unknown };
  const entries = Array.isArray(order) && order.every((e) => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number') ? (order as [string, number][]) : undefined;
  if (index === null || typeof index !== 'object' || !entries) throw new Error('not a search index');
  const restored = MiniSearch.loadJS<Stored>(index as Parameters<typeof MiniSearch.loadJS>[0], INDEX_OPTIONS);
  if (restored.documentCount !== entries.length || !entries.every(([id]) => restored.has(id))) throw new Error('search index and its order disagree');
  return { index: restored, order: new Map(entries), heldBytes: entries.reduce((sum, [, cost]) => sum + cost, 0) };
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
