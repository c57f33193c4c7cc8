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

/** One message as the book keeps it: what was sent, and each recipient's receipt. */
export interface MessageRecord {
  sent: Sent;
  receipts: Map<string, Receipt>;
}

/** One thread: who takes part (every sender and recipient), its messages in order, its stream version. */
export interface ThreadRecord {
  id: string;
  participants: Set<string>;
  messages: string[];
  version: number;
  lastEventId: string;
}

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

/**
 * Every message this replica knows, folded from the thread streams (`thread-<id>`): threads,
 * messages, receipts and each agent's inbox. Fed by the store follower and by this replica's own
 * appends; an event at a version other than the next one of its thread is ignored (already folded,
 * or the repository folds the thread again from the store).
 */
export class MessageBook {
  private readonly threads = new Map<string, ThreadRecord>();
  private readonly messages = new Map<string, MessageRecord>();
  private readonly inboxes = new Map<string, string[]>();

  thread(id: string): ThreadRecord | undefined {
    return this.threads.get(id);
  }

  message(id: string): MessageRecord | undefined {
    return this.messages.get(id);
  }

  get size(): number {
    return this.messages.size;
  }

  /** Folds one event of thread `thread` at stream `version`; answers whether it was applied. */
  apply(thread: string, version: number, eventId: string, event: MessageEvent): boolean {
    const current = this.threads.get(thread);
    if (current ? version !== current.version + 1 : version !== 1 || event.type !== 'message.sent') return false;
    const record = current ?? { id: thread, participants: new Set<string>(), messages: [], version: 0, lastEventId: eventId };
    record.version = version;
    record.lastEventId = eventId;
    this.threads.set(thread, record);
    if (event.type === 'message.sent') this.onSent(record, event.data);
    else this.onReceipt(event);
    return true;
  }

  private onSent(thread: ThreadRecord, sent: Sent): void {
    if (this.messages.has(sent.id)) return;
    this.messages.set(sent.id, { sent, receipts: new Map() });
    thread.messages.push(sent.id);
    for (const agent of sent.audience) thread.participants.add(agent);
    for (const agent of sent.recipients) {
      const inbox = this.inboxes.get(agent) ?? [];
      inbox.push(sent.id);
      this.inboxes.set(agent, inbox);
    }
  }

  private onReceipt(event: Exclude<MessageEvent, { type: 'message.sent' }>): void {
    const message = this.messages.get(event.data.id);
    if (!message) return;
    const receipt = message.receipts.get(event.data.by) ?? { agent: event.data.by, readAt: null, acknowledgedAt: null, note: null };
    if (event.type === 'message.read') receipt.readAt ??= event.data.at;
    else Object.assign(receipt, { acknowledgedAt: receipt.acknowledgedAt ?? event.data.at, note: event.data.note, readAt: receipt.readAt ?? event.data.at });
    message.receipts.set(event.data.by, receipt);
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
    const ids = this.inboxes.get(agent) ?? [];
    const matches: MessageRecord[] = [];
    for (let i = ids.length - 1; i >= 0; i--) {
      const message = this.messages.get(ids[i] as string) as MessageRecord;
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
    // In stream order: the cursor names the last message of the previous page.
    const after = parseCursor(query.cursor);
    const start = after ? thread.messages.indexOf(after.id) + 1 : 0;
    if (after && start === 0) throw new LighthouseError('VALIDATION_FAILED', 'cursor is not one this service handed out');
    const visible = thread.messages
      .slice(start)
      .map((id) => this.messages.get(id) as MessageRecord)
      .filter((m) => m.sent.audience.includes(viewer));
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

type Position = { at: string; id: string };

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
