import { createHash } from 'node:crypto';
import { Body, Controller, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDomainError, type Locale, type Problem } from '#domain';
import { loadWorkbook, readFormSheets, XLSX_MEDIA_TYPE, type WorkbookSheetReading } from '#excel';
import { requireRole } from '../auth/require-role.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { HttpProblem } from '../http/http-problem.js';
import { commandContext, type CommandContext } from '../http/command-append.js';
import { IdempotencyStore, requestFingerprint, type StoredResponse } from '../http/idempotency.js';
import { etagOf, parseIfMatch } from '../http/preconditions.js';
import { negotiateLocale } from '../http/problem.js';
import { statusForDomainCode } from '../http/problem.filter.js';
import { representReport } from '../reports/report-representation.js';
import { ImportReportSheet, importedReportId, type ImportSheetResult } from './import-report-sheet.js';
import { SPREADSHEET_BODY_LIMIT_BYTES } from './spreadsheet-body.js';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PROFILE = /^[A-Za-z0-9._-]{1,64}$/;

const binaryBody = { schema: { type: 'string', format: 'binary' }, description: `the .xlsx file itself as the request body (Content-Type: ${XLSX_MEDIA_TYPE}), at most ${SPREADSHEET_BODY_LIMIT_BYTES / 1024 / 1024} MiB` };

function localised(problems: readonly Problem[], locale: Locale) {
  return problems.map((p) => ({ code: p.code, path: p.path, message: p.message[locale], ...(p.details === undefined ? {} : { details: p.details }) }));
}

function spreadsheetBody(body: unknown): Buffer {
  if (Buffer.isBuffer(body) && body.length > 0) return body;
  if (Buffer.isBuffer(body) || body === undefined || body === null) {
    throw HttpProblem.of(400, 'BODY_EMPTY', '', '请求体为空，应为 .xlsx 文件', 'The request body is empty; an .xlsx file expected');
  }
  throw HttpProblem.of(415, 'UNSUPPORTED_MEDIA_TYPE', '', `请求体须为 .xlsx 文件（Content-Type: ${XLSX_MEDIA_TYPE}）`, `The request body must be an .xlsx file (Content-Type: ${XLSX_MEDIA_TYPE})`);
}

async function readUpload(bytes: Buffer, profileId: string | undefined): Promise<WorkbookSheetReading[]> {
  const loaded = await loadWorkbook(bytes);
  if (!loaded.ok) throw new HttpProblem(400, [loaded.problem]);
  const sheets = readFormSheets(loaded.workbook, profileId === undefined ? {} : { profileId });
  if (sheets.length === 0) {
    throw HttpProblem.of(422, 'EXCEL_NO_FORM', '', '工作簿中没有自评表（标题“…支出绩效自评表”或绩效指标表头）', 'The workbook holds no self-evaluation form (a "…支出绩效自评表" title or an indicator table header)');
  }
  return sheets;
}

/**
 * Imports of the standard forms. The body is the .xlsx itself. A sheet that cannot be read in any
 * cell is refused with one problem per cell (address and reason) and appends nothing.
 */
@ApiTags('excel')
@Controller('reports')
export class ExcelImportController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: IdempotencyStore,
  ) {}

  @Post('import')
  @ApiOperation({ summary: 'A new draft report from a workbook holding one form sheet; 201 with the report and the import warnings' })
  @ApiConsumes(XLSX_MEDIA_TYPE)
  @ApiBody(binaryBody)
  @ApiQuery({ name: 'reportId', required: false, description: 'id of the new report (default: generated)' })
  @ApiQuery({ name: 'profileId', required: false, description: 'rule profile for a sheet that does not name one (default "default")' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  async importNew(@Body() body: unknown, @Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    const bytes = spreadsheetBody(body);
    const { reportId: given, profileId } = this.importQuery(query);
    const context = commandContext(request);
    return this.idempotent(request, reply, principal, context, bytes, async () => {
      const reading = this.single(await readUpload(bytes, profileId));
      const reportId = given ?? importedReportId(principal, context.idempotencyKey, 0);
      const result = await this.commandBus.execute(new ImportReportSheet(reading, reportId, 'no_stream', principal, context));
      return this.response(201, result, request, { location: `/reports/${reportId}` });
    });
  }

  @Post(':reportId/import')
  @ApiOperation({ summary: 'Fill an existing draft from a workbook holding one form sheet (If-Match required): indicators and items are matched by the hidden 编号 column' })
  @ApiConsumes(XLSX_MEDIA_TYPE)
  @ApiBody(binaryBody)
  @ApiHeader({ name: 'If-Match', required: true, description: 'the report revision (its ETag)' })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @HttpCode(200)
  async importInto(@Param('reportId') reportId: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    if (!ID.test(reportId)) throw HttpProblem.of(404, 'NOT_FOUND', 'reportId', '无效的编号：reportId', 'Invalid id: reportId');
    const expected = parseIfMatch(request.headers['if-match']);
    const bytes = spreadsheetBody(body);
    const context = commandContext(request);
    return this.idempotent(request, reply, principal, context, bytes, async () => {
      const reading = this.single(await readUpload(bytes, undefined));
      const result = await this.commandBus.execute(new ImportReportSheet(reading, reportId, expected, principal, context));
      return this.response(200, result, request);
    });
  }

  @Post('import/bulk')
  @ApiOperation({ summary: 'One new draft per form sheet of the workbook; 200 with one result per sheet (created report, or its problems). Each sheet is all or nothing on its own.' })
  @ApiConsumes(XLSX_MEDIA_TYPE)
  @ApiBody(binaryBody)
  @ApiQuery({ name: 'profileId', required: false })
  @ApiHeader({ name: 'Idempotency-Key', required: false })
  @HttpCode(200)
  async importBulk(@Body() body: unknown, @Query() query: Record<string, unknown>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    requireRole(principal, 'unit_filler');
    const bytes = spreadsheetBody(body);
    const { profileId } = this.importQuery({ profileId: query.profileId });
    const context = commandContext(request);
    const locale = negotiateLocale(request.headers['accept-language']);
    return this.idempotent(request, reply, principal, context, bytes, async () => {
      const sheets = await readUpload(bytes, profileId);
      const results = [];
      for (const reading of sheets) {
        const sheetContext = { ...context, idempotencyKey: context.idempotencyKey === null ? null : `${context.idempotencyKey}#sheet${reading.index}` };
        const reportId = importedReportId(principal, context.idempotencyKey, reading.index);
        try {
          const result: ImportSheetResult = await this.commandBus.execute(new ImportReportSheet(reading, reportId, 'no_stream', principal, sheetContext));
          results.push({ sheet: reading.sheet, status: 'created' as const, reportId, revision: result.revision, events: result.appended, warnings: localised(result.warnings, locale) });
        } catch (error) {
          const problems = isDomainError(error) ? error.problems : error instanceof HttpProblem ? error.problems : null;
          if (problems === null) throw error;
          const status = isDomainError(error) ? statusForDomainCode(error.code) : (error as HttpProblem).status;
          results.push({ sheet: reading.sheet, status: 'failed' as const, httpStatus: status, errors: localised(problems, locale), warnings: localised(reading.warnings, locale) });
        }
      }
      const created = results.filter((r) => r.status === 'created').length;
      return { status: 200, headers: {}, body: { sheets: results.length, created, failed: results.length - created, results } };
    });
  }

  private importQuery(query: Record<string, unknown>): { reportId?: string; profileId?: string } {
    const unknown = Object.keys(query).filter((key) => key !== 'reportId' && key !== 'profileId' && query[key] !== undefined);
    if (unknown.length > 0) throw HttpProblem.of(400, 'QUERY_INVALID', unknown[0]!, `未知参数：${unknown.join('、')}`, `unknown parameter: ${unknown.join(', ')}`);
    const { reportId, profileId } = query;
    if (reportId !== undefined && (typeof reportId !== 'string' || !ID.test(reportId))) throw HttpProblem.of(400, 'QUERY_INVALID', 'reportId', '无效的报告编号', 'invalid reportId');
    if (profileId !== undefined && (typeof profileId !== 'string' || !PROFILE.test(profileId))) throw HttpProblem.of(400, 'QUERY_INVALID', 'profileId', '无效的评分规则编号', 'invalid profileId');
    return { ...(reportId !== undefined && { reportId: reportId as string }), ...(profileId !== undefined && { profileId: profileId as string }) };
  }

  private single(sheets: WorkbookSheetReading[]): WorkbookSheetReading {
    if (sheets.length > 1) {
      throw HttpProblem.of(422, 'EXCEL_SEVERAL_FORMS', '', `工作簿中有${sheets.length}张自评表（${sheets.map((s) => s.sheet).join('、')}）；多张请用批量导入 /reports/import/bulk`, `the workbook holds ${sheets.length} forms (${sheets.map((s) => s.sheet).join(', ')}); import several with /reports/import/bulk`, { details: { sheets: sheets.map((s) => s.sheet) } });
    }
    return sheets[0]!;
  }

  private response(status: number, result: ImportSheetResult, request: FastifyRequest, headers: Record<string, string> = {}): StoredResponse {
    const locale = negotiateLocale(request.headers['accept-language']);
    const representation = representReport(result.state, result.revision);
    return {
      status,
      headers: { etag: etagOf(result.revision), ...headers },
      body: { ...representation, import: { events: result.appended, warnings: localised(result.warnings, locale) } },
    };
  }

  /** Idempotency-Key: the fingerprint is over the uploaded bytes, not a parsed body. */
  private idempotent(request: FastifyRequest, reply: FastifyReply, principal: Principal, context: CommandContext, bytes: Buffer, execute: () => Promise<StoredResponse>) {
    const fingerprint = () => requestFingerprint(request.method, request.url, createHash('sha256').update(bytes).digest('hex'));
    return this.idempotency.respond(request, reply, principal.userId, context.idempotencyKey, execute, fingerprint);
  }
}
