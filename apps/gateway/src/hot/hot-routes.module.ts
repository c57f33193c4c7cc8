import { Module } from '@nestjs/common';
import { DelegationsModule } from '../delegations/delegations.module';
import { HotRoutes } from './hot-routes';

@Module({ imports: [DelegationsModule], providers: [HotRoutes] })
export class HotRoutesModule {}
