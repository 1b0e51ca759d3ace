import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { evolve, reportStreamId, type ReportEvent } from '#domain';
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

  it('decides on the remembered fold at the expected revision without reading, and reads for any other', async () => {
    const repository = new ReportRepository(store);
    const reportId = 'r-expected';
    await store.append(reportStreamId(reportId), [toNew(reportCreated())], 'no_stream');
    expect((await repository.loadForDecision(reportId)).revision).toBe(0);
    // Another process appends: a client that saw revision 0 is answered from memory (its append
    // will then fail on the expected revision); one that saw revision 1 gets the store's state.
    await store.append(reportStreamId(reportId), [toNew(indicatorAdded('a', {}, 0))], 0);
    expect((await repository.loadForDecision(reportId, { expectedRevision: 0 })).revision).toBe(0);
    const fresh = await repository.loadForDecision(reportId, { expectedRevision: 1 });
    expect(fresh.revision).toBe(1);
    expect(fresh.state.status !== 'none' && fresh.state.content.indicators.map((i) => i.id)).toEqual(['a']);
  });

  it('takes the state a command computed for the events it appended', async () => {
    const repository = new ReportRepository(store);
    const reportId = 'r-appended';
    const created = await store.append(reportStreamId(reportId), [toNew(reportCreated())], 'no_stream');
    const loaded = await repository.loadForDecision(reportId);
    const event = indicatorAdded('b', {}, 0);
    const result = await store.append(reportStreamId(reportId), [toNew(event)], created.nextExpectedRevision);
    const after = evolve(loaded.state, event);
    repository.appended(reportId, result.events, after);
    const again = await repository.loadForDecision(reportId, { expectedRevision: 1 });
    expect(again.state).toBe(after);
    expect(again.revisionOfEvent.get(result.events[0]!.id)).toBe(1);
    expect(again.state).toEqual((await repository.load(reportId)).state);
  });
});
