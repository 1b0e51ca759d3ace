import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { grades, parseOrThrow, reportKinds, reportStatuses } from '#domain';
import type { SqlClient } from '#eventstore';
import { Clock, READ_STORE } from '#platform';
import { listReports, MAX_PAGE_SIZE, reportSortKeys, type ListReportsQuery, type ReportList, type ReportSort } from '#read-models';
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

/** The filters of GET /reports, which its export (GET /reports/export.xlsx) takes as well. */
export type ReportListFilters = Omit<z.output<typeof reportListQuery>, 'page' | 'pageSize'>;

/** What overdue=true means, for the OpenAPI document. */
export const OVERDUE_DESCRIPTION =
  'true: only reports overdue now; false: only the others. In review: the current stage’s time limit in working days has run out. ' +
  'In draft (returned drafts too): the submission deadline of a campaign asking the unit for this report (the unit’s extension if any) is over. ' +
  'Approved and published reports are never overdue. Each listed item carries the same judgement in `overdue`.';

/**
 * The list query for GET /reports's filters: only organisations the principal may see, narrowed as
 * asked (a department is its whole subtree), overdue judged at `now`. No paging.
 */
export async function reportListQueryOf(
  filters: ReportListFilters,
  principal: Principal,
  deps: { access: AccessPolicy; directory: OrganisationDirectory; now: Date },
): Promise<Omit<ListReportsQuery, 'page' | 'pageSize'>> {
  const visible = await deps.access.visibleOrganisations(principal);
  // A department filter covers the department and every unit below it.
  const departmentSubtree = filters.departmentId === undefined ? undefined : await deps.directory.subtree(filters.departmentId);
  return {
    organisationIds: visible,
    ...(departmentSubtree !== undefined && { departmentSubtree }),
    ...(filters.unitId !== undefined && { unitId: filters.unitId }),
    ...(filters.year !== undefined && { year: filters.year }),
    ...(filters.kind !== undefined && { kind: filters.kind }),
    ...(filters.status !== undefined && { status: filters.status }),
    ...(filters.stage !== undefined && { stage: filters.stage }),
    ...(filters.grade !== undefined && { grade: filters.grade }),
    ...(filters.overdue !== undefined && { overdue: filters.overdue }),
    ...(filters.q !== undefined && { q: filters.q }),
    sort: filters.sort as ReportSort,
    now: deps.now,
  };
}

/** Report lists, from the read model: only reports of organisations the caller may see. */
@ApiTags('reports')
@Controller('reports')
export class ReportListController {
  constructor(
    @Inject(READ_STORE) private readonly sql: SqlClient,
    private readonly access: AccessPolicy,
    private readonly directory: OrganisationDirectory,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Reports the caller may see, filtered, sorted and paged; each with whether it is overdue now' })
  @ApiQuery({ name: 'year', required: false, type: Number })
  @ApiQuery({ name: 'kind', required: false, enum: reportKinds })
  @ApiQuery({ name: 'unitId', required: false })
  @ApiQuery({ name: 'departmentId', required: false, description: 'the department and every organisation below it' })
  @ApiQuery({ name: 'status', required: false, enum: reportStatuses })
  @ApiQuery({ name: 'stage', required: false })
  @ApiQuery({ name: 'grade', required: false, enum: grades })
  @ApiQuery({ name: 'overdue', required: false, enum: ['true', 'false'], description: OVERDUE_DESCRIPTION })
  @ApiQuery({ name: 'q', required: false, description: 'part of the unit name, project name or project code, any case' })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'pageSize', required: false, type: Number })
  @ApiQuery({ name: 'sort', required: false, enum: reportSortKeys })
  async list(@Query() query: unknown, @CurrentPrincipal() principal: Principal): Promise<ReportList> {
    const { page, pageSize, ...filters } = parseOrThrow(reportListQuery, query ?? {}, 'QUERY_INVALID');
    const listQuery = await reportListQueryOf(filters, principal, { access: this.access, directory: this.directory, now: this.clock.now() });
    return listReports(this.sql, { ...listQuery, page, pageSize });
  }
}
