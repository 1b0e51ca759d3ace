import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiHeader, ApiOperation, ApiParam, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { campaignCommandDataSchemas, parseOrThrow } from '#domain';
import type { SqlClient } from '#eventstore';
import { Clock, READ_STORE } from '#platform';
import { campaignProgress, findCampaign, listCampaigns, MAX_CAMPAIGN_PAGE_SIZE } from '#read-models';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { HttpProblem } from '../http/http-problem.js';
import { commandContext } from '../http/command-append.js';
import { IdempotencyStore, type StoredResponse } from '../http/idempotency.js';
import { etagOf, parseIfMatch } from '../http/preconditions.js';
import { CampaignAccess, campaignNotFound } from './campaign-access.js';
import { CampaignRepository } from './campaign-repository.js';
import { representCampaign, representCampaignRow } from './campaign-representation.js';
import { ExecuteCampaignCommand, type CampaignCommandType } from './execute-campaign-command.js';

const CAMPAIGN_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw HttpProblem.of(400, 'BODY_INVALID', '', '请求体须为JSON对象', 'The request body must be a JSON object');
  return body as Record<string, unknown>;
}

function campaignPathId(value: string): string {
  if (!CAMPAIGN_ID.test(value)) throw campaignNotFound(value.slice(0, 64));
  return value;
}

export const campaignListQuery = z
  .object({
    year: z.coerce.number().int().min(2000).max(2100).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(MAX_CAMPAIGN_PAGE_SIZE).default(20),
  })
  .strict();

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
const idempotencyHeader = { name: 'Idempotency-Key', required: false, description: 'A repeat of the same request returns the first response and appends nothing' };

/**
 * Campaigns (评价任务) over HTTP: the performance office opens them and extends their deadlines;
 * it, the region's reviewers and its auditors list them and follow their progress.
 */
@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: IdempotencyStore,
    private readonly campaigns: CampaignRepository,
    private readonly access: CampaignAccess,
    @Inject(READ_STORE) private readonly sql: SqlClient,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Open a campaign for a year and units of the caller’s region (performance officer, admin); 201, or 200 when the same opening was already made' })
  @ApiBody({ schema: jsonSchema(campaignCommandDataSchemas.OpenCampaign.partial({ campaignId: true })) })
  @ApiHeader(idempotencyHeader)
  @ApiResponse({ status: 201, description: 'The campaign, with ETag and Location' })
  open(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    this.access.requireManager(principal);
    const given = objectBody(body);
    const data = parseOrThrow(campaignCommandDataSchemas.OpenCampaign, { ...given, campaignId: given.campaignId ?? randomUUID() }, 'BODY_INVALID');
    const { campaignId, ...rest } = data;
    return this.run(request, reply, principal, campaignId, 'OpenCampaign', rest, 'no_stream');
  }

  @Get()
  @ApiOperation({ summary: 'The campaigns of the caller’s region, newest year first' })
  @ApiQuery({ name: 'year', required: false, type: Number })
  @ApiQuery({ name: 'page', required: false, type: Number })
  @ApiQuery({ name: 'pageSize', required: false, type: Number })
  async list(@Query() query: unknown, @CurrentPrincipal() principal: Principal) {
    this.access.requireReader(principal);
    const q = parseOrThrow(campaignListQuery, query ?? {}, 'QUERY_INVALID');
    const regionId = await this.access.regionOf(principal);
    if (regionId === null) return { items: [], total: 0, page: q.page, pageSize: q.pageSize };
    const list = await listCampaigns(this.sql, { financeBureauId: regionId, page: q.page, pageSize: q.pageSize, ...(q.year !== undefined && { year: q.year }) });
    return { ...list, items: list.items.map(representCampaignRow) };
  }

  @Get(':campaignId')
  @ApiOperation({ summary: 'One campaign, from its stream; ETag is its revision' })
  @ApiParam({ name: 'campaignId' })
  async get(@Param('campaignId') campaignId: string, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    this.access.requireReader(principal);
    const loaded = await this.campaigns.load(campaignPathId(campaignId));
    if (loaded.state.status === 'none' || loaded.state.financeBureauId !== (await this.access.regionOf(principal))) throw campaignNotFound(campaignId);
    void reply.header('etag', etagOf(loaded.revision!));
    return representCampaign(loaded.state, loaded.revision!, loaded.extensions);
  }

  @Post(':campaignId/extensions')
  @HttpCode(200)
  @ApiOperation({ summary: 'Extend the deadline of the whole campaign (unitId null) or of one unit, to a later day, with a reason; If-Match required' })
  @ApiParam({ name: 'campaignId' })
  @ApiBody({ schema: jsonSchema(campaignCommandDataSchemas.ExtendCampaignDeadline) })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The campaign ETag, e.g. "0"' })
  @ApiHeader(idempotencyHeader)
  extend(@Param('campaignId') campaignId: string, @Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    this.access.requireManager(principal);
    const id = campaignPathId(campaignId);
    const expected = parseIfMatch(request.headers['if-match']);
    const data = parseOrThrow(campaignCommandDataSchemas.ExtendCampaignDeadline, objectBody(body), 'BODY_INVALID');
    return this.run(request, reply, principal, id, 'ExtendCampaignDeadline', data, expected);
  }

  @Get(':campaignId/progress')
  @ApiOperation({
    summary:
      'Progress per unit and in total: not started, draft, returned, in review by stage, approved, published; on time, late or pending against each unit’s deadline (end of day, Asia/Shanghai); grades and 10-point score bins of the submitted reports. Department reviewers see their own units only.',
  })
  @ApiParam({ name: 'campaignId' })
  async progress(@Param('campaignId') campaignId: string, @CurrentPrincipal() principal: Principal) {
    this.access.requireReader(principal);
    const row = await findCampaign(this.sql, campaignPathId(campaignId));
    if (row === null || row.financeBureauId !== (await this.access.regionOf(principal))) throw campaignNotFound(campaignId);
    const visibleUnitIds = await this.access.visibleOrganisations(principal);
    const names = await this.access.unitNames(row.campaign.unitIds.filter((id) => visibleUnitIds.has(id)));
    const progress = await campaignProgress(this.sql, row.campaign, { now: this.clock.now(), visibleUnitIds, unitName: (id) => names.get(id) });
    return { ...progress, campaign: representCampaignRow(row) };
  }

  private run(request: FastifyRequest, reply: FastifyReply, principal: Principal, campaignId: string, type: CampaignCommandType, data: Record<string, unknown>, expected: number | 'no_stream') {
    const context = commandContext(request);
    const execute = async (): Promise<StoredResponse> => {
      const result = await this.commandBus.execute(new ExecuteCampaignCommand(campaignId, type, data, principal, expected, context));
      const created = type === 'OpenCampaign' && result.appended > 0;
      return {
        status: created ? 201 : 200,
        headers: { etag: etagOf(result.revision), ...(created ? { location: `/campaigns/${campaignId}` } : {}) },
        body: representCampaign(result.campaign, result.revision, result.extensions),
      };
    };
    return this.idempotency.respond(request, reply, principal.userId, context.idempotencyKey, execute);
  }
}
