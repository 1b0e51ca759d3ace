import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { reportStreamId, type ReportEvent } from '#domain';
import { openEventStore, type EventStore } from '#eventstore';
import { indicatorAdded, reportCreated, REPORT_ID } from '../../../../libs/domain/src/testing/report-builders.js';
import { metadata } from '../../../../test/support/events.js';
import { ReportRepository } from './report-repository.js';

const toNew = (event: ReportEvent) => ({ id: crypto.randomUUID(), type: event.type, data: event.data, metadata: metadata() });

describe('ReportRepository.loadForDecision', () => {
  let store: EventStore;
  beforeAll(async () => {
    store = await openEventStore('pglite://memory');
  });
  afterAll(async () => store.close());

  it('folds each event once, however many loads of one report run at the same time', async () => {
    const repository = new ReportRepository(store);
    await store.append(reportStreamId(REPORT_ID), [toNew(reportCreated())], 'no_stream');
    expect((await repository.loadForDecision(REPORT_ID)).revision).toBe(0);
    await store.append(reportStreamId(REPORT_ID), ['a', 'b', 'c', 'd', 'e'].map((id, i) => toNew(indicatorAdded(id, {}, i))), 0);

    const loads = await Promise.all(Array.from({ length: 10 }, () => repository.loadForDecision(REPORT_ID)));
    for (const loaded of loads) {
      expect(loaded.revision).toBe(5);
      expect(loaded.state.status !== 'none' && loaded.state.content.indicators.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    }
    const again = await repository.loadForDecision(REPORT_ID);
    expect(again.state).toEqual((await repository.load(REPORT_ID)).state);
    expect(again.revisionOfEvent.size).toBe(6);
  });

  it('decides on the remembered fold when it stands at the If-Match revision, and reads the stream otherwise', async () => {
    const repository = new ReportRepository(store);
    const reportId = 'report-if-match';
    const stream = reportStreamId(reportId);
    await store.append(stream, [toNew(reportCreated())], 'no_stream');
    expect((await repository.loadForDecision(reportId)).revision).toBe(0);
    // Another process appends: this one's fold still stands at revision 0.
    await store.append(stream, [toNew(indicatorAdded('a', {}, 0))], 0);
    // A command to be appended at 0 is decided on the fold at 0; its append is then refused.
    expect((await repository.loadForDecision(reportId, { ifAt: 0 })).revision).toBe(0);
    await expect(store.append(stream, [toNew(indicatorAdded('b', {}, 1))], 0)).rejects.toThrow();
    // One to be appended at 1 reads what it lacks.
    const current = await repository.loadForDecision(reportId, { ifAt: 1 });
    expect(current.revision).toBe(1);
    expect(current.state.status !== 'none' && current.state.content.indicators.map((i) => i.id)).toEqual(['a']);
  });
});
