import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { IdempotencyStore } from '../http/idempotency.js';
import { ExecuteReportCommandHandler } from './execute-report-command.js';
import { ReportRepository } from './report-repository.js';
import { ReportsController } from './reports.controller.js';
import { ReportCommandRunner } from './report-command-runner.js';
import { ReportDecisionContext } from '../review/report-decision-context.js';
import { ReviewController } from '../review/review.controller.js';
import { WorkflowRepository } from '../workflows/workflow-repository.js';
import { WorkflowsController } from '../workflows/workflows.controller.js';

@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [ReportsController, ReviewController, WorkflowsController],
  providers: [ReportRepository, ExecuteReportCommandHandler, IdempotencyStore, ReportCommandRunner, ReportDecisionContext, WorkflowRepository],
  exports: [ReportRepository, ReportCommandRunner, IdempotencyStore, WorkflowRepository],
})
export class ReportsModule {}
