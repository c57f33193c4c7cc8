import {
  LighthouseError,
  MessageImportanceSchema,
  type Message,
  type MessageEvent,
  type MessageImportance,
  type MessagePage,
  type Receipt,
} from '@lighthouse/contracts';

type Sent = Extract<MessageEvent, { type: 'message.sent' }>['data'];

/** One message as the book keeps it: what was sent, each recipient's receipt, its estimated size. */
export interface MessageRecord {
  sent: Sent;
  receipts: Map<string, Receipt>;
  bytes: number;
}

/**
 * One thread: who takes part (every sender and recipient), the messages of it this book holds in
 * stream order, its stream version. A thread whose messages all left memory is kept bare (no
 * messages) while there is room; after that its record goes too and is folded again from the store
 * when needed.
 */
export interface ThreadRecord {
  id: string;
  participants: Set<string>;
  messages: Set<string>;
  version: number;
  lastEventId: string;
  /** When it was last written or read (clock of the book): bare threads are dropped least recently touched first. */
  touchedMs: number;
}

/** How much of the message history the book holds in memory (everything stays in the event store). */
export interface RetentionLimits {
  /** Estimated bytes of messages, receipts and threads held, over all agents. */
  maxBytes: number;
  /** Messages one inbox lists; over it, the oldest the owner has read go first, then the oldest. */
  maxInboxMessages: number;
  /** Messages sent longer ago than this leave memory (and are not taken in when folded again). */
  retentionMs: number;
}

export const DEFAULT_RETENTION: RetentionLimits = { maxBytes: 128 * 1024 * 1024, maxInboxMessages: 1000, retentionMs: 7 * 24 * 3600 * 1000 };

export interface InboxQuery {
  unread: boolean;
  minImportance: MessageImportance;
  limit: number;
  cursor?: string;
}

export interface ThreadQuery {
  thread: string;
  limit: number;
  cursor?: string;
}

const RANK = Object.fromEntries(MessageImportanceSchema.options.map((level, i) => [level, i])) as Record<MessageImportance, number>;
const CURSOR = /^(\d{4}-\d{2}-\d{2}T[0-9:.]+Z)_([0-9a-f-]{36})$/;

// Estimates of what the book's structures cost in memory, per item (strings add their length).
const MESSAGE_OVERHEAD = 400;
const NAME_COST = 64;
const RECEIPT_COST = 160;
const THREAD_OVERHEAD = 300;

/**
 * The recent messages this replica holds, folded from the thread streams (`thread-<id>`): threads,
 * messages, receipts and each agent's inbox. Fed by the store follower and by this replica's own
 * appends; an event at a version other than the next one of its thread is ignored (already folded,
 * or the repository folds the thread again from the store).
 *
 * Bounded (see {@link RetentionLimits}): messages older than the retention window leave memory,
 * each inbox lists at most so many, and over the byte budget bare threads go first, then the
 * oldest messages every recipient has read (and acknowledged when asked to), then the oldest of
 * all. Whatever leaves memory stays in the event store; `onEvicted` listeners hear of each message
 * that leaves (the search index drops it too).
 */
export class MessageBook {
  private threads = new Map<string, ThreadRecord>();
  /** Held messages in the order they were folded (the oldest first). */
  private messages = new Map<string, MessageRecord>();
  /** Held messages every recipient has read (and acknowledged when asked), in the order they became so. */
  private settled = new Set<string>();
  private inboxes = new Map<string, Set<string>>();
  /** Threads holding no message, least recently touched first. */
  private bare = new Set<string>();
  private readonly evictionListeners: ((messageId: string) => void)[] = [];
  private heldBytes = 0;

  constructor(
    private readonly limits: RetentionLimits = DEFAULT_RETENTION,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The whole book as plain data (a follower snapshot), every order kept (they decide what leaves first). */
  snapshot(): BookState {
    return {
      threads: [...this.threads.values()].map((t): ThreadRow => [t.id, [...t.participants], [...t.messages], t.version, t.lastEventId, t.touchedMs]),
      messages: [...this.messages.values()].map((m): MessageRow => [m.sent, [...m.receipts.values()], m.bytes]),
      settled: [...this.settled],
      inboxes: [...this.inboxes].map(([agent, ids]): [string, string[]] => [agent, [...ids]]),
      bare: [...this.bare],
      bytes: this.heldBytes,
    };
  }

  /** Replaces the whole book with a {@link snapshot}'s; throws, changing nothing, on anything else. */
  restore(state: unknown): void {
    const parsed = parseBookState(state);
    const threads = new Map(parsed.threads.map(([id, participants, messages, version, lastEventId, touchedMs]): [string, ThreadRecord] => [id, { id, participants: new Set(participants), messages: new Set(messages), version, lastEventId, touchedMs }]));
    const messages = new Map(parsed.messages.map(([sent, receipts, bytes]): [string, MessageRecord] => [sent.id, { sent, receipts: new Map(receipts.map((r) => [r.agent, r])), bytes }]));
    const known = (ids: readonly string[], where: ReadonlyMap<string, unknown>, what: string) => {
      if (!ids.every((id) => where.has(id))) throw new Error(`the book's ${what} name what it does not hold`);
    };
    known(parsed.settled, messages, 'settled messages');
    known(parsed.bare, threads, 'bare threads');
    for (const [, ids] of parsed.inboxes) known(ids, messages, 'inboxes');
    for (const thread of threads.values()) known([...thread.messages], messages, 'threads');
    this.threads = threads;
    this.messages = messages;
    this.settled = new Set(parsed.settled);
    this.inboxes = new Map(parsed.inboxes.map(([agent, ids]) => [agent, new Set(ids)]));
    this.bare = new Set(parsed.bare);
    this.heldBytes = parsed.bytes;
  }

  /** The thread as held (a read touches a bare one, so it is the last to go). */
  thread(id: string): ThreadRecord | undefined {
    const thread = this.threads.get(id);
    if (thread && this.bare.has(id)) this.touchBare(thread);
    return thread;
  }

  message(id: string): MessageRecord | undefined {
    return this.messages.get(id);
  }

  /** Messages held. */
  get size(): number {
    return this.messages.size;
  }

  /** Estimated bytes held (messages, receipts, threads). */
  get bytes(): number {
    return this.heldBytes;
  }

  /** Threads held (with messages or bare). */
  get threadCount(): number {
    return this.threads.size;
  }

  /** Calls `listener` with the id of every message that leaves memory. */
  onEvicted(listener: (messageId: string) => void): void {
    this.evictionListeners.push(listener);
  }

  /** Folds one event of thread `thread` at stream `version`; answers whether it was applied. */
  apply(thread: string, version: number, eventId: string, event: MessageEvent): boolean {
    const current = this.threads.get(thread);
    if (current ? version !== current.version + 1 : version !== 1 || event.type !== 'message.sent') return false;
    const record = current ?? this.newThread(thread, eventId);
    record.version = version;
    record.lastEventId = eventId;
    record.touchedMs = this.clock();
    if (event.type === 'message.sent') this.onSent(record, event.data);
    else this.onReceipt(event);
    this.enforceLimits();
    return true;
  }

  /**
   * Drops what is older than the retention window (the follower's folds do it as they go; call it
   * from a timer too, so a quiet book forgets on time).
   */
  sweep(): void {
    const horizon = this.clock() - this.limits.retentionMs;
    for (const [id, message] of this.messages) {
      if (Date.parse(message.sent.at) >= horizon) break;
      this.evict(id);
    }
    for (const id of this.bare) {
      const thread = this.threads.get(id) as ThreadRecord;
      if (thread.touchedMs >= horizon) break;
      this.dropThread(thread);
    }
  }

  private newThread(id: string, eventId: string): ThreadRecord {
    const record: ThreadRecord = { id, participants: new Set(), messages: new Set(), version: 0, lastEventId: eventId, touchedMs: this.clock() };
    this.threads.set(id, record);
    this.heldBytes += THREAD_OVERHEAD + id.length;
    this.markBare(record);
    return record;
  }

  private onSent(thread: ThreadRecord, sent: Sent): void {
    for (const agent of sent.audience) {
      if (thread.participants.has(agent)) continue;
      thread.participants.add(agent);
      this.heldBytes += NAME_COST + agent.length;
    }
    // A message past the window is part of the thread's history only (the store keeps it).
    if (this.messages.has(sent.id) || Date.parse(sent.at) < this.clock() - this.limits.retentionMs) return;
    const bytes = MESSAGE_OVERHEAD + sent.subject.length + sent.body.length + (sent.recipients.length + sent.audience.length + sent.to.agents.length + sent.to.roles.length) * NAME_COST;
    this.messages.set(sent.id, { sent, receipts: new Map(), bytes });
    this.heldBytes += bytes + NAME_COST;
    thread.messages.add(sent.id);
    this.bare.delete(thread.id);
    for (const agent of sent.recipients) this.addToInbox(agent, sent.id);
  }

  private addToInbox(agent: string, id: string): void {
    const inbox = this.inboxes.get(agent) ?? new Set<string>();
    this.inboxes.set(agent, inbox);
    inbox.add(id);
    if (inbox.size <= this.limits.maxInboxMessages) return;
    let drop: string | undefined;
    for (const held of inbox) {
      drop ??= held;
      if (this.messages.get(held)?.receipts.get(agent)?.readAt) {
        drop = held;
        break;
      }
    }
    inbox.delete(drop as string);
  }

  private onReceipt(event: Exclude<MessageEvent, { type: 'message.sent' }>): void {
    const message = this.messages.get(event.data.id);
    if (!message) return;
    const known = message.receipts.get(event.data.by);
    const receipt = known ?? { agent: event.data.by, readAt: null, acknowledgedAt: null, note: null };
    if (event.type === 'message.read') receipt.readAt ??= event.data.at;
    else Object.assign(receipt, { acknowledgedAt: receipt.acknowledgedAt ?? event.data.at, note: event.data.note, readAt: receipt.readAt ?? event.data.at });
    if (!known) {
      message.receipts.set(event.data.by, receipt);
      message.bytes += RECEIPT_COST;
      this.heldBytes += RECEIPT_COST;
    }
    if (event.type === 'message.acknowledged') {
      const grown = event.data.note?.length ?? 0;
      message.bytes += grown;
      this.heldBytes += grown;
    }
    if (isSettled(message)) this.settled.add(message.sent.id);
  }

  /** Sweeps the window, then frees bare threads, settled messages, then the oldest, until under the budget. */
  private enforceLimits(): void {
    this.sweep();
    while (this.heldBytes > this.limits.maxBytes) {
      const bare = first(this.bare);
      if (bare !== undefined) this.dropThread(this.threads.get(bare) as ThreadRecord);
      else {
        const oldest = first(this.settled) ?? first(this.messages.keys());
        if (oldest === undefined) break;
        this.evict(oldest);
      }
    }
  }

  private evict(id: string): void {
    const message = this.messages.get(id);
    if (!message) return;
    this.messages.delete(id);
    this.settled.delete(id);
    this.heldBytes -= message.bytes + NAME_COST;
    for (const agent of message.sent.recipients) {
      const inbox = this.inboxes.get(agent);
      inbox?.delete(id);
      if (inbox?.size === 0) this.inboxes.delete(agent);
    }
    const thread = this.threads.get(message.sent.thread);
    thread?.messages.delete(id);
    if (thread && thread.messages.size === 0) this.markBare(thread);
    for (const listener of this.evictionListeners) listener(id);
  }

  private markBare(thread: ThreadRecord): void {
    this.bare.delete(thread.id);
    this.bare.add(thread.id);
  }

  private touchBare(thread: ThreadRecord): void {
    thread.touchedMs = this.clock();
    this.markBare(thread);
  }

  private dropThread(thread: ThreadRecord): void {
    for (const id of [...thread.messages]) this.evict(id);
    this.threads.delete(thread.id);
    this.bare.delete(thread.id);
    this.heldBytes -= THREAD_OVERHEAD + thread.id.length;
    for (const agent of thread.participants) this.heldBytes -= NAME_COST + agent.length;
  }

  /** The message as `viewer` may see it: the sender gets every receipt, a recipient its own. */
  view(id: string, viewer: string): Message {
    const message = this.messages.get(id);
    if (!message || !message.sent.audience.includes(viewer)) throw new LighthouseError(message ? 'FORBIDDEN' : 'NOT_FOUND', message ? `message ${id} is not yours` : `no message ${id}`);
    const { sent } = message;
    const blank = (agent: string): Receipt => ({ agent, readAt: null, acknowledgedAt: null, note: null });
    const agents = sent.from === viewer ? sent.recipients : sent.recipients.filter((a) => a === viewer);
    const receipts = agents.map((agent) => ({ ...(message.receipts.get(agent) ?? blank(agent)) }));
    return { id: sent.id, thread: sent.thread, from: sent.from, to: sent.to, recipients: sent.recipients, subject: sent.subject, body: sent.body, importance: sent.importance, ackRequired: sent.ackRequired, sentAt: sent.at, receipts };
  }

  /** The agent's inbox, newest first, paged by count and bytes. */
  inbox(agent: string, query: InboxQuery, maxBytes: number): MessagePage {
    const after = parseCursor(query.cursor);
    const ids = [...(this.inboxes.get(agent) ?? [])];
    const matches: MessageRecord[] = [];
    for (let i = ids.length - 1; i >= 0; i--) {
      const message = this.messages.get(ids[i] as string);
      if (!message) continue;
      if (after && compareNewestFirst(message.sent, after) <= 0) continue;
      if (RANK[message.sent.importance] < RANK[query.minImportance]) continue;
      if (query.unread && message.receipts.get(agent)?.readAt) continue;
      matches.push(message);
    }
    matches.sort((a, b) => compareNewestFirst(a.sent, b.sent));
    return this.page(matches, agent, query.limit, maxBytes);
  }

  /** A thread the viewer takes part in, oldest first, paged by count and bytes. */
  threadPage(viewer: string, query: ThreadQuery, maxBytes: number): MessagePage {
    const thread = this.threads.get(query.thread);
    if (!thread) throw new LighthouseError('NOT_FOUND', `no thread ${query.thread}`);
    if (!thread.participants.has(viewer)) throw new LighthouseError('FORBIDDEN', `thread ${query.thread} is not yours`);
    // In stream order: the cursor names the last message of the previous page (when that one has
    // left memory since, the page starts after its time).
    const after = parseCursor(query.cursor);
    const held = [...thread.messages].map((id) => this.messages.get(id) as MessageRecord);
    const index = after ? held.findIndex((m) => m.sent.id === after.id) : -1;
    const rest = !after ? held : index >= 0 ? held.slice(index + 1) : held.filter((m) => compareNewestFirst(m.sent, after) < 0);
    const visible = rest.filter((m) => m.sent.audience.includes(viewer));
    return this.page(visible, viewer, query.limit, maxBytes);
  }

  private page(matches: MessageRecord[], viewer: string, limit: number, maxBytes: number): MessagePage {
    const messages: Message[] = [];
    let bytes = 0;
    for (const record of matches) {
      const view = this.view(record.sent.id, viewer);
      const cost = Buffer.byteLength(JSON.stringify(view));
      if (messages.length === limit || (messages.length > 0 && bytes + cost > maxBytes)) break;
      bytes += cost;
      messages.push(view);
    }
    const last = messages.at(-1);
    return { messages, nextCursor: last && messages.length < matches.length ? `${last.sentAt}_${last.id}` : null };
  }
}

type ThreadRow = [id: string, participants: string[], messages: string[], version: number, lastEventId: string, touchedMs: number];
type MessageRow = [sent: Sent, receipts: Receipt[], bytes: number];
/** The layout of {@link MessageBook.snapshot}. */
export interface BookState {
  threads: ThreadRow[];
  messages: MessageRow[];
  settled: string[];
  inboxes: [agent: string, ids: string[]][];
  bare: string[];
  bytes: number;
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((v) => typeof v === 'string');
const isNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** Checks a snapshot's state enough to fold on it (it was written by {@link MessageBook.snapshot} and carries its digest). */
function parseBookState(state: unknown): BookState {
  const { threads, messages, settled, inboxes, bare, bytes } = (state ?? {}) as Partial<BookState>;
  if (!Array.isArray(threads) || !Array.isArray(messages) || !isStrings(settled) || !Array.isArray(inboxes) || !isStrings(bare) || !isNumber(bytes)) throw new Error('not a message book');
  for (const row of threads) {
    const [id, participants, ids, version, lastEventId, touchedMs] = Array.isArray(row) ? row : [];
    if (typeof id !== 'string' || !isStrings(participants) || !isStrings(ids) || !Number.isSafeInteger(version) || typeof lastEventId !== 'string' || !isNumber(touchedMs)) throw new Error('a thread row is malformed');
  }
  for (const row of messages) {
    const [sent, receipts, cost] = Array.isArray(row) ? row : [];
    const ok = sent !== null && typeof sent === 'object' && typeof sent.id === 'string' && typeof sent.thread === 'string' && typeof sent.at === 'string' && isStrings(sent.recipients) && isStrings(sent.audience);
    if (!ok || !isNumber(cost) || !Array.isArray(receipts) || !receipts.every((r) => r !== null && typeof r === 'object' && typeof r.agent === 'string')) throw new Error('a message row is malformed');
  }
  for (const row of inboxes) if (!Array.isArray(row) || typeof row[0] !== 'string' || !isStrings(row[1])) throw new Error('an inbox row is malformed');
  return { threads, messages, settled, inboxes, bare, bytes };
}

type Position = { at: string; id: string };

const first = <T>(items: Iterable<T>): T | undefined => {
  for (const item of items) return item;
  return undefined;
};

/** Every recipient has read it, and acknowledged it when that was asked. */
function isSettled(message: MessageRecord): boolean {
  return message.sent.recipients.every((agent) => {
    const receipt = message.receipts.get(agent);
    return receipt?.readAt && (!message.sent.ackRequired || receipt.acknowledgedAt);
  });
}

/** Newest first; the id breaks ties so the order (and a cursor) is total. */
function compareNewestFirst(a: Position, b: Position): number {
  return b.at.localeCompare(a.at) || b.id.localeCompare(a.id);
}

function parseCursor(cursor: string | undefined): Position | undefined {
  if (cursor === undefined) return undefined;
  const match = CURSOR.exec(cursor);
  if (!match) throw new LighthouseError('VALIDATION_FAILED', 'cursor is not one this service handed out');
  return { at: match[1] as string, id: match[2] as string };
}
