import { Module } from '@nestjs/common';
import { IdempotencyStore } from '../http/idempotency.js';
import { ReportsModule } from '../reports/reports.module.js';
import { ExcelExportController } from './excel-export.controller.js';
import { ExcelImportController } from './excel-import.controller.js';
import { ImportReportSheetHandler } from './import-report-sheet.js';
import { PdfPrinter } from './pdf-printer.js';
import { ReportExports } from './report-exports.js';

/**
 * Excel import and export of the standard forms, the print page and its PDF. Needs ReportsModule
 * (the report fold), the global AuthModule, PlatformModule, MetricsModule and CqrsModule.forRoot,
 * and the .xlsx body parser (registerSpreadsheetBodyParser) on the Fastify instance.
 * ReportExports.exportReports is the entry a campaign's bulk export calls.
 */
@Module({
  imports: [ReportsModule],
  controllers: [ExcelExportController, ExcelImportController],
  providers: [ImportReportSheetHandler, ReportExports, IdempotencyStore, { provide: PdfPrinter, useFactory: () => new PdfPrinter() }],
  exports: [ReportExports],
})
export class ExcelModule {}
