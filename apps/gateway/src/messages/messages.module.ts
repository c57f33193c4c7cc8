import { Module } from '@nestjs/common';
import { DelegationsModule } from '../delegations/delegations.module';
import { SearchController } from '../search/search.controller';
import { MessagesController } from './messages.controller';

/** Messages between agents, and search over what the caller may see. */
@Module({ imports: [DelegationsModule], controllers: [MessagesController, SearchController] })
export class MessagesModule {}
