import { DelegationChangedSchema, MessageNoticeSchema, type DelegationList, type MessagePage } from '@lighthouse/contracts';
import type { SessionKeeper } from '../session/session.keeper';
import { MAX_DIGEST_ITEMS, type ContextItem, type DigestFiles } from './context-digest';
import { itemOfDelegation, itemOfMessage, itemOfMessageNotice } from './context-items';
import type { StreamEvent } from './notice-follower';

/**
 * The adapter's side of delivery without polling: it turns the agent's event stream (messages,
 * receipts, delegations) into the context digest the hooks read, and catches up from the inbox and
 * the assigned delegations after every (re)connection of the stream.
 */
export class ContextKeeper {
  private readonly items = new Map<string, ContextItem>();

  constructor(
    private readonly files: DigestFiles,
    private readonly session: SessionKeeper,
    private readonly log: (message: string) => void,
  ) {
    for (const item of files.readDigest().items) this.items.set(item.key, item);
  }

  onEvent(event: StreamEvent): void {
    const payload = parse(event.data);
    if (event.event === 'message') {
      const notice = MessageNoticeSchema.safeParse(payload);
      if (notice.success) this.put(itemOfMessageNotice(notice.data));
    } else if (event.event === 'delegation') {
      const notice = DelegationChangedSchema.safeParse(payload);
      if (!notice.success) return;
      const { delegation } = notice.data;
      for (const key of this.items.keys()) if (key.startsWith(`delegation:${delegation.id}:`)) this.items.delete(key);
      this.put(itemOfDelegation(delegation, this.files.agentId), true);
    }
  }

  /** What arrived while the stream was down: unread pressing messages, delegations assigned and not claimed. */
  async catchUp(): Promise<void> {
    try {
      const [inbox, assigned] = await Promise.all([
        this.session.get<MessagePage>('/messages?unread=true&limit=50'),
        this.session.get<DelegationList>('/delegations?scope=assigned&state=assigned&limit=50'),
      ]);
      for (const message of [...inbox.messages].reverse()) this.put(itemOfMessage(message), false);
      for (const delegation of assigned.delegations) this.put(itemOfDelegation(delegation, this.files.agentId), false);
      this.save();
    } catch (error) {
      this.log(`could not catch up on messages and delegations: ${(error as Error).message}`);
    }
  }

  /** The agent dealt with these messages itself (read or acknowledged them): nothing left to say. */
  handled(messageIds: readonly string[]): void {
    const before = this.items.size;
    for (const id of messageIds) this.items.delete(`message:${id}`);
    if (this.items.size !== before) this.save();
  }

  private put(item: ContextItem | undefined, save = true): void {
    if (item && !this.items.has(item.key)) this.items.set(item.key, item);
    // Oldest first out: the hooks say each item once anyway, the inbox keeps every message.
    for (const key of this.items.keys()) {
      if (this.items.size <= MAX_DIGEST_ITEMS) break;
      this.items.delete(key);
    }
    if (save) this.save();
  }

  private save(): void {
    this.files.writeDigest([...this.items.values()]);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
