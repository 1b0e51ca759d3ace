import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IdempotencyStore } from '../http/idempotency.js';
import { ExecuteReportCommandHandler } from './execute-report-command.js';
import { ReportRepository } from './report-repository.js';
import { ReportsController } from './reports.controller.js';

@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [ReportsController],
  providers: [ReportRepository, ExecuteReportCommandHandler, IdempotencyStore],
  exports: [ReportRepository],
})
export class ReportsModule {}
