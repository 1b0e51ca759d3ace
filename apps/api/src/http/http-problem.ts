import type { Problem } from '#domain';

/** A refusal that carries its own HTTP status (authentication, preconditions, idempotency). */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly status: number,
    readonly problems: readonly Problem[],
    readonly headers: Record<string, string> = {},
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(`${status} ${problems[0]?.code ?? ''}`);
  }

  static of(status: number, code: string, path: string, zh: string, en: string, options: { headers?: Record<string, string>; extensions?: Record<string, unknown>; details?: Record<string, unknown> } = {}): HttpProblem {
    const message = { 'zh-CN': zh, en };
    const problem: Problem = options.details === undefined ? { code, path, message } : { code, path, message, details: options.details };
    return new HttpProblem(status, [problem], options.headers, options.extensions);
  }
}
