import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { evolve, initialState, reportStreamId, upcastStoredReportEvent, type ReportEvent, type ReportState } from '#domain';
import { EventStore, type RecordedEvent } from '#eventstore';

export interface LoadedReport {
  state: ReportState;
  /** Revision of the last event, null when the stream does not exist. */
  revision: number | null;
  events: RecordedEvent[];
}

/** What a command needs of a report: its state, revision, and the revision of each event id. */
export interface ReportForDecision {
  state: ReportState;
  revision: number | null;
  revisionOfEvent: ReadonlyMap<string, number>;
}

interface Snapshot {
  state: ReportState;
  revision: number;
  revisionOfEvent: Map<string, number>;
}

/** Reports whose folded state this process keeps; each costs a few kilobytes. */
const SNAPSHOTS_KEPT = 2000;

/** Reads a report's stream and folds it; stored payloads are upcast on read (they were checked when appended). */
@Injectable()
export class ReportRepository {
  /** Folded states by report, the least recently used forgotten first. Only ever extended by newer events. */
  private readonly snapshots = new LRUCache<string, Snapshot>({ max: SNAPSHOTS_KEPT });

  constructor(private readonly eventStore: EventStore) {}

  async load(reportId: string, options: { toRevision?: number; until?: string } = {}): Promise<LoadedReport> {
    const events = await this.eventStore.readStream(reportStreamId(reportId), options.toRevision === undefined ? {} : { toRevision: options.toRevision });
    const applied = options.until === undefined ? events : events.filter((e) => e.metadata.recordedAt <= options.until!);
    let state: ReportState = initialState();
    for (const event of applied) state = evolve(state, toDomainEvent(event));
    return { state, revision: applied.length === 0 ? null : applied[applied.length - 1]!.revision, events: applied };
  }

  /**
   * The current state for deciding a command: the remembered fold, extended by whatever was
   * appended since (by this process or any other), so a long history is not replayed per edit.
   * `ifAt`: the revision the command must be appended at (If-Match); when the remembered fold is
   * at that revision, the stream is not read at all.
   */
  async loadForDecision(reportId: string, options: { ifAt?: number } = {}): Promise<ReportForDecision> {
    const known = this.snapshots.get(reportId);
    if (known !== undefined && options.ifAt === known.revision) {
      // The command may only be appended at this revision: if the stream moved on since, the
      // append's revision check refuses it, so reading the stream first would change nothing.
      return { state: known.state, revision: known.revision, revisionOfEvent: new Map(known.revisionOfEvent) };
    }
    const fromRevision = known ? known.revision + 1 : 0;
    const events = await this.eventStore.readStream(reportStreamId(reportId), { fromRevision });
    if (!known && events.length === 0) return { state: initialState(), revision: null, revisionOfEvent: new Map() };
    const snapshot: Snapshot = known ?? { state: initialState(), revision: -1, revisionOfEvent: new Map() };
    this.remember(reportId, this.extend(snapshot, events));
    // A copy of the moment: a concurrent command of this process may extend the snapshot later.
    return { state: snapshot.state, revision: snapshot.revision, revisionOfEvent: new Map(snapshot.revisionOfEvent) };
  }

  /** After an append: what was appended extends the remembered fold, when it directly follows it. */
  appended(reportId: string, events: readonly RecordedEvent[]): void {
    const known = this.snapshots.get(reportId);
    const first = events[0];
    if (!first) return;
    // Only when nothing is missing between the snapshot and these events; else the next load reads them.
    if (known ? first.revision > known.revision + 1 : first.revision !== 0) return;
    this.remember(reportId, this.extend(known ?? { state: initialState(), revision: -1, revisionOfEvent: new Map() }, events));
  }

  /**
   * Folds in the events that directly follow the snapshot. Concurrent loads of one report read
   * overlapping events and extend the same snapshot one after the other: what is already folded
   * in is skipped, never applied twice.
   */
  private extend(snapshot: Snapshot, events: readonly RecordedEvent[]): Snapshot {
    for (const event of events) {
      if (event.revision <= snapshot.revision) continue;
      if (event.revision !== snapshot.revision + 1) throw new Error(`report stream read with a gap: revision ${snapshot.revision} then ${event.revision}`);
      snapshot.state = evolve(snapshot.state, toDomainEvent(event));
      snapshot.revision = event.revision;
      snapshot.revisionOfEvent.set(event.id, event.revision);
    }
    return snapshot;
  }

  private remember(reportId: string, snapshot: Snapshot): void {
    this.snapshots.set(reportId, snapshot);
  }
}

export function toDomainEvent(event: RecordedEvent): ReportEvent {
  return upcastStoredReportEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data });
}
