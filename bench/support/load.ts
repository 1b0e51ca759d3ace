/** What the API bench's load processes share: the edited reports, the edit request and the summary. */

export interface EditTarget {
  id: string;
  etag: string;
  seq: number;
}

export interface LoadResult {
  p50: number;
  p99: number;
  rps: number;
  non2xx: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses per status code, e.g. `200×4000 412×2`. */
  statuses: string;
  /** Edit runs: the targets as the run left them (last ETag and edit number of each). */
  targets?: EditTarget[];
}

/** The next edit of a target: its goal text rewritten, with the If-Match of its last ETag. */
export function editRequest(target: EditTarget, token: string): { path: string; headers: Record<string, string>; body: string } {
  return {
    path: `/reports/${target.id}/narrative/goal`,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': target.etag },
    body: JSON.stringify({ text: `完成医疗设备购置，提升检查能力（第${++target.seq}次修改）` }),
  };
}

export function statusesOf(counts: Iterable<[string | number, number]>): string {
  return [...counts].map(([code, count]) => `${code}×${count}`).join(' ');
}
