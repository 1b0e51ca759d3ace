import { randomUUID } from 'node:crypto';
import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { fundingSources, type ReportCommandType } from '#domain';
import { AccessPolicy } from '../auth/access-policy.js';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { HttpProblem } from '../http/http-problem.js';
import { etagOf } from '../http/preconditions.js';
import { notFound } from './execute-report-command.js';
import { ReportCommandRunner } from './report-command-runner.js';
import { ReportRepository } from './report-repository.js';
import { representReport } from './report-representation.js';

export const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const narrativeFields = ['goal', 'achievement', 'implementation', 'conclusion', 'problems', 'improvements'] as const;

export function pathId(value: string, name: string): string {
  if (!ID.test(value)) throw HttpProblem.of(404, 'NOT_FOUND', name, `无效的编号：${name}`, `Invalid id: ${name}`);
  return value;
}

export function objectBody(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw HttpProblem.of(400, 'BODY_INVALID', '', '请求体须为JSON对象', 'The request body must be a JSON object');
  }
  return body as Record<string, unknown>;
}

/**
 * Report commands over HTTP. Each route shapes its command's data from the path and the body,
 * validates it against the command's schema, and hands it to the command bus.
 */
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly commands: ReportCommandRunner,
    private readonly reports: ReportRepository,
    private readonly access: AccessPolicy,
  ) {}

  @Post()
  async create(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    const { reportId: given, ...rest } = objectBody(body);
    const reportId = given === undefined ? randomUUID() : pathId(String(given), 'reportId');
    return this.run(request, reply, principal, reportId, 'CreateReport', { reportId, ...rest }, 'no_stream', 201);
  }

  @Get(':reportId')
  async get(@Param('reportId') reportId: string, @Res({ passthrough: true }) reply: FastifyReply, @CurrentPrincipal() principal: Principal) {
    const loaded = await this.reports.loadForDecision(pathId(reportId, 'reportId'));
    if (loaded.state.status === 'none' || !(await this.access.canSee(principal, loaded.state.organisationId))) throw notFound(reportId);
    void reply.header('etag', etagOf(loaded.revision!));
    return representReport(loaded.state, loaded.revision!);
  }

  @Patch(':reportId/header')
  updateHeader(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'UpdateHeader', { changes: objectBody(body) });
  }

  @Put(':reportId/budget/:source')
  setBudgetRow(@Param('reportId') id: string, @Param('source') source: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    if (!(fundingSources as readonly string[]).includes(source)) {
      throw HttpProblem.of(404, 'NOT_FOUND', 'source', `资金来源应为${fundingSources.join('、')}之一`, `Funding source must be one of ${fundingSources.join(', ')}`);
    }
    return this.edit(q, r, p, id, 'SetBudgetRow', { source, row: objectBody(body) });
  }

  @Patch(':reportId/budget-assessment')
  updateBudgetAssessment(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'UpdateBudgetAssessment', { changes: objectBody(body) });
  }

  @Post(':reportId/indicators')
  addIndicator(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    const { indicatorId, ...rest } = objectBody(body);
    return this.edit(q, r, p, id, 'AddIndicator', { indicatorId: indicatorId ?? randomUUID(), ...rest });
  }

  @Patch(':reportId/indicators/:indicatorId')
  updateIndicator(@Param('reportId') id: string, @Param('indicatorId') indicatorId: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'UpdateIndicator', { indicatorId: pathId(indicatorId, 'indicatorId'), changes: objectBody(body) });
  }

  @Delete(':reportId/indicators/:indicatorId')
  removeIndicator(@Param('reportId') id: string, @Param('indicatorId') indicatorId: string, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'RemoveIndicator', { indicatorId: pathId(indicatorId, 'indicatorId') });
  }

  @Put(':reportId/indicator-order')
  reorderIndicators(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'ReorderIndicators', objectBody(body));
  }

  @Put(':reportId/evaluation-items/:itemId')
  setEvaluationItem(@Param('reportId') id: string, @Param('itemId') itemId: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'SetEvaluationItem', { itemId: pathId(itemId, 'itemId'), item: objectBody(body) });
  }

  @Delete(':reportId/evaluation-items/:itemId')
  removeEvaluationItem(@Param('reportId') id: string, @Param('itemId') itemId: string, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'RemoveEvaluationItem', { itemId: pathId(itemId, 'itemId') });
  }

  @Put(':reportId/narrative/:field')
  setNarrative(@Param('reportId') id: string, @Param('field') field: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    if (!(narrativeFields as readonly string[]).includes(field)) {
      throw HttpProblem.of(404, 'NOT_FOUND', 'field', `叙述字段应为${narrativeFields.join('、')}之一`, `Narrative field must be one of ${narrativeFields.join(', ')}`);
    }
    return this.edit(q, r, p, id, 'SetNarrative', { field, ...objectBody(body) });
  }

  @Put(':reportId/self-total')
  setSelfTotal(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'SetSelfTotal', objectBody(body));
  }

  @Post(':reportId/evidence')
  attachEvidence(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    const { evidenceId, ...rest } = objectBody(body);
    return this.edit(q, r, p, id, 'AttachEvidence', { evidenceId: evidenceId ?? randomUUID(), ...rest });
  }

  @Delete(':reportId/evidence/:evidenceId')
  detachEvidence(@Param('reportId') id: string, @Param('evidenceId') evidenceId: string, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'DetachEvidence', { evidenceId: pathId(evidenceId, 'evidenceId') });
  }

  @Post(':reportId/submit')
  @HttpCode(200)
  submit(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'SubmitReport', objectBody(body));
  }

  @Post(':reportId/withdraw')
  @HttpCode(200)
  withdraw(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.edit(q, r, p, id, 'WithdrawReport', objectBody(body));
  }

  private edit(request: FastifyRequest, reply: FastifyReply, principal: Principal, reportId: string, type: ReportCommandType, data: unknown) {
    return this.commands.edit(request, reply, principal, pathId(reportId, 'reportId'), type, data);
  }

  private run(...args: Parameters<ReportCommandRunner['run']>) {
    return this.commands.run(...args);
  }
}
