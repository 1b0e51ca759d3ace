import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { InboxController } from './inbox.controller.js';

@Module({ imports: [AuthModule], controllers: [InboxController] })
export class InboxModule {}
