import { Module, type DynamicModule } from '@nestjs/common';
import type { EventEnvelope } from '@lighthouse/contracts';
import { SearchIndex, type MessageBook } from '@lighthouse/messaging';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { documentOfEvent } from './search-documents';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

/**
 * Search over messages, delegations and agents' events. `follow` is what the router's store
 * follower calls with every committed event (after the message book's): delegations come from the
 * delegation projection. The messages searched are those the book holds: one it did not take in
 * (past the retention window) is not indexed, and one that leaves it leaves the index too.
 */
@Module({})
export class SearchModule {
  static create(config: DelegationRouterConfig, book: MessageBook): { follow: (event: EventEnvelope) => void; index: SearchIndex; module: (delegations: DynamicModule) => DynamicModule } {
    const index = new SearchIndex(config.LH_SEARCH_MAX_DOCUMENTS, config.LH_SEARCH_MAX_BYTES);
    book.onEvicted((id) => index.remove('message', id));
    return {
      index,
      follow: (event) => {
        const document = documentOfEvent(event);
        if (document && (document.kind !== 'message' || book.message(document.ref))) index.put(document);
      },
      module: (delegations) => ({
        module: SearchModule,
        imports: [delegations],
        controllers: [SearchController],
        providers: [SearchService, { provide: SearchIndex, useValue: index }, { provide: DELEGATION_ROUTER_CONFIG, useValue: config }],
      }),
    };
  }
}
