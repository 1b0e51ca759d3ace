import { isDomainError, type DomainError, type LocalizedText } from '#domain';
import { HttpProblem } from '../http/http-problem.js';

/**
 * How the directory's refusals map to HTTP statuses. The global ProblemFilter would answer every
 * unknown DomainError code with 422; these deserve 403, 404 and 409.
 */
export function statusForCode(code: string): number {
  if (code === 'COMMAND_INVALID') return 400;
  if (code === 'ROLE_NOT_ALLOWED' || code.endsWith('_OUTSIDE_REGION') || code === 'USER_CANNOT_DEACTIVATE_SELF') return 403;
  if (code === 'USER_NOT_FOUND' || code === 'ORGANISATION_NOT_FOUND') return 404;
  if (code.endsWith('_ALREADY_EXISTS') || code === 'USERNAME_TAKEN') return 409;
  return 422;
}

export function problemFromDomainError(error: DomainError): HttpProblem {
  return new HttpProblem(statusForCode(error.code), error.problems);
}

export function httpProblem(status: number, code: string, message: LocalizedText, headers: Record<string, string> = {}, path = ''): HttpProblem {
  return new HttpProblem(status, [{ code, path, message }], headers);
}

/** Runs work and turns a DomainError into the problem with the matching status. */
export async function refusalsAsProblems<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDomainError(error)) throw problemFromDomainError(error);
    throw error;
  }
}
