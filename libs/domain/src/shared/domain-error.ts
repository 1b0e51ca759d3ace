import type { LocalizedText } from './i18n.js';

/**
 * One reason a command or document was refused. `path` points into the report document
 * (`indicators[ind-3].weight`, `budget.fiscal.executed`); '' means the report as a whole.
 * The HTTP layer maps a list of these to the `errors` member of an RFC 9457 problem document.
 */
export interface Problem {
  code: string;
  path: string;
  message: LocalizedText;
  details?: Record<string, unknown>;
}

export class DomainError extends Error {
  override readonly name = 'DomainError';
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    if (problems.length === 0) throw new TypeError('DomainError needs at least one problem');
    const first = problems[0]!;
    super(`${first.code} at ${first.path || '(report)'}: ${first.message.en}`);
    this.problems = problems;
  }

  /** The code of the first problem: what the command was refused for. */
  get code(): string {
    return this.problems[0]!.code;
  }

  get path(): string {
    return this.problems[0]!.path;
  }

  static of(code: string, path: string, message: LocalizedText, details?: Record<string, unknown>): DomainError {
    return new DomainError([details === undefined ? { code, path, message } : { code, path, message, details }]);
  }
}

export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError;
}
