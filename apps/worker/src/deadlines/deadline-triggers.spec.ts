import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from '#eventstore';
import { campaignOffsets, readTriggers } from './deadline-triggers.js';

const by = { userId: 'u-perf', role: 'performance_officer', organisationId: 'bureau' };
const at = '2026-03-02T02:00:00.000Z';

function recorded(streamId: string, type: string, data: Record<string, unknown>, revision = 0): RecordedEvent {
  return {
    id: '00000000-0000-4000-8000-000000000000',
    streamId,
    revision,
    position: 1n,
    type,
    data: { at, by, ...data },
    metadata: { actor: by, correlationId: 'c', causationId: null, idempotencyKey: null, recordedAt: at, schemaVersion: 1 },
    hash: '',
    previousHash: null,
  };
}

describe('deadline triggers (the one mapping from campaign and report events)', () => {
  it('reads a campaign opening with its own offsets, escalating only after the due date', () => {
    const [opened] = readTriggers(
      recorded('campaign-c1', 'CampaignOpened', {
        campaignId: 'c1',
        financeBureauId: 'bureau',
        year: 2026,
        name: '2026年度',
        kind: 'project',
        unitIds: ['u1', 'u2'],
        submissionDeadline: '2026-05-29',
        reminderOffsets: [{ workingDays: -5, escalate: true }, { workingDays: 2, escalate: true }, { workingDays: 0, escalate: false }],
        stageTimeLimits: null,
      }),
    );
    expect(opened!.by).toEqual(by);
    expect(opened!.trigger).toEqual({
      kind: 'campaign-opened',
      campaignId: 'c1',
      year: 2026,
      name: '2026年度',
      reportKind: 'project',
      unitIds: ['u1', 'u2'],
      dueDate: '2026-05-29',
      offsets: [
        { id: 'before-5', workingDays: -5, time: '09:00', escalate: false },
        { id: 'due', workingDays: 0, time: '09:00', escalate: false },
        { id: 'after-2', workingDays: 2, time: '09:00', escalate: true },
      ],
    });
  });

  it('reads extensions, and report events as status changes and stage moves', () => {
    expect(readTriggers(recorded('campaign-c1', 'CampaignDeadlineExtended', { campaignId: 'c1', unitId: null, deadline: '2026-06-12', reason: '延期' }))[0]!.trigger).toEqual({
      kind: 'campaign-extended',
      campaignId: 'c1',
      unitId: null,
      dueDate: '2026-06-12',
      reason: '延期',
    });
    expect(readTriggers(recorded('report-r1', 'ReportCreated', { reportId: 'r1', kind: 'department', organisationId: 'u1', profileId: 'default', header: { unit: '单位', year: 2026 } }))[0]!.trigger).toEqual({
      kind: 'report-created',
      reportId: 'r1',
      unitId: 'u1',
      year: 2026,
      reportKind: 'department',
    });
    expect(readTriggers(recorded('report-r1', 'ReportReturned', { stage: 'finance', opinion: null, opinions: [], to: 'draft' })).map((t) => t.trigger.kind)).toEqual(['stage-closed', 'report-status']);
    expect(readTriggers(recorded('report-r1', 'ReportReturned', { stage: 'finance', opinion: null, opinions: [], to: 'previous' })).map((t) => t.trigger.kind)).toEqual(['stage-closed']);
    expect(
      readTriggers(recorded('report-r1', 'ReviewStageEntered', { stageId: 'department', stageIndex: 1, role: 'department_reviewer', approvalsRequired: 2, timeLimitWorkingDays: 5, cycle: 1 }, 7))[0]!.trigger,
    ).toEqual({ kind: 'stage-entered', reportId: 'r1', stageId: 'department', role: 'department_reviewer', timeLimitWorkingDays: 5, approvalsRequired: 2, revision: 7 });
    expect(readTriggers(recorded('report-r1', 'HeaderUpdated', { changes: { unit: '新名' } }))).toEqual([]);
    expect(readTriggers(recorded('report-r1', 'IndicatorAdded', { indicator: {} }))).toEqual([]);
  });

  it('refuses a known event whose shape does not fit (it is logged and retried, never silently dropped)', () => {
    expect(() => readTriggers(recorded('campaign-c1', 'CampaignOpened', { campaignId: 'c1' }))).toThrow();
  });

  it('maps plain working-day offsets, dropping duplicates', () => {
    expect(campaignOffsets([{ workingDays: -1 }, { workingDays: -1, escalate: true }, { workingDays: 1, escalate: true }]).map((o) => o.id)).toEqual(['before-1', 'after-1']);
  });
});
