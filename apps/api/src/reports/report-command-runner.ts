import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseOrThrow, reportCommandDataSchemas, type ReportCommandType } from '#domain';
import type { Principal } from '../auth/principal.js';
import { commandContext } from '../http/command-append.js';
import { IdempotencyStore, type StoredResponse } from '../http/idempotency.js';
import { etagOf, parseIfMatch } from '../http/preconditions.js';
import { ExecuteReportCommand } from './execute-report-command.js';
import { representReport } from './report-representation.js';

/**
 * One report command from an HTTP request: the body validated against the command's schema,
 * the Idempotency-Key honoured, the command sent to the bus, the report represented with its ETag.
 * Shared by the drafting routes and the review routes.
 */
@Injectable()
export class ReportCommandRunner {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /** A command on an existing report: If-Match is required. */
  edit(request: FastifyRequest, reply: FastifyReply, principal: Principal, reportId: string, type: ReportCommandType, data: unknown) {
    const expected = parseIfMatch(request.headers['if-match']);
    return this.run(request, reply, principal, reportId, type, data, expected, 200);
  }

  run(
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    reportId: string,
    type: ReportCommandType,
    data: unknown,
    expectedRevision: number | 'no_stream',
    successStatus: number,
  ): Promise<unknown> {
    const validated = parseOrThrow(reportCommandDataSchemas[type], data, 'BODY_INVALID');
    const context = commandContext(request);
    const execute = async (): Promise<StoredResponse> => {
      const result = await this.commandBus.execute(new ExecuteReportCommand(reportId, type, validated, principal, expectedRevision, context));
      return {
        status: successStatus,
        headers: { etag: etagOf(result.revision), ...(successStatus === 201 ? { location: `/reports/${reportId}` } : {}) },
        body: representReport(result.state, result.revision),
      };
    };
    return this.idempotency.respond(request, reply, principal.userId, context.idempotencyKey, execute);
  }
}
