import { Readable } from 'node:stream';
import { Controller, Get, Inject, Param, Query, StreamableFile } from '@nestjs/common';
import { z } from 'zod';
import { DomainError, parseOrThrow, text } from '#domain';
import type { SqlClient } from '#eventstore';
import { READ_STORE } from '#platform';
import { organisationTrail, type AuditEntry, type TrailCursor } from '#read-models';
import { AccessPolicy } from '../auth/access-policy.js';
import { CurrentPrincipal, OrganisationDirectory, type Principal } from '../auth/principal.js';
import { requireRole } from '../auth/require-role.js';
import { csvLine, trailCsvHeader, trailCsvRow, UTF8_BOM } from './trail-export.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A day (Asia/Shanghai) or an instant with its offset. */
const boundary = z.union([z.string().regex(DAY), z.iso.datetime({ offset: true })]);

export const trailQuery = z
  .object({
    from: boundary.optional(),
    to: boundary.optional(),
    format: z.enum(['csv', 'json']).default('json'),
  })
  .strict();

/** `from` is inclusive; `to` is exclusive for an instant and covers the whole day for a day. */
export function trailRange(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
  const start = (day: string) => new Date(`${day}T00:00:00+08:00`);
  const range: { from?: string; to?: string } = {};
  if (from !== undefined) range.from = (DAY.test(from) ? start(from) : new Date(from)).toISOString();
  if (to !== undefined) range.to = DAY.test(to) ? new Date(start(to).getTime() + 24 * 3600_000).toISOString() : new Date(to).toISOString();
  if (range.from !== undefined && range.to !== undefined && range.from >= range.to) {
    throw DomainError.of('QUERY_INVALID', 'to', text('结束时间须晚于开始时间', '`to` must be later than `from`'));
  }
  return range;
}

const PAGE = 2000;

/** The audit trail of an organisation and everything below it, for auditors and administrators. */
@Controller('audit/organisations')
export class OrganisationTrailController {
  constructor(
    @Inject(READ_STORE) private readonly sql: SqlClient,
    private readonly access: AccessPolicy,
    private readonly directory: OrganisationDirectory,
  ) {}

  @Get(':organisationId/trail')
  async trail(@Param('organisationId') organisationId: string, @Query() query: unknown, @CurrentPrincipal() principal: Principal): Promise<StreamableFile> {
    requireRole(principal, 'auditor', 'admin');
    const q = parseOrThrow(trailQuery, query ?? {}, 'QUERY_INVALID');
    const range = trailRange(q.from, q.to);
    if (!(await this.access.canSee(principal, organisationId))) {
      throw DomainError.of('NOT_FOUND', 'organisationId', text(`组织${organisationId}不存在`, `organisation ${organisationId} does not exist`));
    }
    const organisationIds = await this.directory.subtree(organisationId);
    const pages = this.pages(organisationIds, range);
    const name = `audit-trail-${organisationId.replace(/[^A-Za-z0-9._-]/g, '_')}`;
    if (q.format === 'csv') {
      return new StreamableFile(Readable.from(csv(pages)), { type: 'text/csv; charset=utf-8', disposition: `attachment; filename="${name}.csv"` });
    }
    const head = { organisationId, organisations: organisationIds.length, from: range.from ?? null, to: range.to ?? null };
    return new StreamableFile(Readable.from(json(head, pages)), { type: 'application/json; charset=utf-8', disposition: `attachment; filename="${name}.json"` });
  }

  /** Page by page (keyset on time and position), so an export of any size streams in bounded memory. */
  private async *pages(organisationIds: string[], range: { from?: string; to?: string }): AsyncGenerator<AuditEntry[]> {
    let after: TrailCursor | undefined;
    for (;;) {
      const page = await organisationTrail(this.sql, { organisationIds, ...range, ...(after && { after }), limit: PAGE });
      if (page.entries.length > 0) yield page.entries;
      if (page.next === null) return;
      after = page.next;
    }
  }
}

async function* csv(pages: AsyncIterable<AuditEntry[]>): AsyncGenerator<string> {
  yield UTF8_BOM + csvLine(trailCsvHeader);
  for await (const entries of pages) yield entries.map(trailCsvRow).join('');
}

async function* json(head: Record<string, unknown>, pages: AsyncIterable<AuditEntry[]>): AsyncGenerator<string> {
  const opening = JSON.stringify(head);
  yield `${opening.slice(0, -1)},"entries":[`;
  let first = true;
  for await (const entries of pages) {
    yield (first ? '' : ',') + entries.map((e) => JSON.stringify(e)).join(',');
    first = false;
  }
  yield ']}';
}
