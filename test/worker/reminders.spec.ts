import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#eventstore';
import { deadlineStreamId, reviewStageDeadlineId, submissionDeadlineId } from '#domain';
import { reminderJobId } from '../../apps/worker/src/reminders/queues.js';
import { appendDirectory, campaignDeadlineExtended, campaignOpened, region, reportCreated, reportEvent } from './support/fixtures.js';
import { startHarness, waitFor, type Harness } from './support/harness.js';
import { ManualClock } from './support/manual-clock.js';
import { startSmtpReceiver, startWebhookReceiver, type ReceivedMail, type WebhookReceiver } from './support/receivers.js';

const org = region('rm', 1, 2);
const [unit1, unit2] = org.units as [string, string];
const campaignId = 'c2026';
const deadline1 = submissionDeadlineId(campaignId, unit1);
const deadline2 = submissionDeadlineId(campaignId, unit2);
const sent = (events: RecordedEvent[]) => events.filter((e) => e.type === 'ReminderSent').map((e) => e.data as { offsetId: string; dueVersion: number; plannedAt: string; at: string; recipients: Array<{ userId: string; reason: string; channels: string[] }> });

describe('deadline reminders on the working-day calendar (real Redis, SMTP and webhook receivers, a manual clock)', () => {
  const clock = new ManualClock('2026-05-06T02:00:00.000Z');
  let h: Harness;
  let smtp: { url: string; mails: ReceivedMail[]; close(): Promise<void> };
  let webhook: WebhookReceiver;

  /** Moves the clock and lets reconciliation re-time the wake-ups, as a test's stand-in for days passing. */
  async function travelTo(instant: string): Promise<void> {
    await h.settled();
    clock.set(instant);
    await h.runtime.reconcile();
  }

  async function reminderOf(deadlineId: string, offsetId: string, dueVersion: number) {
    return waitFor(`${offsetId}@${dueVersion} of ${deadlineId}`, async () => sent(await h.events(deadlineStreamId(deadlineId))).find((r) => r.offsetId === offsetId && r.dueVersion === dueVersion));
  }

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    webhook = await startWebhookReceiver('test-webhook-secret-0123456789');
    h = await startHarness('reminders', clock, { SMTP_URL: smtp.url, WEBHOOK_URL: webhook.url, WEBHOOK_SECRET: webhook.secret, NOTIFY_BACKOFF_MS: '50' });
    await appendDirectory(h.store, org.regionId, org.organisations, org.users);
    await h.directory.catchUp();
    await h.runtime.start();
  });

  afterAll(async () => {
    await h?.close();
    await smtp?.close();
    await webhook?.close();
  });

  it('schedules each unit a wake-up per reminder, timed for 09:00 Shanghai on the working days around the due date', async () => {
    await h.store.append(`campaign-${campaignId}`, [campaignOpened({ campaignId, regionId: org.regionId, year: 2026, unitIds: org.units, deadline: '2026-05-29', at: clock.now().toISOString() })], 'no_stream');
    const expected = {
      'before-7': '2026-05-20T01:00:00.000Z',
      'before-3': '2026-05-26T01:00:00.000Z',
      'before-1': '2026-05-28T01:00:00.000Z',
      due: '2026-05-29T01:00:00.000Z',
      'after-1': '2026-06-01T01:00:00.000Z',
    };
    const delayed = await waitFor('ten wake-ups', async () => {
      const times = await h.runtime.scheduler.delayedFireTimes();
      return times.size === 10 ? times : null;
    });
    for (const deadlineId of [deadline1, deadline2]) {
      for (const [offsetId, at] of Object.entries(expected)) {
        const fireAt = delayed.get(reminderJobId(deadlineId, offsetId, 1));
        expect(fireAt).toBeDefined();
        // Real time to wait = the planned instant minus the (manual) clock's now.
        expect(Math.abs(fireAt! - Date.now() - (Date.parse(at) - clock.now().getTime()))).toBeLessThan(15_000);
      }
    }
  });

  it('puts a wake-up that comes early back to sleep until its instant, sending nothing', async () => {
    const jobId = reminderJobId(deadline1, 'before-3', 1);
    const planned = (await h.runtime.scheduler.delayedFireTimes()).get(jobId)!;
    // As if a clock skew or a restored Redis woke it now.
    await (await h.runtime.queues.reminders.getJob(jobId))!.changeDelay(0);
    await waitFor('the early wake-up back in the delayed set at its instant', async () => {
      const fireAt = (await h.runtime.scheduler.delayedFireTimes()).get(jobId);
      return fireAt !== undefined && Math.abs(fireAt - planned) < 5_000 && (await h.runtime.queues.reminders.getJob(jobId))!.attemptsStarted > 0;
    });
    expect(sent(await h.events(deadlineStreamId(deadline1)))).toEqual([]);
  });

  it('fires the 7-working-day reminder at its instant, in-app, by e-mail and as a signed webhook, to the filler and the leader', async () => {
    await travelTo('2026-05-20T01:00:00.000Z');
    for (const [deadlineId, unit] of [
      [deadline1, unit1],
      [deadline2, unit2],
    ] as const) {
      const reminder = await reminderOf(deadlineId, 'before-7', 1);
      expect(reminder.plannedAt).toBe('2026-05-20T01:00:00.000Z');
      expect(reminder.at).toBe('2026-05-20T01:00:00.000Z');
      expect(reminder.recipients.map((r) => [r.userId, r.reason, r.channels])).toEqual([
        [`${unit}-filler`, 'responsible', ['in-app', 'email', 'webhook']],
        [`${unit}-leader`, 'responsible', ['in-app', 'email', 'webhook']],
      ]);
    }
    await waitFor('four e-mails and four webhooks', async () => smtp.mails.length >= 4 && webhook.processed.size >= 4);
    expect(smtp.mails.map((m) => m.to[0]).sort()).toEqual([`${unit1}-filler@example.org`, `${unit1}-leader@example.org`, `${unit2}-filler@example.org`, `${unit2}-leader@example.org`]);
    expect(smtp.mails[0]!.subject).toContain('距提交截止还有7个工作日');
    expect(smtp.mails[0]!.text).toContain('2026年5月29日（星期五）');
    expect(webhook.requests.every((r) => r.signatureValid)).toBe(true);
    const hook = [...webhook.processed.values()].find((r) => r.body.recipient.userId === `${unit1}-filler`)!;
    expect(hook.body).toMatchObject({
      type: 'deadline.reminder',
      deadline: { deadlineId: deadline1, dueDate: '2026-05-29', deadlineAt: '2026-05-29T15:59:59.999Z', subject: { kind: 'submission', campaignId, unitId: unit1 } },
      reminder: { offsetId: 'before-7', phase: 'before', workingDays: -7, plannedAt: '2026-05-20T01:00:00.000Z' },
    });
    expect(hook.key).toBe(`${deadline1}~before-7~1~${unit1}-filler~webhook`);
    await waitFor('the in-app inbox', async () => {
      const { rows } = await h.sql.query<{ doc: { title: string; readAt: string | null } }>(`SELECT doc FROM rm_notification_inbox WHERE doc->>'userId' = $1`, [`${unit1}-filler`]);
      return rows.length === 1 && rows[0]!.doc.readAt === null && rows[0]!.doc.title.includes('还有7个工作日');
    });
    // Nothing else is due yet.
    expect(sent(await h.events(deadlineStreamId(deadline1)))).toHaveLength(1);
  });

  it('moves the reminders of a unit whose deadline is extended; the other unit keeps its dates', async () => {
    clock.set('2026-05-21T02:00:00.000Z');
    await h.store.append(`campaign-${campaignId}`, [campaignDeadlineExtended({ campaignId, regionId: org.regionId, unitId: unit1, deadline: '2026-06-12', at: clock.now().toISOString() })], 'stream_exists');
    const moved = await waitFor('DeadlineMoved', async () => (await h.events(deadlineStreamId(deadline1))).find((e) => e.type === 'DeadlineMoved'));
    expect(moved.data).toMatchObject({ dueDate: '2026-06-12', previousDueDate: '2026-05-29', dueVersion: 2 });
    await waitFor('the wake-ups of the new date, and none of the old', async () => {
      const times = await h.runtime.scheduler.delayedFireTimes();
      return times.has(reminderJobId(deadline1, 'before-7', 2)) && !times.has(reminderJobId(deadline1, 'before-3', 1));
    });
    await travelTo('2026-05-26T01:00:00.000Z');
    expect((await reminderOf(deadline2, 'before-3', 1)).plannedAt).toBe('2026-05-26T01:00:00.000Z');
    expect(sent(await h.events(deadlineStreamId(deadline1))).map((r) => `${r.offsetId}@${r.dueVersion}`)).toEqual(['before-7@1']);
  });

  it('cancels the pending reminders of a unit whose report is submitted', async () => {
    clock.set('2026-05-27T03:00:00.000Z');
    await h.store.append('report-r2', [reportCreated('r2', unit2, 2026, '2026-05-06T03:00:00.000Z'), reportEvent('ReportSubmitted', unit2, clock.now().toISOString())], 'no_stream');
    const cancelled = await waitFor('DeadlineCancelled', async () => (await h.events(deadlineStreamId(deadline2))).find((e) => e.type === 'DeadlineCancelled'));
    expect(cancelled.data).toMatchObject({ reason: 'submitted' });
    await waitFor('no wake-ups left for the submitted unit', async () => {
      const times = await h.runtime.scheduler.delayedFireTimes();
      return ![...times.keys()].some((id) => id.includes(unit2));
    });
    // A stray wake-up (a job that outlived the cancellation) is ignored by the stream.
    const stray = await h.runtime.reminderProcessor.process({ data: { deadlineId: deadline2, offsetId: 'before-1', dueVersion: 1 } } as never);
    expect(stray).toBe('stale:cancelled');
  });

  it('reminds on the working days of the new date, escalates one working day after it, and never again to the submitted unit', async () => {
    const instants: Array<[string, string]> = [
      ['before-7', '2026-06-03T01:00:00.000Z'],
      ['before-3', '2026-06-09T01:00:00.000Z'],
      ['before-1', '2026-06-11T01:00:00.000Z'],
      ['due', '2026-06-12T01:00:00.000Z'],
      ['after-1', '2026-06-15T01:00:00.000Z'],
    ];
    for (const [offsetId, at] of instants) {
      await travelTo(at);
      const reminder = await reminderOf(deadline1, offsetId, 2);
      expect([reminder.plannedAt, reminder.at]).toEqual([at, at]);
    }
    const events = await h.events(deadlineStreamId(deadline1));
    const escalated = events.find((e) => e.type === 'DeadlineEscalated')!;
    expect(escalated.data).toMatchObject({ offsetId: 'after-1', dueVersion: 2, toOrganisationId: 'rm-dept1', userIds: ['rm-dept1-reviewer'] });
    const overdue = sent(events).find((r) => r.offsetId === 'after-1')!;
    expect(overdue.recipients.map((r) => [r.userId, r.reason])).toEqual([
      [`${unit1}-filler`, 'responsible'],
      [`${unit1}-leader`, 'responsible'],
      ['rm-dept1-reviewer', 'escalation'],
    ]);
    const mail = await waitFor('the escalation e-mail', async () => smtp.mails.find((m) => m.to[0] === 'rm-dept1-reviewer@example.org'));
    expect(mail.subject).toContain('逾期提醒');
    expect(mail.text).toContain('已逾期1个工作日');
    expect(sent(await h.events(deadlineStreamId(deadline2))).map((r) => r.offsetId)).toEqual(['before-7', 'before-3']);
  });

  it('reminds the reviewers in the report unit lineage before a review stage time limit, and stops when the stage is approved', async () => {
    clock.set('2026-06-15T02:00:00.000Z');
    await h.store.append(
      'report-r2',
      [reportEvent('ReviewStageEntered', unit2, clock.now().toISOString(), { stageId: 'department', stageIndex: 1, role: 'department_reviewer', approvalsRequired: 1, timeLimitWorkingDays: 3, cycle: 1 })],
      'stream_exists',
    );
    const enteredAt = (await h.events('report-r2')).length - 1;
    const stageDeadline = reviewStageDeadlineId('r2', enteredAt);
    const scheduled = await waitFor('the stage deadline', async () => (await h.events(deadlineStreamId(stageDeadline)))[0]);
    // 3 working days after Monday 06-15 is Thursday 06-18 (06-19 is the Dragon Boat holiday).
    expect(scheduled.data).toMatchObject({ dueDate: '2026-06-18', subject: { kind: 'review-stage', reportId: 'r2', stageId: 'department' } });
    await travelTo('2026-06-17T01:00:00.000Z');
    const reminder = await reminderOf(stageDeadline, 'before-1', 1);
    expect(reminder.recipients.map((r) => r.userId)).toEqual(['rm-dept1-reviewer']);
    const mail = await waitFor('the reviewer e-mail', async () => smtp.mails.find((m) => m.to[0] === 'rm-dept1-reviewer@example.org' && m.subject.includes('审核时限')));
    expect(mail.subject).toContain('【绩效审核】');

    await h.store.append('report-r2', [reportEvent('ReviewApproved', unit2, '2026-06-17T06:00:00.000Z', { stageId: 'department', revision: enteredAt, opinion: null })], 'stream_exists');
    await waitFor('the stage deadline cancelled', async () => (await h.events(deadlineStreamId(stageDeadline))).some((e) => e.type === 'DeadlineCancelled'));
    await travelTo('2026-06-22T01:00:00.000Z');
    expect(await h.runtime.reminderProcessor.process({ data: { deadlineId: stageDeadline, offsetId: 'due', dueVersion: 1 } } as never)).toBe('stale:cancelled');
    const times = await h.runtime.scheduler.delayedFireTimes();
    expect([...times.keys()].filter((id) => id.includes('rev~r2'))).toEqual([]);
  });

  it('delivered every e-mail and webhook exactly once', async () => {
    await waitFor('the ledger to drain', async () => {
      const { rows } = await h.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_deliveries WHERE status <> 'sent'`);
      return rows[0]!.n === 0;
    });
    const { rows } = await h.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM notification_deliveries WHERE channel = 'email'`);
    expect(smtp.mails).toHaveLength(rows[0]!.n);
    expect(new Set(smtp.mails.map((m) => m.idempotencyKey)).size).toBe(smtp.mails.length);
    expect(webhook.requests.length).toBe(webhook.processed.size);
  });
});
