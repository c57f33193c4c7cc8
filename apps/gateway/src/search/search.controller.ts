import { Controller, Get, Inject, Query } from '@nestjs/common';
import { RPC, SEARCH_LIMITS, SearchKindSchema, type SearchResult } from '@lighthouse/contracts';
import { MESSAGE_BUS, ZodValidationPipe, type MessageBus } from '@lighthouse/transport';
import { z } from 'zod';
import type { AgentIdentity } from '../auth/authenticate';
import { Caller } from '../auth/identity.decorators';
import { ActorResolver } from '../delegations/actor.resolver';

/** `GET /search?q=&kinds=message,delegation,event&limit=&cursor=` as a query string. */
export const SearchHttpQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(SEARCH_LIMITS.queryChars),
  kinds: z
    .string()
    .max(64)
    .transform((value) => value.split(',').map((kind) => kind.trim()))
    .pipe(z.array(SearchKindSchema).min(1).max(3))
    .optional(),
  limit: z.coerce.number().int().min(1).max(SEARCH_LIMITS.page).default(20),
  cursor: z.string().regex(/^\d{1,4}$/, 'a cursor this service handed out').optional(),
});

/** Full-text search over what the caller may see (messages, delegations, agents' events). */
@Controller('search')
export class SearchController {
  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(ActorResolver) private readonly actors: ActorResolver,
  ) {}

  @Get()
  search(@Query(new ZodValidationPipe(SearchHttpQuerySchema)) query: z.infer<typeof SearchHttpQuerySchema>, @Caller() caller: AgentIdentity): Promise<SearchResult> {
    const { kinds, ...rest } = query;
    return this.bus.request(RPC.search.query, { actor: this.actors.fromToken(caller), query: { ...rest, ...(kinds ? { kinds } : {}) } });
  }
}
