import { Controller, Inject } from '@nestjs/common';
import { RPC, type RpcParsedRequest, type SearchResult } from '@lighthouse/contracts';
import { HandlesRpc } from '@lighthouse/transport';
import { SearchService } from './search.service';

/** `lh.search.query.search.v1`: the gateway fills `actor` from the session. */
@Controller()
export class SearchController {
  constructor(@Inject(SearchService) private readonly search: SearchService) {}

  @HandlesRpc(RPC.search.query)
  query(m: RpcParsedRequest<typeof RPC.search.query>): SearchResult {
    return this.search.search(m.actor, m.query);
  }
}
