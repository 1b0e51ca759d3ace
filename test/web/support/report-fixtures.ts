import type { ApiClient } from '../../support/api-server.js';

/** A report written through the API, as another client would, for the pages to open. */
export async function createReportViaApi(client: ApiClient, header: Record<string, unknown>, indicators: Array<Record<string, unknown>> = [], budget?: Record<string, string>): Promise<{ id: string; revision: number }> {
  const created = await client.request('POST', '/reports', { body: { kind: 'project', header } });
  if (created.status !== 201) throw new Error(`create: ${created.status} ${JSON.stringify(created.body)}`);
  const id = created.body.id as string;
  let revision = created.body.revision as number;
  const edit = async (method: string, path: string, body: unknown) => {
    const response = await client.request(method, `/reports/${id}${path}`, { body, headers: { 'if-match': `"${revision}"` } });
    if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(response.body)}`);
    revision = response.body.revision;
  };
  if (budget) await edit('PUT', '/budget/total', budget);
  for (const indicator of indicators) await edit('POST', '/indicators', { indicator });
  return { id, revision };
}

/** Fifty indicators whose weights add up to the profile's 90: the size of a large real report. */
export function fiftyIndicators(): Array<Record<string, unknown>> {
  const groups = [
    ['output', 'quantity'],
    ['output', 'quality'],
    ['output', 'timeliness'],
    ['benefit', 'social-benefit'],
    ['satisfaction', 'service-satisfaction'],
  ] as const;
  return Array.from({ length: 50 }, (_, i) => {
    const [level1, level2] = groups[i % groups.length]!;
    return { level1, level2, name: `指标${String(i + 1).padStart(2, '0')}`, comparator: '≥', target: String(100 + i), unit: '件', actual: String(95 + i), weight: '1.8', explanation: i % 2 === 0 ? '部分工作延后至次年' : null };
  });
}
