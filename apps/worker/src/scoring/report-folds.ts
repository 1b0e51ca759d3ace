import { evolve, initialState, reportStreamId, upcastStoredReportEvent, type ReportAggregate, type ReportState } from '#domain';
import { LRUCache } from 'lru-cache';
import type { EventStore } from '#eventstore';

export interface FoldedReport {
  state: ReportAggregate;
  revision: number;
  /** The last event folded: what the score record names as its cause. */
  lastEventId: string;
  correlationId: string;
}

/**
 * Reports folded from their streams, the most recently used kept in memory: a burst of edits to
 * one report reads only the events after the last computation, not the whole stream again.
 */
export class ReportFolds {
  private readonly folds: LRUCache<string, FoldedReport>;

  constructor(
    private readonly eventStore: EventStore,
    capacity = 2000,
  ) {
    this.folds = new LRUCache({ max: capacity });
  }

  /** The report at its latest revision; null when it has no stream. */
  async load(reportId: string): Promise<FoldedReport | null> {
    const known = this.folds.get(reportId);
    const events = await this.eventStore.readStream(reportStreamId(reportId), known ? { fromRevision: known.revision + 1 } : {});
    if (events.length === 0) return known ?? null;
    let state: ReportState = known?.state ?? initialState();
    for (const event of events) state = evolve(state, upcastStoredReportEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data }));
    if (state.status === 'none') return null;
    const last = events[events.length - 1]!;
    const folded: FoldedReport = { state, revision: last.revision, lastEventId: last.id, correlationId: last.metadata.correlationId };
    this.folds.set(reportId, folded);
    return folded;
  }

  clear(): void {
    this.folds.clear();
  }
}
