import { Body, Controller, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReportCommandType } from '#domain';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { ReportCommandRunner } from '../reports/report-command-runner.js';
import { objectBody, pathId } from '../reports/reports.controller.js';

/**
 * The review workflow's actions on a report. Each names the stage it acts at and carries the
 * report's ETag in If-Match, so a reviewer acts on exactly the revision and stage they saw.
 * Who may act is decided in the domain (role of the stage, organisation subtree, segregation of duties).
 */
@Controller('reports')
export class ReviewController {
  constructor(private readonly commands: ReportCommandRunner) {}

  @Post(':reportId/approve')
  @HttpCode(200)
  approve(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.act(q, r, p, id, 'ApproveReport', objectBody(body));
  }

  @Post(':reportId/return')
  @HttpCode(200)
  returnReport(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.act(q, r, p, id, 'ReturnReport', objectBody(body));
  }

  /** Body: { stageId, path: 'indicators[<id>]' | 'evaluationItems[<id>]' | 'budget', score: "45.00" | null, reason }. */
  @Put(':reportId/reviewer-scores')
  setReviewerScore(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.act(q, r, p, id, 'SetReviewerScore', objectBody(body));
  }

  @Post(':reportId/publish')
  @HttpCode(200)
  publish(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.act(q, r, p, id, 'PublishReport', objectBody(body));
  }

  @Post(':reportId/reopen')
  @HttpCode(200)
  reopen(@Param('reportId') id: string, @Body() body: unknown, @Req() q: FastifyRequest, @Res({ passthrough: true }) r: FastifyReply, @CurrentPrincipal() p: Principal) {
    return this.act(q, r, p, id, 'ReopenReport', objectBody(body));
  }

  private act(request: FastifyRequest, reply: FastifyReply, principal: Principal, reportId: string, type: ReportCommandType, data: unknown) {
    return this.commands.edit(request, reply, principal, pathId(reportId, 'reportId'), type, data);
  }
}
