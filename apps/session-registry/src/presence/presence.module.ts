import { Global, Module } from '@nestjs/common';
import { AuthorizeController } from './authorize.controller';
import { AuthorizeService } from './authorize.service';
import { PresencePublisher } from './presence.publisher';

@Global()
@Module({ controllers: [AuthorizeController], providers: [AuthorizeService, PresencePublisher], exports: [PresencePublisher] })
export class PresenceModule {}
