import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deadlineStreamId, reviewStageDeadlineId, submissionDeadlineId } from '#domain';
import { appendDirectory, campaignOpened, region, reportCreated, reportEvent } from './support/fixtures.js';
import { startHarness, type Harness } from './support/harness.js';
import { ManualClock } from './support/manual-clock.js';

const org = region('tr', 1, 4);
const [u1, u2, u3, u4] = org.units as [string, string, string, string];
const at = (day: number) => `2026-05-${String(day).padStart(2, '0')}T02:00:00.000Z`;

describe('deadline triggers: which report events cancel, reinstate and close deadlines (the process manager, step by step)', () => {
  let h: Harness;
  const types = async (deadlineId: string) => (await h.events(deadlineStreamId(deadlineId))).map((e) => e.type);
  const step = () => h.runtime.processManager.catchUp();

  beforeAll(async () => {
    h = await startHarness('triggers', new ManualClock(at(6)));
    await appendDirectory(h.store, org.regionId, org.organisations, org.users);
    await h.directory.catchUp();
    await h.runtime.init();
    // u4 submitted its only report before the campaign opened.
    await h.store.append('report-early', [reportCreated('early', u4, 2026, at(4)), reportEvent('ReportSubmitted', u4, at(5))], 'no_stream');
    await h.store.append('campaign-all', [campaignOpened({ campaignId: 'all', regionId: org.regionId, year: 2026, unitIds: [u1, u2, u4], deadline: '2026-05-29', at: at(6) })], 'no_stream');
    const projectOnly = campaignOpened({ campaignId: 'proj', regionId: org.regionId, year: 2026, unitIds: [u3], deadline: '2026-05-29', at: at(6) });
    (projectOnly.data as { kind: string }).kind = 'project';
    await h.store.append('campaign-proj', [projectOnly], 'no_stream');
    await step();
  });

  afterAll(async () => h?.close());

  it('schedules and at once cancels the deadline of a unit whose reports were all submitted before the campaign', async () => {
    expect(await types(submissionDeadlineId('all', u4))).toEqual(['DeadlineScheduled', 'DeadlineCancelled']);
  });

  it('holds a unit to its deadline until every report of the year is submitted, and reinstates it on a withdrawal', async () => {
    const deadline = submissionDeadlineId('all', u1);
    await h.store.append('report-a', [reportCreated('a', u1, 2026, at(7))], 'no_stream');
    await h.store.append('report-b', [reportCreated('b', u1, 2026, at(7))], 'no_stream');
    await h.store.append('report-a', [reportEvent('ReportSubmitted', u1, at(8))], 0);
    await step();
    expect(await types(deadline)).toEqual(['DeadlineScheduled']);
    await h.store.append('report-b', [reportEvent('ReportSubmitted', u1, at(9))], 0);
    await step();
    expect(await types(deadline)).toEqual(['DeadlineScheduled', 'DeadlineCancelled']);
    await h.store.append('report-b', [reportEvent('ReportWithdrawn', u1, at(11), { reason: null })], 1);
    await step();
    const events = await h.events(deadlineStreamId(deadline));
    expect(events.map((e) => e.type)).toEqual(['DeadlineScheduled', 'DeadlineCancelled', 'DeadlineReinstated']);
    expect(events[2]!.data).toMatchObject({ dueVersion: 2 });
    await h.store.append('report-b', [reportEvent('ReportSubmitted', u1, at(12))], 2);
    await step();
    expect((await types(deadline)).at(-1)).toBe('DeadlineCancelled');
  });

  it('counts only the kind of report a campaign asks for', async () => {
    await h.store.append('report-c', [reportCreated('c', u3, 2026, at(7)), reportEvent('ReportSubmitted', u3, at(8))], 'no_stream');
    await step();
    // A department report (reportCreated's kind) does not meet a project campaign.
    expect(await types(submissionDeadlineId('proj', u3))).toEqual(['DeadlineScheduled']);
  });

  it('closes a four-eyes stage deadline at the second approval, and a returned stage at once', async () => {
    await h.store.append('report-d', [reportCreated('d', u2, 2026, at(7)), reportEvent('ReportSubmitted', u2, at(8))], 'no_stream');
    await h.store.append('report-d', [reportEvent('ReviewStageEntered', u2, at(8), { stageId: 'finance', stageIndex: 2, role: 'finance_reviewer', approvalsRequired: 2, timeLimitWorkingDays: 5, cycle: 1 })], 1);
    await h.store.append('report-d', [reportEvent('ReviewApproved', u2, at(11), { stageId: 'finance', revision: 2, opinion: null })], 2);
    await step();
    const stage = reviewStageDeadlineId('d', 2);
    expect(await types(stage)).toEqual(['DeadlineScheduled']);
    await h.store.append('report-d', [reportEvent('ReviewApproved', u2, at(12), { stageId: 'finance', revision: 2, opinion: null })], 3);
    await h.store.append('report-d', [reportEvent('ReviewStageEntered', u2, at(12), { stageId: 'performance', stageIndex: 3, role: 'performance_officer', approvalsRequired: 1, timeLimitWorkingDays: 3, cycle: 1 })], 4);
    await h.store.append('report-d', [reportEvent('ReportReturned', u2, at(13), { stage: 'performance', opinion: '请补充佐证材料', opinions: [], to: 'draft' })], 5);
    await step();
    expect(await types(stage)).toEqual(['DeadlineScheduled', 'DeadlineCancelled']);
    expect(await types(reviewStageDeadlineId('d', 5))).toEqual(['DeadlineScheduled', 'DeadlineCancelled']);
    // Back in draft: the unit's submission deadline applies again.
    expect((await types(submissionDeadlineId('all', u2))).slice(-2)).toEqual(['DeadlineCancelled', 'DeadlineReinstated']);
  });

  it('changes nothing when every event is handled again from the start (its tables emptied with its checkpoint)', async () => {
    const streams = [...[u1, u2, u4].map((u) => submissionDeadlineId('all', u)), submissionDeadlineId('proj', u3), reviewStageDeadlineId('d', 2), reviewStageDeadlineId('d', 5)].map(deadlineStreamId);
    const before = await Promise.all(streams.map((stream) => h.events(stream)));
    await h.sql.query('DELETE FROM deadline_manager_checkpoints');
    await h.sql.query('DELETE FROM deadline_reports');
    await h.sql.query('DELETE FROM deadline_campaign_units');
    await h.sql.query('DELETE FROM deadline_index');
    await step();
    const after = await Promise.all(streams.map((stream) => h.events(stream)));
    expect(after.map((events) => events.map((e) => e.id))).toEqual(before.map((events) => events.map((e) => e.id)));
  });
});
