import type { LocalizedText } from '#domain';
import { HttpProblem } from '../http/http-problem.js';

export function httpProblem(status: number, code: string, message: LocalizedText, headers: Record<string, string> = {}, path = ''): HttpProblem {
  return new HttpProblem(status, [{ code, path, message }], headers);
}
