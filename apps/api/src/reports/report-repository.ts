import { Injectable } from '@nestjs/common';
import { evolve, initialState, parseStoredReportEvent, reportStreamId, type ReportEvent, type ReportState } from '#domain';
import { EventStore, type RecordedEvent } from '#eventstore';

export interface LoadedReport {
  state: ReportState;
  /** Revision of the last event, null when the stream does not exist. */
  revision: number | null;
  events: RecordedEvent[];
}

/** Reads a report's stream and folds it; stored payloads are validated (and upcast) on read. */
@Injectable()
export class ReportRepository {
  constructor(private readonly eventStore: EventStore) {}

  async load(reportId: string, options: { toRevision?: number; until?: string } = {}): Promise<LoadedReport> {
    const events = await this.eventStore.readStream(reportStreamId(reportId), options.toRevision === undefined ? {} : { toRevision: options.toRevision });
    const applied = options.until === undefined ? events : events.filter((e) => e.metadata.recordedAt <= options.until!);
    let state: ReportState = initialState();
    for (const event of applied) state = evolve(state, toDomainEvent(event));
    return { state, revision: applied.length === 0 ? null : applied[applied.length - 1]!.revision, events: applied };
  }
}

export function toDomainEvent(event: RecordedEvent): ReportEvent {
  return parseStoredReportEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data });
}
