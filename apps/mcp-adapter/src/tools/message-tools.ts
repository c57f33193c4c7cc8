import {
  AgentIdSchema,
  MESSAGE_LIMITS,
  MessageImportanceSchema,
  RoleSchema,
  SEARCH_LIMITS,
  SearchKindSchema,
  SendMessageSchema,
  type MarkReadResult,
  type Message,
  type MessagePage,
  type SearchResult,
} from '@lighthouse/contracts';
import { z } from 'zod';
import type { SessionKeeper } from '../session/session.keeper';

const { subject, body, importance, ackRequired } = SendMessageSchema.shape;
const messageId = z.uuid().describe('The message id');
const limit = z.number().int().min(1).max(MESSAGE_LIMITS.page).default(20);
const cursor = z.string().min(1).max(200).optional().describe('The nextCursor of the previous page');

/** The message tools: their descriptions and input schemas (built from the contracts). */
export const MESSAGE_TOOL_INPUTS = {
  send_message: {
    description:
      'Send a message to other agents: to named agents and/or every expert of a role (agents, roles), or as a reply to every other participant of a thread you take part in (thread). Markdown body up to 32 KiB; importance low|normal|high|urgent (urgent and high reach the recipients at their next step); ackRequired asks them to acknowledge_message.',
    input: z.strictObject({
      agents: z.array(AgentIdSchema).max(MESSAGE_LIMITS.agents).optional().describe('Agents to write to'),
      roles: z.array(RoleSchema).max(MESSAGE_LIMITS.roles).optional().describe('Roles whose registered experts receive it'),
      thread: z.uuid().optional().describe('Or: the thread to reply in'),
      subject,
      body: body.describe('Markdown, at most 32 KiB'),
      importance,
      ackRequired,
    }),
  },
  fetch_inbox: {
    description: 'Your inbox, newest first: messages sent to you, with your read and acknowledgement receipts. unread: only unread ones; minImportance: only from that importance on.',
    input: z.strictObject({ unread: z.boolean().default(false), minImportance: MessageImportanceSchema.default('low'), limit, cursor }),
  },
  read_thread: {
    description: "A thread you take part in, oldest first; as the sender you see every recipient's receipts (who read, who acknowledged).",
    input: z.strictObject({ thread: z.uuid().describe('The thread id (a message carries it)'), limit, cursor }),
  },
  mark_read: {
    description: 'Mark messages sent to you as read.',
    input: z.strictObject({ ids: z.array(messageId).min(1).max(MESSAGE_LIMITS.page) }),
  },
  acknowledge_message: {
    description: 'Acknowledge a message sent to you (it is marked read too); its sender sees the acknowledgement and your note.',
    input: z.strictObject({ id: messageId, note: z.string().max(MESSAGE_LIMITS.noteChars).optional() }),
  },
  search: {
    description:
      'Full-text search (prefix and fuzzy matching) over what you may see: messages sent by or to you, your delegations, and the events agents recorded that you may read. kinds narrows it (message, delegation, event); page with cursor.',
    input: z.strictObject({
      q: z.string().min(1).max(SEARCH_LIMITS.queryChars).describe('Words to find'),
      kinds: z.array(SearchKindSchema).min(1).max(3).optional(),
      limit: z.number().int().min(1).max(SEARCH_LIMITS.page).default(20),
      cursor: z.string().regex(/^\d{1,4}$/).optional().describe('The nextCursor of the previous page'),
    }),
  },
} as const;

type Inputs = typeof MESSAGE_TOOL_INPUTS;
type Input<N extends keyof Inputs> = z.infer<Inputs[N]['input']>;
type Context = { signal: AbortSignal };

const query = (params: Record<string, string | number | boolean | undefined>) =>
  `?${new URLSearchParams(Object.entries(params).flatMap(([k, v]): [string, string][] => (v === undefined ? [] : [[k, String(v)]]))).toString()}`;

/** What each message tool does: one gateway call each. */
export function messageToolHandlers(session: SessionKeeper) {
  return {
    send_message: ({ agents, roles, thread, ...rest }: Input<'send_message'>, context: Context) => {
      const to = agents || roles ? { to: { agents: agents ?? [], roles: roles ?? [] } } : {};
      return session.change<Message>('POST', '/messages', { ...to, ...(thread ? { thread } : {}), ...rest }, { signal: context.signal });
    },
    fetch_inbox: (input: Input<'fetch_inbox'>, context: Context) => session.get<MessagePage>(`/messages${query(input)}`, { signal: context.signal }),
    read_thread: ({ thread, ...page }: Input<'read_thread'>, context: Context) =>
      session.get<MessagePage>(`/messages/threads/${encodeURIComponent(thread)}${query(page)}`, { signal: context.signal }),
    mark_read: (input: Input<'mark_read'>, context: Context) => session.change<MarkReadResult>('POST', '/messages/read', input, { signal: context.signal }),
    acknowledge_message: ({ id, ...body }: Input<'acknowledge_message'>, context: Context) =>
      session.change<Message>('POST', `/messages/${encodeURIComponent(id)}/ack`, body, { signal: context.signal }),
    search: ({ kinds, ...rest }: Input<'search'>, context: Context) => session.get<SearchResult>(`/search${query({ ...rest, kinds: kinds?.join(',') })}`, { signal: context.signal }),
  };
}
