import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { exportReportWorkbook, renderPrintHtml, XLSX_MEDIA_TYPE, type ExportableReport } from '#excel';
import { LOGGER } from '#platform';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { HttpProblem } from '../http/http-problem.js';
import { etagOf } from '../http/preconditions.js';
import { OVERDUE_DESCRIPTION } from '../read-models/report-list.controller.js';
import { notFound } from '../reports/execute-report-command.js';
import { attachment, reportFileStem } from './downloads.js';
import { PdfPrinter } from './pdf-printer.js';
import { ReportExports } from './report-exports.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The print page loads nothing and runs nothing. */
const PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";

@ApiTags('excel')
@Controller('reports')
export class ExcelExportController {
  constructor(
    private readonly exports: ReportExports,
    private readonly printer: PdfPrinter,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Get('export.xlsx')
  @ApiOperation({ summary: 'Reports matching the filters of GET /reports as one workbook: a summary sheet, then one form sheet per report (at most 200)' })
  @ApiProduces(XLSX_MEDIA_TYPE)
  @ApiQuery({ name: 'year', required: false, type: Number })
  @ApiQuery({ name: 'kind', required: false, enum: ['department', 'project'] })
  @ApiQuery({ name: 'unitId', required: false })
  @ApiQuery({ name: 'departmentId', required: false })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'stage', required: false })
  @ApiQuery({ name: 'grade', required: false })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'], description: OVERDUE_DESCRIPTION })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'sort', required: false })
  @ApiOkResponse({ description: 'the workbook; X-Report-Count says how many reports it holds' })
  async exportMany(@Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<Buffer> {
    const { workbook, count } = await this.exports.exportMatching(principal, query);
    attachment(reply, XLSX_MEDIA_TYPE, 'reports.xlsx', '绩效自评汇总表.xlsx');
    void reply.header('x-report-count', String(count));
    return workbook;
  }

  @Get(':reportId/export.xlsx')
  @ApiOperation({ summary: 'The report as an .xlsx in the layout of its standard form (项目支出 / 部门整体支出绩效自评表)' })
  @ApiProduces(XLSX_MEDIA_TYPE)
  async exportOne(@Param('reportId') reportId: string, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<Buffer> {
    const report = await this.load(principal, reportId);
    attachment(reply, XLSX_MEDIA_TYPE, `report-${reportId}.xlsx`, `${reportFileStem(report.document)}.xlsx`);
    void reply.header('etag', etagOf(report.revision!));
    return exportReportWorkbook(report);
  }

  @Get(':reportId/print')
  @ApiOperation({ summary: 'The report as a printable HTML page (A4, ruled tables, signature and seal lines)' })
  @ApiProduces('text/html')
  async print(@Param('reportId') reportId: string, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<string> {
    const report = await this.load(principal, reportId);
    void reply.header('content-type', 'text/html; charset=utf-8');
    void reply.header('content-security-policy', PRINT_CSP);
    void reply.header('cache-control', 'private, no-store');
    void reply.header('etag', etagOf(report.revision!));
    return renderPrintHtml(report);
  }

  @Get(':reportId/export.pdf')
  @ApiOperation({ summary: 'The print page as PDF, where headless Chromium is installed (/usr/bin/chromium); 501 otherwise' })
  @ApiProduces('application/pdf')
  async pdf(@Param('reportId') reportId: string, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal): Promise<Buffer> {
    const report = await this.load(principal, reportId);
    if (!this.printer.available) {
      throw HttpProblem.of(501, 'PDF_UNAVAILABLE', '', '本服务器未安装 Chromium，无法生成 PDF；请使用打印页面（/print）由浏览器打印为 PDF', 'Chromium is not installed on this server, so no PDF can be made; print the /print page to PDF from a browser instead');
    }
    let bytes: Buffer;
    try {
      bytes = await this.printer.print(renderPrintHtml(report));
    } catch (error) {
      this.logger.error({ err: error, reportId }, 'PDF print failed');
      throw HttpProblem.of(503, 'PDF_RENDER_FAILED', '', 'PDF 生成失败，请稍后重试', 'The PDF could not be made; try again later', { headers: { 'retry-after': '5' } });
    }
    attachment(reply, 'application/pdf', `report-${reportId}.pdf`, `${reportFileStem(report.document)}.pdf`);
    return bytes;
  }

  private async load(principal: Principal, reportId: string): Promise<ExportableReport> {
    if (!ID.test(reportId)) throw HttpProblem.of(404, 'NOT_FOUND', 'reportId', '无效的编号：reportId', 'Invalid id: reportId');
    const report = await this.exports.exportable(principal, reportId);
    if (!report) throw notFound(reportId);
    return report;
  }
}
