import { Module, type DynamicModule } from '@nestjs/common';
import { SUBJECTS } from '@lighthouse/contracts';
import { HealthModule } from '@lighthouse/transport';
import { DelegationsModule, type DelegationsDeps } from './delegations/delegations.module';
import { MessagesModule } from './messages/messages.module';
import { ReservationsModule } from './reservations/reservations.module';
import type { ReservationsConfig } from './reservations/reservations.config';
import { SearchModule } from './search/search.module';

@Module({})
export class AppModule {
  static async register(deps: DelegationsDeps & { config: Partial<ReservationsConfig> }): Promise<DynamicModule> {
    const messages = MessagesModule.create(deps);
    const search = SearchModule.create(deps.config, messages.repository.book);
    // Reservations follow the store on their own (their book is caught up before they answer).
    const reservations = await ReservationsModule.register(deps);
    // One store follower feeds the other projections of the router (delegations, messages, the search index);
    // messages first, so the index takes in only the messages the book holds.
    const delegations = await DelegationsModule.register({ ...deps, alsoFollow: [messages.follow, search.follow] });
    return {
      module: AppModule,
      imports: [delegations, messages.module(), search.module(delegations), reservations, HealthModule.register({ service: 'delegation-router', subject: SUBJECTS.delegation.health })],
    };
  }
}
