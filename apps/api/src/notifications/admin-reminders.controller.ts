import { Controller, Get, HttpCode, Post } from '@nestjs/common';
import { RemindersRuntime } from '../../../worker/src/reminders/reminders-runtime.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { requireAdmin } from '../auth/require-role.js';

/** Administrators: what the queues hold, and reconciliation on demand. */
@Controller('admin/reminders')
export class AdminRemindersController {
  constructor(private readonly runtime: RemindersRuntime) {}

  @Get('status')
  async status(@CurrentPrincipal() principal: Principal) {
    requireAdmin(principal);
    const [reminders, deliveries, deadLetters, ledger, manager] = await Promise.all([
      this.runtime.queues.reminders.getJobCounts(),
      this.runtime.queues.deliveries.getJobCounts(),
      this.runtime.queues.deadLetters.getJobCounts(),
      this.runtime.ledger.counts(),
      this.runtime.processManager.status(),
    ]);
    return {
      queues: { reminders, deliveries, deadLetters },
      deliveries: ledger,
      processManager: { position: manager.position.toString(), head: manager.head.toString(), lag: Number(manager.lag), active: manager.active, lastError: manager.lastError },
    };
  }

  /** Rebuilds every pending wake-up and delivery job from the event store (after a Redis loss, say). */
  @Post('reconcile')
  @HttpCode(200)
  async reconcile(@CurrentPrincipal() principal: Principal) {
    requireAdmin(principal);
    return this.runtime.reconcile();
  }
}
