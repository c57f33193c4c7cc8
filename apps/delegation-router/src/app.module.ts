import { Module, type DynamicModule } from '@nestjs/common';
import { SUBJECTS } from '@lighthouse/contracts';
import { HealthModule, snapshotSettings } from '@lighthouse/transport';
import { DelegationsModule, type DelegationsDeps } from './delegations/delegations.module';
import { MessagesModule } from './messages/messages.module';
import { ReservationsModule } from './reservations/reservations.module';
import type { ReservationsConfig } from './reservations/reservations.config';
import { SearchModule } from './search/search.module';

@Module({})
export class AppModule {
  static async register(given: Omit<DelegationsDeps, 'snapshots'> & { config: Partial<ReservationsConfig> }): Promise<DynamicModule> {
    const deps = { ...given, snapshots: await snapshotSettings(given.bus.streams, given.config) };
    const messages = MessagesModule.create(deps);
    const search = SearchModule.create(deps.config, messages.repository.book);
    // Reservations follow the store on their own (their book is caught up before they answer).
    const reservations = await ReservationsModule.register(deps);
    // One store follower feeds the other projections of the router (delegations, messages, the search index),
    // and snapshots them together; messages first, so the index takes in only the messages the book holds.
    const delegations = await DelegationsModule.register({ ...deps, alsoFollow: [messages.follow, search.follow], alsoKeep: { messages: messages.repository.book, search: search.index } });
    return {
      module: AppModule,
      imports: [delegations, messages.module(), search.module(delegations), reservations, HealthModule.register({ service: 'delegation-router', subject: SUBJECTS.delegation.health })],
    };
  }
}
