import { Module } from '@nestjs/common';
import { ReportsModule } from '../reports/reports.module.js';
import { ReportAuditController } from './report-audit.controller.js';

@Module({
  imports: [ReportsModule],
  controllers: [ReportAuditController],
})
export class AuditModule {}
