import { HttpProblem } from './http-problem.js';

/** The revision an edit was based on, from If-Match: "7", W/"7" or 7. */
export function parseIfMatch(header: string | string[] | undefined): number {
  if (header === undefined) {
    throw HttpProblem.of(428, 'IF_MATCH_REQUIRED', 'If-Match', '修改须带If-Match（报告的修订号，即ETag）', 'Edits need If-Match (the report revision, its ETag)');
  }
  const value = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(value);
  if (!match) {
    throw HttpProblem.of(400, 'IF_MATCH_INVALID', 'If-Match', 'If-Match须为报告的ETag，如"3"', 'If-Match must be the report ETag, such as "3"');
  }
  return Number(match[1]);
}

export function etagOf(revision: number): string {
  return `"${revision}"`;
}
