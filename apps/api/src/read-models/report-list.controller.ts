import { Controller, Get, Inject, Query } from '@nestjs/common';
import { z } from 'zod';
import { grades, parseOrThrow, reportKinds, reportStatuses } from '#domain';
import type { SqlClient } from '#eventstore';
import { READ_STORE } from '#platform';
import { listReports, MAX_PAGE_SIZE, reportSortKeys, type ReportList } from '#read-models';
import { AccessPolicy } from '../auth/access-policy.js';
import { CurrentPrincipal, OrganisationDirectory, type Principal } from '../auth/principal.js';

const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, { error: 'id' });

/** Query parameters arrive as strings; anything not listed here is refused. */
export const reportListQuery = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100).optional(),
    kind: z.enum(reportKinds).optional(),
    unitId: id.optional(),
    departmentId: id.optional(),
    status: z.enum(reportStatuses).optional(),
    stage: z.string().min(1).max(64).optional(),
    grade: z.enum(grades).optional(),
    overdue: z
      .enum(['true', 'false'])
      .transform((value) => value === 'true')
      .optional(),
    q: z.string().trim().min(1).max(200).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
    sort: z.enum(reportSortKeys as [string, ...string[]]).default('-updatedAt'),
  })
  .strict();

/** Report lists, from the read model: only reports of organisations the caller may see. */
@Controller('reports')
export class ReportListController {
  constructor(
    @Inject(READ_STORE) private readonly sql: SqlClient,
    private readonly access: AccessPolicy,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Get()
  async list(@Query() query: unknown, @CurrentPrincipal() principal: Principal): Promise<ReportList> {
    const q = parseOrThrow(reportListQuery, query ?? {}, 'QUERY_INVALID');
    const visible = await this.access.visibleOrganisations(principal);
    // A department filter covers the department and every unit below it.
    const departmentSubtree = q.departmentId === undefined ? undefined : await this.directory.subtree(q.departmentId);
    return listReports(this.sql, {
      organisationIds: visible,
      ...(departmentSubtree !== undefined && { departmentSubtree }),
      ...(q.unitId !== undefined && { unitId: q.unitId }),
      ...(q.year !== undefined && { year: q.year }),
      ...(q.kind !== undefined && { kind: q.kind }),
      ...(q.status !== undefined && { status: q.status }),
      ...(q.stage !== undefined && { stage: q.stage }),
      ...(q.grade !== undefined && { grade: q.grade }),
      ...(q.overdue !== undefined && { overdue: q.overdue }),
      ...(q.q !== undefined && { q: q.q }),
      page: q.page,
      pageSize: q.pageSize,
      sort: q.sort as (typeof reportSortKeys)[number],
    });
  }
}
