import { z } from 'zod';
import { ActorSchema, RoleSchema } from './delegations';
import { AgentIdSchema } from './events';

const iso = z.iso.datetime();
const utf8Bytes = (text: string) => new TextEncoder().encode(text).length;

/** Bounds of one message and of every read of messages (each reply fits one frame). */
export const MESSAGE_LIMITS = {
  /** A body is Markdown, at most this many UTF-8 bytes. */
  bodyBytes: 32 * 1024,
  subjectChars: 200,
  /** Agents named in one `to`, roles named in one `to`. */
  agents: 50,
  roles: 10,
  /** Agents one message reaches (named agents, the experts of its roles, a thread's participants). */
  recipients: 200,
  /** Messages in one page of an inbox or a thread. */
  page: 100,
  noteChars: 2000,
} as const;

/** `urgent` (and `high`) messages are brought into the agent's context by the hooks. */
export const MessageImportanceSchema = z.enum(['low', 'normal', 'high', 'urgent']);
export type MessageImportance = z.infer<typeof MessageImportanceSchema>;

export const MessageBodySchema = z
  .string()
  .min(1)
  .max(MESSAGE_LIMITS.bodyBytes)
  .refine((body) => utf8Bytes(body) <= MESSAGE_LIMITS.bodyBytes, `a message body is at most ${MESSAGE_LIMITS.bodyBytes} bytes of UTF-8`);

export const MessageAddressSchema = z.strictObject({
  agents: z.array(AgentIdSchema).max(MESSAGE_LIMITS.agents).default([]),
  /** Every agent registered as an expert of the role when the message is sent. */
  roles: z.array(RoleSchema).max(MESSAGE_LIMITS.roles).default([]),
});
export type MessageAddress = z.infer<typeof MessageAddressSchema>;

/**
 * `POST /messages`: a new thread to agents and roles (`to`), or a reply to every participant of a
 * thread the sender takes part in (`thread`): exactly one of the two.
 */
export const SendMessageSchema = z
  .strictObject({
    to: MessageAddressSchema.optional(),
    thread: z.uuid().optional(),
    subject: z.string().min(1).max(MESSAGE_LIMITS.subjectChars),
    body: MessageBodySchema,
    importance: MessageImportanceSchema.default('normal'),
    /** The recipients are asked to acknowledge it (acknowledge_message); the sender sees who did. */
    ackRequired: z.boolean().default(false),
  })
  .refine((m) => (m.thread === undefined) !== (m.to === undefined), { message: 'give exactly one of to (agents, roles) or thread' })
  .refine((m) => m.to === undefined || m.to.agents.length + m.to.roles.length > 0, { message: 'to names no agent and no role' });
export type SendMessage = z.infer<typeof SendMessageSchema>;

/** One recipient's receipt: when it read and acknowledged the message. */
export const ReceiptSchema = z.strictObject({
  agent: AgentIdSchema,
  readAt: iso.nullable(),
  acknowledgedAt: iso.nullable(),
  note: z.string().max(MESSAGE_LIMITS.noteChars).nullable(),
});
export type Receipt = z.infer<typeof ReceiptSchema>;

/**
 * A message as a reader sees it. `receipts`: the sender sees every recipient's, a recipient only
 * its own.
 */
export const MessageSchema = z.strictObject({
  id: z.uuid(),
  thread: z.uuid(),
  from: AgentIdSchema,
  to: MessageAddressSchema,
  recipients: z.array(AgentIdSchema).max(MESSAGE_LIMITS.recipients),
  subject: z.string().min(1).max(MESSAGE_LIMITS.subjectChars),
  body: z.string().max(MESSAGE_LIMITS.bodyBytes),
  importance: MessageImportanceSchema,
  ackRequired: z.boolean(),
  sentAt: iso,
  receipts: z.array(ReceiptSchema).max(MESSAGE_LIMITS.recipients),
});
export type Message = z.infer<typeof MessageSchema>;

export const MessagePageSchema = z.strictObject({
  messages: z.array(MessageSchema),
  /** Pass as `cursor` for the next page; null when there is nothing further. */
  nextCursor: z.string().nullable(),
});
export type MessagePage = z.infer<typeof MessagePageSchema>;

const cursor = z.string().min(1).max(200);
const limit = z.number().int().min(1).max(MESSAGE_LIMITS.page).default(20);

/** The router's requests: the gateway fills `actor` from the session. */
export const MessageRequestSchemas = {
  /** `roleMembers`: the agents the gateway found registered for the roles of `to`. */
  send: z.strictObject({
    actor: ActorSchema,
    request: SendMessageSchema,
    roleMembers: z.array(AgentIdSchema).max(MESSAGE_LIMITS.recipients).default([]),
    correlationId: z.string().min(1).max(128),
  }),
  /** The caller's inbox, newest first: `unread` only, or at least `minImportance`. */
  inbox: z.strictObject({ actor: ActorSchema, unread: z.boolean().default(false), minImportance: MessageImportanceSchema.default('low'), limit, cursor: cursor.optional() }),
  /** A thread the caller takes part in, oldest first. */
  thread: z.strictObject({ actor: ActorSchema, thread: z.uuid(), limit, cursor: cursor.optional() }),
  markRead: z.strictObject({ actor: ActorSchema, ids: z.array(z.uuid()).min(1).max(MESSAGE_LIMITS.page) }),
  acknowledge: z.strictObject({ actor: ActorSchema, id: z.uuid(), note: z.string().max(MESSAGE_LIMITS.noteChars).optional() }),
} as const;

export const MarkReadResultSchema = z.strictObject({ marked: z.number().int().min(0), alreadyRead: z.number().int().min(0) });
export type MarkReadResult = z.infer<typeof MarkReadResultSchema>;

/**
 * Published on `lh.message.evt.noticed.v1.<agent>`: a message reached the agent, or a recipient
 * acknowledged the agent's message. Hints for live delivery; the event store is the record.
 */
export const MessageNoticeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('received'), message: MessageSchema }),
  z.strictObject({
    kind: z.literal('acknowledged'),
    messageId: z.uuid(),
    thread: z.uuid(),
    subject: z.string().max(MESSAGE_LIMITS.subjectChars),
    by: AgentIdSchema,
    at: iso,
    note: z.string().max(MESSAGE_LIMITS.noteChars).nullable(),
  }),
]);
export type MessageNotice = z.infer<typeof MessageNoticeSchema>;

/**
 * Stored events of a thread (stream `thread-<id>`). `audience` names every agent that may read
 * the event besides operators: sender and recipients for a message, the reader and the sender
 * for a receipt; the visibility rule reads it from the event alone.
 */
const audience = z.array(AgentIdSchema).min(1).max(MESSAGE_LIMITS.recipients + 1);
export const MESSAGE_EVENT_DATA = {
  'message.sent': z.strictObject({
    id: z.uuid(),
    thread: z.uuid(),
    from: AgentIdSchema,
    to: MessageAddressSchema,
    recipients: z.array(AgentIdSchema).min(1).max(MESSAGE_LIMITS.recipients),
    subject: z.string().min(1).max(MESSAGE_LIMITS.subjectChars),
    body: z.string().max(MESSAGE_LIMITS.bodyBytes),
    importance: MessageImportanceSchema,
    ackRequired: z.boolean(),
    audience,
    at: iso,
  }),
  'message.read': z.strictObject({ id: z.uuid(), thread: z.uuid(), by: AgentIdSchema, audience, at: iso }),
  'message.acknowledged': z.strictObject({ id: z.uuid(), thread: z.uuid(), by: AgentIdSchema, note: z.string().max(MESSAGE_LIMITS.noteChars).nullable(), audience, at: iso }),
} as const;
export type MessageEventType = keyof typeof MESSAGE_EVENT_DATA;
export type MessageEvent = { [T in MessageEventType]: { type: T; data: z.output<(typeof MESSAGE_EVENT_DATA)[T]> } }[MessageEventType];

/** The event-store stream of one thread. */
export const threadStreamOf = (thread: string): string => `thread-${thread}`;
