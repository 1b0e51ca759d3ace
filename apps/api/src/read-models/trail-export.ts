import type { AuditEntry } from '#read-models';

/** A cell as RFC 4180 wants it: quoted when it holds a comma, a quote or a line break. */
export function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  // Spreadsheets run a cell that starts with = + - @ as a formula (CSV injection): a leading
  // apostrophe keeps the text as text, which is how Excel itself escapes it.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: ReadonlyArray<string | number | null>): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** Byte order mark: how Excel recognises a UTF-8 CSV and shows the Chinese text. */
export const UTF8_BOM = '\uFEFF';

export const trailCsvHeader = [
  '时间(time, Asia/Shanghai)',
  '时间UTC(time, UTC)',
  '组织(organisation)',
  '报告(report)',
  '事件流(stream)',
  '修订号(revision)',
  '事件类型(event type)',
  '摘要(summary)',
  '英文摘要(summary in English)',
  '原因或意见(reason or opinion)',
  '用户(user)',
  '角色(role)',
  '用户所属组织(user organisation)',
  '位置(position)',
  '事件编号(event id)',
  '关联编号(correlation id)',
];

/** `2025-03-01T00:00:04.000Z` → `2025-03-01 08:00:04`: China has kept UTC+8 all year since 1992. */
export function shanghaiTime(utc: string): string {
  const local = new Date(Date.parse(utc) + 8 * 3600_000).toISOString();
  return `${local.slice(0, 10)} ${local.slice(11, 19)}`;
}

export function trailCsvRow(entry: AuditEntry): string {
  return csvLine([
    shanghaiTime(entry.at),
    entry.at,
    entry.organisationId,
    entry.reportId,
    entry.streamId,
    entry.revision,
    entry.type,
    entry.summary['zh-CN'],
    entry.summary.en,
    entry.reason,
    entry.actor.userId,
    entry.actor.role,
    entry.actor.organisationId,
    entry.position,
    entry.eventId,
    entry.correlationId,
  ]);
}
