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
});
