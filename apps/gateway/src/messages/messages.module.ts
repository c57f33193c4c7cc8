import { Module } from '@nestjs/common';
import { DelegationsModule } from '../delegations/delegations.module';
import { MessagesController } from './messages.controller';

@Module({ imports: [DelegationsModule], controllers: [MessagesController] })
export class MessagesModule {}
