import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LOGGER } from '#platform';
import { RemindersRuntime } from '../../../worker/src/reminders/reminders-runtime.js';
import { AuthGuard } from '../auth/auth.guard.js';
import { HttpProblem } from '../http/http-problem.js';

export const BULL_BOARD_PATH = '/admin/queues';
const COOKIE = 'jixiao_admin_token';

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

/**
 * bull-board at /admin/queues, for administrators only. Its routes are Fastify's, outside Nest's
 * guard, so a hook authenticates them the same way: a Bearer token, or (for the browser UI) the
 * token once as `?token=…`, which is moved into an HttpOnly cookie scoped to this path.
 */
@Injectable()
export class BullBoardMount implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly runtime: RemindersRuntime,
    private readonly guard: AuthGuard,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onModuleInit(): Promise<void> {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify || typeof fastify.register !== 'function') return;
    // Loaded on demand: bull-board's CommonJS modules require ES-module dependencies, which Node
    // 20.19+ allows and some module loaders (jest's) do not; without it the API runs on.
    let board: [typeof import('@bull-board/api'), typeof import('@bull-board/api/bullMQAdapter'), typeof import('@bull-board/fastify')];
    try {
      board = await Promise.all([import('@bull-board/api'), import('@bull-board/api/bullMQAdapter'), import('@bull-board/fastify')]);
    } catch (error) {
      this.logger.warn({ err: error }, 'bull-board could not be loaded; /admin/queues is not served');
      return;
    }
    const [{ createBullBoard }, { BullMQAdapter }, { FastifyAdapter }] = board;
    const serverAdapter = new FastifyAdapter();
    serverAdapter.setBasePath(BULL_BOARD_PATH);
    const { reminders, deliveries, deadLetters } = this.runtime.queues;
    createBullBoard({
      queues: [new BullMQAdapter(reminders), new BullMQAdapter(deliveries), new BullMQAdapter(deadLetters, { readOnlyMode: false })],
      // @bull-board/fastify brings its own copy of @bull-board/api: same shapes, separate type declarations.
      serverAdapter: serverAdapter as never,
      options: { uiConfig: { boardTitle: 'Jixiao 队列' } },
    });
    void fastify.register(async (scope) => {
      scope.addHook('onRequest', (request, reply) => this.authorise(request, reply));
      await scope.register(serverAdapter.registerPlugin() as never, { prefix: BULL_BOARD_PATH });
    });
  }

  private async authorise(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const query = request.query as { token?: string } | undefined;
    if (typeof query?.token === 'string' && request.method === 'GET') {
      // Swap the token in the address for a cookie, so it does not linger in history and logs.
      void reply
        .header('set-cookie', `${COOKIE}=${encodeURIComponent(query.token)}; Path=${BULL_BOARD_PATH}; HttpOnly; SameSite=Strict`)
        .redirect(request.url.replace(/([?&])token=[^&]*&?/, '$1').replace(/[?&]$/, ''), 303);
      return reply;
    }
    const fromCookie = cookie(request, COOKIE);
    const header = request.headers.authorization ?? (fromCookie ? `Bearer ${fromCookie}` : undefined);
    try {
      const principal = await this.guard.authenticate(header);
      if (principal.role !== 'admin') throw HttpProblem.of(403, 'ROLE_NOT_ALLOWED', '', '只有系统管理员可以查看队列', 'only administrators may see the queues');
    } catch (error) {
      if (!(error instanceof HttpProblem)) throw error;
      const problem = error.problems[0]!;
      void reply
        .code(error.status)
        .headers(error.headers)
        .type('application/problem+json')
        .send({ type: 'about:blank', status: error.status, title: problem.code, code: problem.code, detail: problem.message['zh-CN'], errors: error.problems });
      return reply;
    }
  }
}
