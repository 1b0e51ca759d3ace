import { deliveryKey, notificationId } from '#domain';
import type { EventStore, SqlClient } from '#eventstore';
import { tableChecksum, tableOf } from '#projections';
import { readModelProjections } from '#read-models';
import { deterministicEventId } from '../../apps/api/src/http/idempotency.js';
import type { Client, Ledger } from './client.js';
import type { WebhookReceiver } from './processes.js';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

/** Every accepted command's events are in the store exactly once; refused commands appended nothing. */
export async function checkCommands(sql: SqlClient, ledger: Ledger): Promise<CheckResult> {
  const { rows } = await sql.query<{ event_id: string; key: string; user_id: string }>(
    `SELECT event_id::text, metadata->>'idempotencyKey' AS key, metadata->'actor'->>'userId' AS user_id FROM es_events WHERE metadata->>'idempotencyKey' IS NOT NULL`,
  );
  const byCommand = new Map<string, string[]>();
  for (const row of rows) {
    const id = `${row.user_id}\u0000${row.key}`;
    byCommand.set(id, [...(byCommand.get(id) ?? []), row.event_id]);
  }
  const problems: string[] = [];
  // Registrations are idempotent by content (the directory writer answers 200 for the same user), not by key.
  const accepted = new Map(ledger.accepted.filter((c) => c.what !== 'POST /users').map((c) => [`${c.userId}\u0000${c.key}`, c]));
  let events = 0;
  for (const [id, command] of accepted) {
    const ids = byCommand.get(id) ?? [];
    events += ids.length;
    const expected = ids.map((_, index) => deterministicEventId(command.userId, command.key, index));
    // A command that changed nothing (its ETag stayed the If-Match sent) rightly appends nothing.
    if (ids.length === 0 && !command.unchanged) problems.push(`${command.what}: no event (${command.key})`);
    else if (ids.length > 0 && command.unchanged) problems.push(`${command.what}: events appended, but the ETag did not move (${command.key})`);
    else if (ids.length > 0 && (new Set(ids).size !== ids.length || !expected.every((e) => ids.includes(e)))) problems.push(`${command.what} ${command.key}: events ${ids.join(',')} are not exactly ids 0..${ids.length - 1}`);
  }
  for (const command of ledger.refused) {
    if (accepted.has(`${command.userId}\u0000${command.key}`)) continue;
    if ((byCommand.get(`${command.userId}\u0000${command.key}`) ?? []).length > 0) problems.push(`refused ${command.what} ${command.key} appended events`);
  }
  return { name: 'accepted commands: events exactly once', ok: problems.length === 0, detail: `${accepted.size} accepted commands, ${events} events; ${ledger.refused.length} refused commands appended nothing${problems.length ? `; ${problems.length} problems: ${problems.slice(0, 8).join('; ')}` : ''}` };
}

export async function readModelChecksums(sql: SqlClient) {
  return Promise.all(readModelProjections.map(async (p) => ({ name: p.name, ...(await tableChecksum(sql, p)) })));
}

/** Copies of the live tables, so a difference from the rebuild can be shown row by row. */
export async function snapshotReadModels(sql: SqlClient): Promise<void> {
  for (const p of readModelProjections) {
    await sql.query(`DROP TABLE IF EXISTS soak_live_${p.name}`);
    await sql.query(`CREATE TABLE soak_live_${p.name} AS SELECT id, doc FROM ${tableOf(p)}`);
  }
}

export async function differingRows(sql: SqlClient): Promise<string> {
  const lines: string[] = [];
  for (const p of readModelProjections) {
    const live = `soak_live_${p.name}`;
    const fresh = tableOf(p);
    const { rows: onlyLive } = await sql.query<{ id: string; doc: unknown }>(`SELECT id, doc FROM (SELECT id, doc::text FROM ${live} EXCEPT SELECT id, doc::text FROM ${fresh}) d ORDER BY id LIMIT 3`);
    const { rows: onlyFresh } = await sql.query<{ id: string; doc: unknown }>(`SELECT id, doc FROM (SELECT id, doc::text FROM ${fresh} EXCEPT SELECT id, doc::text FROM ${live}) d ORDER BY id LIMIT 3`);
    for (const r of onlyLive) lines.push(`${p.name} live ${r.id}: ${String(r.doc).slice(0, 600)}`);
    for (const r of onlyFresh) lines.push(`${p.name} rebuilt ${r.id}: ${String(r.doc).slice(0, 600)}`);
  }
  return lines.join('\n      ');
}

export function compareChecksums(live: Awaited<ReturnType<typeof readModelChecksums>>, rebuilt: Awaited<ReturnType<typeof readModelChecksums>>): CheckResult {
  const differing = live.filter((t, i) => t.md5 !== rebuilt[i]!.md5 || t.rows !== rebuilt[i]!.rows).map((t) => t.name);
  return { name: 'read models equal a fresh rebuild', ok: differing.length === 0, detail: live.map((t) => `${t.name} ${t.rows} rows`).join(', ') + (differing.length ? `; DIFFERENT: ${differing.join(', ')}` : '') };
}

interface SentReminder {
  deadlineId: string;
  offsetId: string;
  dueVersion: number;
  recipients: Array<{ userId: string; channels: string[] }>;
}

/** Every ReminderSent once per (deadline, offset, version); each recipient got it once per channel. */
export async function checkReminders(sql: SqlClient, webhook: WebhookReceiver): Promise<{ result: CheckResult; reminders: number; deliveries: number }> {
  const { rows } = await sql.query<{ stream_id: string; data: SentReminder }>(`SELECT stream_id, data FROM es_events WHERE type = 'ReminderSent' AND stream_id LIKE 'deadline-%' ORDER BY position`);
  const problems: string[] = [];
  const seen = new Set<string>();
  const expectedWebhooks = new Set<string>();
  const expectedInApp = new Set<string>();
  for (const { data } of rows) {
    const id = `${data.deadlineId}/${data.offsetId}/${data.dueVersion}`;
    if (seen.has(id)) problems.push(`reminder ${id} sent twice`);
    seen.add(id);
    for (const recipient of data.recipients) {
      const notification = notificationId(data.deadlineId, data.offsetId, data.dueVersion, recipient.userId);
      if (recipient.channels.includes('webhook')) expectedWebhooks.add(deliveryKey(notification, 'webhook'));
      if (recipient.channels.includes('in-app')) expectedInApp.add(notification);
    }
  }
  for (const key of expectedWebhooks) if (!webhook.processed.has(key)) problems.push(`webhook ${key} never delivered`);
  for (const key of webhook.processed) if (!expectedWebhooks.has(key)) problems.push(`webhook ${key} delivered without a reminder`);
  const { rows: ledger } = await sql.query<{ channel: string; status: string; n: number }>(`SELECT channel, status, count(*)::int AS n FROM notification_deliveries GROUP BY channel, status`).catch(() => ({ rows: [] as Array<{ channel: string; status: string; n: number }> }));
  for (const row of ledger) if (row.channel === 'webhook' && row.status !== 'sent') problems.push(`${row.n} webhook deliveries ${row.status}`);
  const { rows: inbox } = await sql.query<{ id: string }>(`SELECT id FROM rm_notification_inbox`).catch(() => ({ rows: [] as Array<{ id: string }> }));
  const inboxIds = new Set(inbox.map((r) => r.id));
  for (const key of expectedInApp) if (!inboxIds.has(key)) problems.push(`in-app ${key} missing`);
  if (webhook.badSignatures > 0) problems.push(`${webhook.badSignatures} webhooks with a bad signature`);
  return {
    result: {
      name: 'due reminders delivered exactly once per recipient and channel',
      ok: problems.length === 0,
      detail: `${rows.length} reminders; webhook: ${expectedWebhooks.size} expected, ${webhook.processed.size} acted on, ${webhook.requests} requests (resent under the same key: ${webhook.requests - webhook.processed.size}); in-app: ${expectedInApp.size} expected, ${inboxIds.size} rows; ledger ${JSON.stringify(ledger)}${problems.length ? `; ${problems.length} problems: ${problems.slice(0, 5).join('; ')}` : ''}`,
    },
    reminders: rows.length,
    deliveries: expectedWebhooks.size + expectedInApp.size,
  };
}

/** Every stream's hash chain verifies in the store, and every report's through the API. */
export async function checkHashChains(store: EventStore, sql: SqlClient, auditor: Client, reportIds: Iterable<string>): Promise<CheckResult> {
  const { rows } = await sql.query<{ stream_id: string }>('SELECT DISTINCT stream_id FROM es_events');
  const broken: string[] = [];
  for (const { stream_id } of rows) {
    const verification = await store.verifyStream(stream_id);
    if (!verification.ok) broken.push(`${stream_id} (${verification.reason} at ${verification.brokenAt})`);
  }
  let viaApi = 0;
  for (const id of reportIds) {
    const answer = await auditor.request('GET', `/reports/${id}/verify`);
    viaApi++;
    if (answer.status !== 200 || (answer.body as { ok?: boolean }).ok !== true) broken.push(`GET /reports/${id}/verify: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`);
  }
  return { name: 'hash chains verify', ok: broken.length === 0, detail: `${rows.length} streams in the store, ${viaApi} reports via GET /reports/:id/verify${broken.length ? `; BROKEN: ${broken.slice(0, 5).join('; ')}` : ''}` };
}

export function checkNoServerErrors(ledger: Ledger): CheckResult {
  return {
    name: 'no 5xx answered',
    ok: ledger.serverErrors.length === 0,
    detail: `${ledger.requests} requests, statuses ${JSON.stringify(Object.fromEntries([...ledger.statuses].sort((a, b) => a[0] - b[0])))}${ledger.serverErrors.length ? `; 5xx: ${ledger.serverErrors.slice(0, 5).map((e) => `${e.at} ${e.method} ${e.path} ${e.status} ${e.body}`).join(' | ')}` : ''}`,
  };
}
