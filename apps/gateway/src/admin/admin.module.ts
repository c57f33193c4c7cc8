import { Module } from '@nestjs/common';
import { AdminOperatorsController } from './admin-operators.controller';
import { AdminController } from './admin.controller';

@Module({ controllers: [AdminController, AdminOperatorsController] })
export class AdminModule {}
