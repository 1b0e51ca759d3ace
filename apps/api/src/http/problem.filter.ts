import { Catch, HttpException, Inject, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { isDomainError, type Problem } from '#domain';
import { DuplicateEventIdError, WrongExpectedRevisionError } from '#eventstore';
import { LOGGER } from '#platform';
import { HttpProblem } from './http-problem.js';
import { negotiateLocale, problem, problemDocument, PROBLEM_CONTENT_TYPE } from './problem.js';

/** The HTTP status of a domain refusal: 422 unless its code says it is about input, access, existence or a clash. */
export function statusForDomainCode(code: string): number {
  if (code === 'COMMAND_INVALID' || code === 'BODY_INVALID' || code === 'QUERY_INVALID') return 400;
  if (code === 'FORBIDDEN' || code === 'ROLE_NOT_ALLOWED' || code === 'ACTOR_OUTSIDE_UNIT' || code.endsWith('_OUTSIDE_REGION') || code === 'USER_CANNOT_DEACTIVATE_SELF') return 403;
  // Segregation of duties and stage roles: who may act, not what was sent.
  if (code.startsWith('SOD_') || code === 'ROLE_NOT_ALLOWED_AT_STAGE' || code === 'ACTOR_OUTSIDE_SUBTREE') return 403;
  if (code === 'STAGE_MISMATCH') return 409;
  if (code === 'NOT_FOUND' || code.endsWith('_NOT_FOUND')) return 404;
  if (code.endsWith('_ALREADY_EXISTS') || code === 'USERNAME_TAKEN') return 409;
  return 422;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

function isFastifyError(error: unknown): error is FastifyLikeError {
  return error instanceof Error && typeof (error as FastifyLikeError).statusCode === 'number' && typeof (error as FastifyLikeError).code === 'string';
}

/** Errors Fastify raises before a handler runs, mapped to problems a user can act on. */
export function fastifyProblem(error: FastifyLikeError): { status: number; problem: Problem } | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, problem: problem('BODY_TOO_LARGE', '', '请求体超过允许的大小', 'The request body is larger than allowed') };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { status: 415, problem: problem('UNSUPPORTED_MEDIA_TYPE', '', '请求体须为 application/json', 'The request body must be application/json') };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { status: 400, problem: problem('BODY_EMPTY', '', '请求体为空，应为JSON', 'The request body is empty; JSON expected') };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, problem: problem('BODY_MALFORMED', '', '请求体不是有效的JSON', 'The request body is not valid JSON') };
    default:
      if (error instanceof SyntaxError) {
        return { status: 400, problem: problem('BODY_MALFORMED', '', '请求体不是有效的JSON', 'The request body is not valid JSON') };
      }
      return null;
  }
}

/**
 * Every error leaves as application/problem+json (RFC 9457) with a stable code, the field path
 * and a message in the caller's language. Unknown errors are logged and answered with a bare 500.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(LOGGER) private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const reply = context.getResponse<FastifyReply>();
    const locale = negotiateLocale(request.headers['accept-language']);
    let status = 500;
    let problems: readonly Problem[];
    let headers: Record<string, string> = {};
    let extensions: Record<string, unknown> = {};

    if (error instanceof HttpProblem) {
      ({ status, problems, headers, extensions } = error);
    } else if (isDomainError(error)) {
      status = statusForDomainCode(error.code);
      problems = error.problems;
    } else if (error instanceof WrongExpectedRevisionError) {
      status = 412;
      problems = [
        problem('REVISION_CONFLICT', '', '报告已被他人修改，请刷新后重试', 'The report was changed by someone else; reload and try again', {
          currentRevision: error.actual,
        }),
      ];
      if (error.actual !== null) headers = { etag: `"${error.actual}"` };
      extensions = { currentRevision: error.actual };
    } else if (error instanceof DuplicateEventIdError) {
      status = 409;
      problems = [problem('DUPLICATE_EVENT', '', '该操作已记录', 'This operation was already recorded')];
    } else if (error instanceof HttpException || isFastifyError(error)) {
      // Nest wraps Fastify's own errors (body parsing, limits) in an HttpException with the original as cause.
      const cause = error instanceof HttpException && isFastifyError(error.cause) ? error.cause : error;
      const known = fastifyProblem(cause as FastifyLikeError);
      status = known?.status ?? (error instanceof HttpException ? error.getStatus() : ((error as FastifyLikeError).statusCode ?? 500));
      problems = [
        known?.problem ??
          (status === 404
            ? problem('ROUTE_NOT_FOUND', '', '没有这个接口', 'No such endpoint')
            : problem(`HTTP_${status}`, '', (error as Error).message, (error as Error).message)),
      ];
      if (status >= 500) this.logger.error({ err: error, method: request.method, url: request.url }, 'server error');
    } else {
      this.logger.error({ err: error, method: request.method, url: request.url }, 'unhandled error');
      problems = [problem('INTERNAL_ERROR', '', '服务器内部错误，已记录', 'Internal server error; it has been logged')];
    }

    void reply
      .status(status)
      .headers({ ...headers, 'content-type': PROBLEM_CONTENT_TYPE })
      .send(problemDocument(status, problems!, locale, { instance: request.url, ...extensions }));
  }
}
