import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { diffDocuments, parseOrThrow, reportStreamId } from '#domain';
import { EventStore } from '#eventstore';
import { AccessPolicy } from '../auth/access-policy.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { HttpProblem } from '../http/http-problem.js';
import { etagOf } from '../http/preconditions.js';
import { notFound } from '../reports/execute-report-command.js';
import { ReportRepository, type LoadedReport } from '../reports/report-repository.js';
import { representReport } from '../reports/report-representation.js';
import { comparable, describeHistory, historyCsv } from './report-history.js';

const revision = z.coerce.number().int().min(0).max(1_000_000_000);
const instant = z.iso.datetime({ offset: true });

const historyQuery = z.object({ page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(200).default(50) }).strict();
const asOfQuery = z
  .object({ revision: revision.optional(), at: instant.optional() })
  .strict()
  .refine((q) => (q.revision === undefined) !== (q.at === undefined), { message: 'exactly one of revision and at', path: ['revision'] });
const diffQuery = z.object({ from: revision, to: revision }).strict();
const exportQuery = z.object({ format: z.enum(['csv', 'json']).default('json'), from: instant.optional(), to: instant.optional() }).strict();

/**
 * The audit trail of one report, read from its event stream (the source of truth, not a
 * projection): history, the report at any revision or instant, diffs, chain verification, export.
 */
@Controller('reports/:reportId')
export class ReportAuditController {
  constructor(
    private readonly reports: ReportRepository,
    private readonly eventStore: EventStore,
    private readonly access: AccessPolicy,
  ) {}

  private async visible(reportId: string, principal: Principal, options: { toRevision?: number; until?: string } = {}): Promise<LoadedReport> {
    const full = await this.reports.load(reportId);
    if (full.state.status === 'none' || !(await this.access.canSee(principal, full.state.organisationId))) throw notFound(reportId);
    if (options.toRevision === undefined && options.until === undefined) return full;
    return this.reports.load(reportId, options);
  }

  @Get('history')
  async history(@Param('reportId') reportId: string, @Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const { page, pageSize } = parseOrThrow(historyQuery, query, 'QUERY_INVALID');
    const loaded = await this.visible(reportId, principal);
    const entries = describeHistory(loaded.events);
    return { reportId, total: entries.length, page, pageSize, items: entries.slice((page - 1) * pageSize, page * pageSize) };
  }

  @Get('as-of')
  async asOf(@Param('reportId') reportId: string, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    const q = parseOrThrow(asOfQuery, query, 'QUERY_INVALID');
    const loaded = await this.visible(reportId, principal, q.revision !== undefined ? { toRevision: q.revision } : { until: new Date(q.at!).toISOString() });
    if (loaded.revision === null || (q.revision !== undefined && loaded.revision !== q.revision)) {
      throw HttpProblem.of(404, 'REVISION_NOT_FOUND', q.revision !== undefined ? 'revision' : 'at', '报告在该修订号或时间点尚不存在', 'The report did not exist at that revision or instant');
    }
    void reply.header('etag', etagOf(loaded.revision));
    return representReport(loaded.state, loaded.revision);
  }

  @Get('diff')
  async diff(@Param('reportId') reportId: string, @Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const { from, to } = parseOrThrow(diffQuery, query, 'QUERY_INVALID');
    const current = await this.visible(reportId, principal);
    for (const [name, value] of [['from', from], ['to', to]] as const) {
      if (value > current.revision!) throw HttpProblem.of(404, 'REVISION_NOT_FOUND', name, `修订号${value}不存在，当前为${current.revision}`, `Revision ${value} does not exist; the current one is ${current.revision}`);
    }
    const [before, after] = await Promise.all([this.reports.load(reportId, { toRevision: from }), this.reports.load(reportId, { toRevision: to })]);
    return { reportId, from, to, changes: diffDocuments(comparable(before.state), comparable(after.state)) };
  }

  @Get('verify')
  async verify(@Param('reportId') reportId: string, @CurrentPrincipal() principal: Principal) {
    await this.visible(reportId, principal);
    return this.eventStore.verifyStream(reportStreamId(reportId));
  }

  @Get('trail')
  async trail(@Param('reportId') reportId: string, @Query() query: unknown, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    const q = parseOrThrow(exportQuery, query, 'QUERY_INVALID');
    const loaded = await this.visible(reportId, principal);
    const from = q.from === undefined ? undefined : new Date(q.from).toISOString();
    const to = q.to === undefined ? undefined : new Date(q.to).toISOString();
    const entries = describeHistory(loaded.events).filter((e) => (from === undefined || e.at >= from) && (to === undefined || e.at <= to));
    const name = `report-${reportId}-trail`;
    if (q.format === 'csv') {
      void reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`);
      return historyCsv(reportId, entries);
    }
    void reply.header('content-disposition', `attachment; filename="${name}.json"`);
    return { reportId, exportedAt: new Date().toISOString(), verification: await this.eventStore.verifyStream(reportStreamId(reportId)), entries };
  }
}
