import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, type RunningApi } from '../support/api-server.js';
import { createScratchDatabase } from '../support/databases.js';
import { deadlineStreamId, submissionDeadlineId } from '#domain';
import { campaignOpened } from './support/fixtures.js';
import { deleteKeys, sharedRedisUrl, waitFor } from './support/harness.js';
import { ManualClock } from './support/manual-clock.js';

const hospital = 'demo-unit-people-hospital';

describe('notifications over HTTP: the inbox, the e-mail address, reconciliation and queue metrics', () => {
  const clock = new ManualClock('2026-05-20T01:00:05.000Z');
  const prefix = `jxtest-api-${randomBytes(4).toString('hex')}`;
  let api: RunningApi;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createScratchDatabase('jx_notify_api');
    drop = database.drop;
    api = await startApi(database.url, { QUEUE_PREFIX: prefix, RECONCILE_INTERVAL_MS: '0' }, clock);
    // Opened two weeks ago: the 7-day reminder of 05-29 (05-20 09:00) is due the moment it is armed.
    await api.eventStore.append(
      'campaign-api2026',
      [campaignOpened({ campaignId: 'api2026', regionId: 'demo-finance-bureau', year: 2026, unitIds: [hospital], deadline: '2026-05-29', at: '2026-05-06T02:00:00.000Z' })],
      'no_stream',
    );
  }, 60_000);

  afterAll(async () => {
    await api?.close();
    await deleteKeys(sharedRedisUrl, prefix);
    await drop?.();
  });

  it('lists the reminder in the filler inbox as unread, and marks it read for its owner only', async () => {
    const filler = await api.as('demo.filler');
    const inbox = await waitFor('the reminder in the inbox', async () => {
      const response = await filler.request('GET', '/notifications');
      return response.status === 200 && response.body.total === 1 ? response.body : null;
    });
    expect(inbox).toMatchObject({ total: 1, unread: 1, page: 1 });
    const [item] = inbox.items;
    expect(item).toMatchObject({ kind: 'reminder', phase: 'before', read: false, dueDate: '2026-05-29', subject: { kind: 'submission', campaignId: 'api2026', unitId: hospital } });
    expect(item.title).toContain('距提交截止还有7个工作日');

    const leader = await api.as('demo.leader');
    const foreign = await leader.request('POST', `/notifications/${encodeURIComponent(item.notificationId)}/read`);
    expect(foreign.status).toBe(404);

    const read = await filler.request('POST', `/notifications/${encodeURIComponent(item.notificationId)}/read`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ notificationId: item.notificationId, read: true });
    await waitFor('the read mark projected', async () => (await filler.request('GET', '/notifications?unread=true')).body.total === 0);
    expect((await filler.request('GET', '/notifications')).body).toMatchObject({ total: 1, unread: 0 });
    expect((await filler.request('GET', '/notifications?pageSize=0')).status).toBe(400);
  });

  it('keeps the e-mail address a user wants reminders at, and refuses one that is none', async () => {
    const filler = await api.as('demo.filler');
    const bad = await filler.request('PUT', '/notifications/contact', { body: { email: 'not an address' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('email');
    expect((await filler.request('PUT', '/notifications/contact', { body: { email: 'zhang@hospital.example.org' } })).status).toBe(200);
    await waitFor('the address projected', async () => (await filler.request('GET', '/notifications/contact')).body.email === 'zhang@hospital.example.org');
  });

  it('schedules and moves deadlines from campaigns opened and extended through the campaigns API', async () => {
    const officer = await api.as('demo.performance');
    const opened = await officer.request('POST', '/campaigns', {
      body: { campaignId: 'http2026', year: 2026, name: '2026年度项目支出绩效自评', kind: 'project', unitIds: ['demo-unit-cdc'], submissionDeadline: '2026-06-30', reminderOffsets: [{ workingDays: -3, escalate: false }, { workingDays: 2, escalate: true }] },
    });
    expect(opened.status).toBe(201);
    const stream = deadlineStreamId(submissionDeadlineId('http2026', 'demo-unit-cdc'));
    const scheduled = await waitFor('the deadline', async () => (await api.eventStore.readStream(stream))[0]);
    expect(scheduled.data).toMatchObject({
      dueDate: '2026-06-30',
      organisationName: '示范市疾病预防控制中心',
      offsets: [
        { id: 'before-3', workingDays: -3, time: '09:00', escalate: false },
        { id: 'after-2', workingDays: 2, time: '09:00', escalate: true },
      ],
      by: { userId: 'demo-user-performance', role: 'performance_officer' },
    });
    const extended = await officer.request('POST', '/campaigns/http2026/extensions', { body: { unitId: null, deadline: '2026-07-15', reason: '统一延期' }, headers: { 'if-match': opened.headers.get('etag')! } });
    expect(extended.status).toBe(200);
    const moved = await waitFor('the move', async () => (await api.eventStore.readStream(stream)).find((e) => e.type === 'DeadlineMoved'));
    expect(moved.data).toMatchObject({ dueDate: '2026-07-15', previousDueDate: '2026-06-30', dueVersion: 2, reason: '统一延期' });
  });

  it('reconciles on demand for administrators, and exports queue depth and deliveries as metrics', async () => {
    const admin = await api.as('demo.admin');
    expect((await (await api.as('demo.filler')).request('POST', '/admin/reminders/reconcile')).status).toBe(403);
    const report = await admin.request('POST', '/admin/reminders/reconcile');
    expect(report.status).toBe(200);
    // The hospital's before-3, before-1, due and after-1; the CDC's before-3 and after-2 of its new date.
    expect(report.body.reminders).toMatchObject({ pending: 6, added: 0 });
    const metrics = await api.anonymous.request('GET', '/metrics');
    expect(metrics.body).toMatch(/jixiao_queue_depth\{queue="jixiao-reminders",state="delayed"\} 6/);
    expect(metrics.body).toContain('jixiao_deadline_manager_lag_events');
    expect(metrics.body).toContain('jixiao_queue_jobs_finished{queue="jixiao-reminders",outcome="completed"}');
  });
});
