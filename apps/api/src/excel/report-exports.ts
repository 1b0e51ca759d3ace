import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, parseOrThrow, text, type ReportDocument } from '#domain';
import type { SqlClient } from '#eventstore';
import { computeScores, exportReportsWorkbook, MAX_SHEETS, reviewerTotalOf, type ExportableReport } from '#excel';
import { Clock, READ_STORE } from '#platform';
import { listReports, MAX_PAGE_SIZE, reportSortKeys } from '#read-models';
import { AccessPolicy } from '../auth/access-policy.js';
import { OrganisationDirectory, type Principal } from '../auth/principal.js';
import { reportListQuery, reportListQueryOf } from '../read-models/report-list.controller.js';
import { ReportRepository } from '../reports/report-repository.js';
import { representReport } from '../reports/report-representation.js';

/** GET /reports/export.xlsx takes the filters of GET /reports (no paging: every match, up to MAX_SHEETS). */
export const reportExportQuery = reportListQuery.omit({ page: true, pageSize: true }).extend({
  sort: z.enum(reportSortKeys as [string, ...string[]]).default('unit'),
});
export type ReportExportFilters = z.output<typeof reportExportQuery>;

/**
 * Reports as workbooks. `exportReports` is what a campaign's export calls with the campaign's
 * report ids; `exportMatching` serves the filters of the report list. Reports are read from their
 * streams (the same fold GET /reports/{id} serves), only those the principal may see.
 */
@Injectable()
export class ReportExports {
  constructor(
    private readonly reports: ReportRepository,
    private readonly access: AccessPolicy,
    private readonly directory: OrganisationDirectory,
    @Inject(READ_STORE) private readonly sql: SqlClient,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** One report as the export shows it; null when it does not exist or the principal may not see it. */
  async exportable(principal: Principal, reportId: string): Promise<ExportableReport | null> {
    const loaded = await this.reports.loadForDecision(reportId);
    if (loaded.state.status === 'none' || !(await this.access.canSee(principal, loaded.state.organisationId))) return null;
    const representation = representReport(loaded.state, loaded.revision!);
    if (representation === null) return null;
    const document = representation.report as ReportDocument;
    return {
      document,
      status: representation.status,
      revision: loaded.revision,
      reviewerTotal: reviewerTotalOf(representation, computeScores(document)?.view ?? null),
    };
  }

  /** The given reports, in the given order, as one workbook with a summary sheet; unknown or hidden ids are left out. */
  async exportReports(principal: Principal, reportIds: readonly string[], title?: string): Promise<{ workbook: Buffer; count: number }> {
    if (reportIds.length > MAX_SHEETS) throw tooMany(reportIds.length);
    const exportable: ExportableReport[] = [];
    for (const reportId of reportIds) {
      const report = await this.exportable(principal, reportId);
      if (report) exportable.push(report);
    }
    return { workbook: await exportReportsWorkbook(exportable, title), count: exportable.length };
  }

  async exportMatching(principal: Principal, query: unknown): Promise<{ workbook: Buffer; count: number }> {
    const filters = parseOrThrow(reportExportQuery, query ?? {}, 'QUERY_INVALID');
    return this.exportReports(principal, await this.matchingIds(principal, filters));
  }

  private async matchingIds(principal: Principal, filters: ReportExportFilters): Promise<string[]> {
    // One instant for every page: a report must not cross the overdue line between two of them.
    const query = await reportListQueryOf(filters, principal, { access: this.access, directory: this.directory, now: this.clock.now() });
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const list = await listReports(this.sql, { ...query, page, pageSize: MAX_PAGE_SIZE });
      if (list.total > MAX_SHEETS) throw tooMany(list.total);
      ids.push(...list.items.map((item) => item.reportId));
      if (ids.length >= list.total || list.items.length === 0) return ids;
    }
  }
}

function tooMany(count: number): DomainError {
  return DomainError.of('EXPORT_TOO_MANY_REPORTS', '', text(`一次最多导出${MAX_SHEETS}份报告（本次${count}份），请缩小筛选范围`, `at most ${MAX_SHEETS} reports per export (${count} match); narrow the filters`), { count, limit: MAX_SHEETS });
}
