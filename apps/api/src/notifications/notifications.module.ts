import { Module } from '@nestjs/common';
import { RemindersModule } from '../../../worker/src/reminders/reminders.module.js';
import { AdminRemindersController } from './admin-reminders.controller.js';
import { BullBoardMount } from './bull-board.js';
import { NotificationMetrics } from './notification-metrics.js';
import { NotificationsController } from './notifications.controller.js';

/**
 * The notification inbox for every user, bull-board and reconciliation for administrators, queue
 * metrics; and (WORKER_IN_PROCESS) the reminder workers themselves. Needs the global
 * PlatformModule, AuthModule and MetricsModule.
 */
@Module({
  imports: [RemindersModule.forRoot({ run: 'WORKER_IN_PROCESS' })],
  controllers: [NotificationsController, AdminRemindersController],
  providers: [BullBoardMount, NotificationMetrics],
})
export class NotificationsModule {}
