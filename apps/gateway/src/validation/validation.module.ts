import { Module } from '@nestjs/common';
import { DelegationsModule } from '../delegations/delegations.module';
import { ValidateController } from './validate.controller';

@Module({ imports: [DelegationsModule], controllers: [ValidateController] })
export class ValidationModule {}
