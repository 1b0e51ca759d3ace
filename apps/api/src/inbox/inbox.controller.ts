import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { chinaWorkingDayCalendar, parseOrThrow, stageDue, type StageDue } from '#domain';
import type { SqlClient } from '#eventstore';
import { Clock, READ_STORE } from '#platform';
import { inboxCounts, listInbox, MAX_PAGE_SIZE, type ReportSummary, type StoredReportSummary } from '#read-models';
import { AccessPolicy } from '../auth/access-policy.js';
import { CurrentPrincipal, OrganisationDirectory, type Principal } from '../auth/principal.js';

const inboxQuery = z
  .object({
    stage: z.string().min(1).max(64).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
  })
  .strict();

/**
 * The review inbox (待办): what the caller must act on, each with its due date in working days
 * and an overdue mark; and per-stage counts for dashboards. Read from the report list read model.
 */
@Controller('inbox')
export class InboxController {
  private readonly calendar = chinaWorkingDayCalendar();

  constructor(
    @Inject(READ_STORE) private readonly sql: SqlClient,
    private readonly access: AccessPolicy,
    private readonly directory: OrganisationDirectory,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  async inbox(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    const q = parseOrThrow(inboxQuery, query ?? {}, 'QUERY_INVALID');
    // Acting is confined to one's own subtree, even for roles that may read the whole region.
    const organisationIds = await this.directory.subtree(principal.organisationId);
    const page = await listInbox(this.sql, { organisationIds, role: principal.role, userId: principal.userId, page: q.page, pageSize: q.pageSize, ...(q.stage !== undefined && { stage: q.stage }) });
    const now = this.clock.now();
    return { ...page, items: page.items.map((item) => this.withDue(item, now)) };
  }

  @Get('counts')
  async counts(@CurrentPrincipal() principal: Principal) {
    return { stages: await inboxCounts(this.sql, await this.access.visibleOrganisations(principal)) };
  }

  /** Items are in review: overdue as GET /reports says it, when the stage's due day is over. */
  private withDue(item: StoredReportSummary, now: Date): ReportSummary & { due: StageDue | null } {
    const due = item.review ? stageDue(this.calendar, item.review.enteredAt, item.review.timeLimitWorkingDays, now) : null;
    return { ...item, overdue: due?.overdue ?? false, due };
  }
}
