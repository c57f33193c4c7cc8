import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { canSeeEvent } from '@lighthouse/auth';
import type { Actor, Delegation, SearchQuery, SearchResult } from '@lighthouse/contracts';
import { canSee } from '@lighthouse/delegation';
import { SearchIndex, type SearchDocument } from '@lighthouse/messaging';
import { DELEGATION_ROUTER_CONFIG, type DelegationRouterConfig } from '../delegation-router.config';
import { DelegationRepository } from '../delegations/delegation.repository';
import { documentOfDelegation } from './search-documents';

/**
 * Full-text search with the visibility rules of every other read: a message only for its audience,
 * a delegation only for its parties, an event as `canSeeEvent` says; operators see everything.
 * The index (embedded, in this replica's memory) is fed by the store follower and the delegation
 * projection, so every replica answers the same once it has caught up.
 */
@Injectable()
export class SearchService implements OnModuleInit {
  private readonly publicStreams: string[];

  constructor(
    @Inject(SearchIndex) private readonly index: SearchIndex,
    @Inject(DelegationRepository) private readonly delegations: DelegationRepository,
    @Inject(DELEGATION_ROUTER_CONFIG) config: DelegationRouterConfig,
  ) {
    this.publicStreams = config.LH_PUBLIC_STREAMS.split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  onModuleInit(): void {
    // Restored from a snapshot, the index holds most of them as they are: only the others are indexed again.
    for (const { delegation } of this.delegations.projection.all()) this.index.refresh(documentOfDelegation(delegation));
    // Indexed once it has stopped changing for a moment (a round trip changes it three times), not at every change.
    this.delegations.projection.on('change', (delegation: Delegation) => this.index.putSoon('delegation', delegation.id, () => documentOfDelegation(delegation)));
  }

  search(actor: Actor, query: SearchQuery): SearchResult {
    return this.index.search(query, (document) => this.visible(actor, document));
  }

  private visible(actor: Actor, document: SearchDocument): boolean {
    if (actor.operator) return true;
    if (document.kind === 'message') return document.audience?.includes(actor.agent) ?? false;
    if (document.kind === 'delegation') return this.isParty(document.ref, actor);
    const context = { publicStreams: this.publicStreams, isDelegationParty: (id: string) => this.isParty(id, actor) };
    return canSeeEvent({ agent: actor.agent, operator: false }, { stream: document.stream, agent: document.agent, data: document.data }, context);
  }

  private isParty(id: string, actor: Actor): boolean {
    const tracked = this.delegations.projection.get(id);
    return tracked !== undefined && canSee(tracked.delegation, actor);
  }
}
