import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { SqlClient } from '#eventstore';
import { READ_STORE } from '#platform';
import { getReportScoreRecord } from '#read-models';
import { AccessPolicy } from '../auth/access-policy.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { HttpProblem } from '../http/http-problem.js';

const REPORT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function reportNotFound(reportId: string): HttpProblem {
  return HttpProblem.of(404, 'REPORT_NOT_FOUND', 'reportId', `报告不存在：${reportId}`, `No such report: ${reportId}`);
}

/**
 * The score the background worker recorded for a report, from the read models: `current` when it
 * was computed on the revision the report read model shows, `behind` while a recomputation is owed,
 * `none` before the first one.
 */
@ApiTags('reports')
@Controller('reports')
export class ScoreRecordController {
  constructor(
    @Inject(READ_STORE) private readonly sql: SqlClient,
    private readonly access: AccessPolicy,
  ) {}

  @Get(':reportId/score-record')
  @ApiOperation({ summary: 'The latest score recorded by the background worker, and whether it is current' })
  async scoreRecord(@Param('reportId') reportId: string, @CurrentPrincipal() principal: Principal) {
    if (!REPORT_ID.test(reportId)) throw reportNotFound(reportId.slice(0, 64));
    const { rows } = await this.sql.query<{ organisation_id: string; revision: number }>(
      `SELECT organisation_id, (doc->>'revision')::int AS revision FROM rm_report_summaries WHERE id = $1`,
      [reportId],
    );
    const report = rows[0];
    if (!report || !(await this.access.canSee(principal, report.organisation_id))) throw reportNotFound(reportId);
    const record = await getReportScoreRecord(this.sql, reportId);
    const state = record === null ? 'none' : record.reportRevision >= report.revision ? 'current' : 'behind';
    return { reportId, reportRevision: report.revision, state, record };
  }
}
