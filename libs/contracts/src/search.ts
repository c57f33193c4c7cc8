import { z } from 'zod';
import { ActorSchema } from './delegations';
import { AgentIdSchema } from './events';

/** Bounds of a search: the query, the page, each hit's snippet. */
export const SEARCH_LIMITS = {
  queryChars: 200,
  /** Terms of a query past this are ignored (each term is a lookup in the index). */
  queryTerms: 12,
  page: 50,
  snippetChars: 300,
  /** How far one may page into the hits (offset + limit). */
  depth: 1000,
} as const;

export const SearchKindSchema = z.enum(['message', 'delegation', 'event']);
export type SearchKind = z.infer<typeof SearchKindSchema>;

/** `GET /search?q=&kinds=&limit=&cursor=`. */
export const SearchQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(SEARCH_LIMITS.queryChars),
  kinds: z.array(SearchKindSchema).min(1).max(3).default(['message', 'delegation', 'event']),
  limit: z.number().int().min(1).max(SEARCH_LIMITS.page).default(20),
  /** The `nextCursor` of the previous page. */
  cursor: z
    .string()
    .regex(/^\d{1,4}$/, 'a cursor this service handed out')
    .optional(),
});
export type SearchQuery = z.infer<typeof SearchQuerySchema>;

export const SearchRequestSchema = z.strictObject({ actor: ActorSchema, query: SearchQuerySchema });

/** One hit: what it is, where to read it in full, and a bounded snippet. */
export const SearchHitSchema = z.strictObject({
  kind: SearchKindSchema,
  /** The message id, the delegation id, or the event id. */
  id: z.string().min(1).max(200),
  title: z.string().max(SEARCH_LIMITS.snippetChars),
  snippet: z.string().max(SEARCH_LIMITS.snippetChars),
  /** Who wrote it (sender, requester, the event's agent). */
  agent: AgentIdSchema,
  /** The event-store stream it lives on (`thread-<id>`, `delegation-<id>`, the event's stream). */
  stream: z.string().max(200),
  at: z.iso.datetime(),
  score: z.number(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResultSchema = z.strictObject({
  hits: z.array(SearchHitSchema).max(SEARCH_LIMITS.page),
  nextCursor: z.string().nullable(),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;
