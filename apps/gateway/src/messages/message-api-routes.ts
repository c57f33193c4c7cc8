import { MarkReadResultSchema, MessagePageSchema, MessageSchema, SearchResultSchema, SendMessageSchema } from '@lighthouse/contracts';
import { z } from 'zod';
import type { ApiRoute } from '../openapi/api-routes';
import { SearchHttpQuerySchema } from '../search/search.controller';
import { AcknowledgeBodySchema, InboxQuerySchema, MarkReadBodySchema, ThreadQuerySchema } from './message-http.schemas';

/** The message and search routes as the OpenAPI document lists them. */
export const MESSAGE_API_ROUTES: readonly ApiRoute[] = [
  {
    method: 'post',
    path: '/messages',
    access: 'agent',
    summary:
      'Send a message (Markdown body, at most 32 KiB) to agents and roles, or to every other participant of a thread of the caller; importance, acknowledgement required. 404 UNKNOWN_RECIPIENT when `to` names an agent no credential was issued to (nothing is sent); 429 RATE_LIMITED past the sender\'s message quota (a burst, then a rate; see Retry-After)',
    body: SendMessageSchema,
    status: 201,
    response: MessageSchema,
    errors: [403, 404],
  },
  { method: 'get', path: '/messages', access: 'agent', summary: "The caller's inbox, newest first (unread only, from an importance on), paged by count and bytes", query: InboxQuerySchema, status: 200, response: MessagePageSchema },
  { method: 'get', path: '/messages/threads/{thread}', access: 'agent', summary: 'A thread the caller takes part in, oldest first, paged', params: { thread: z.uuid() }, query: ThreadQuerySchema, status: 200, response: MessagePageSchema, errors: [403, 404] },
  { method: 'post', path: '/messages/read', access: 'agent', summary: 'Mark messages sent to the caller read', body: MarkReadBodySchema, status: 200, response: MarkReadResultSchema, errors: [403, 404] },
  { method: 'post', path: '/messages/{id}/ack', access: 'agent', summary: 'Acknowledge a message sent to the caller (marks it read); its sender sees the receipt', params: { id: z.uuid() }, body: AcknowledgeBodySchema, status: 200, response: MessageSchema, errors: [403, 404] },
  {
    method: 'get',
    path: '/search',
    access: 'agent',
    summary: 'Full-text search (prefix and fuzzy) over the messages, delegations and agent events the caller may see; q at most 200 characters, kinds=message,delegation,event, paged (at most 50 a page, 1000 deep)',
    query: SearchHttpQuerySchema,
    status: 200,
    response: SearchResultSchema,
  },
];
