import {
  isDirectoryEventType,
  isReportEventType,
  organisationStreamId,
  parseStoredDirectoryEvent,
  reportStreamId,
  userStreamId,
  type DirectoryEvent,
  type LocalizedText,
  type ReportView,
} from '#domain';
import type { Actor, RecordedEvent } from '#eventstore';
import type { Projection, Row } from '#projections';
import { describeDirectoryEvent, describeOtherEvent, describeReportEvent, type AuditDescription } from './audit-describe.js';
import { DeferredRow, lz4Compression } from './deferred-row.js';
import { decodeReportEvent, foldFromView, foldReport, isReportStream, utc, viewOf, type FoldedReport } from './report-fold.js';

/**
 * One event of any stream, self-contained: who, when, which organisation it concerns, what, why.
 * Stored under a key made of the event's position (the row's position column, not repeated here).
 */
export interface AuditEntryDoc {
  eventId: string;
  streamId: string;
  revision: number;
  type: string;
  /** When it was recorded (metadata.recordedAt), UTC. */
  at: string;
  actor: Actor;
  /** The organisation the event concerns: the report's unit, the user's organisation, the organisation itself. */
  organisationId: string;
  summary: LocalizedText;
  reason: string | null;
  correlationId: string;
  causationId: string | null;
}

/** An entry as queries return it. */
export type AuditEntry = AuditEntryDoc & {
  /** Global position in the store, as a decimal string. */
  position: string;
  reportId: string | null;
};

/**
 * Per-stream context the trail keeps in the same table, so that an entry can name the report's
 * unit and the values an edit replaced: only ReportCreated names the unit, only the report
 * before an IndicatorUpdated knows the indicator's name and old value.
 */
export type AuditContextRow =
  | { kind: 'report'; streamId: string; revision: number; organisationId: string; fold: ReportView }
  | { kind: 'directory'; streamId: string; revision: number; organisationId: string; name: string | null };

type Context =
  | { kind: 'report'; streamId: string; revision: number; folded: FoldedReport }
  | { kind: 'directory'; streamId: string; revision: number; organisationId: string; name: string | null };

/** What the context knew right before an event: handed from the context's evolve to the entry's. */
type EntryContext = { before: Context | null; after: Context };

// The runner folds every key of every event of a batch before it writes any row; an entry is
// rendered when written, so it finds here what its stream's context was right before it.
const entryContexts = new WeakMap<RecordedEvent, EntryContext>();

const USER_PREFIX = userStreamId('');
const ORGANISATION_PREFIX = organisationStreamId('');
const REPORT_PREFIX = reportStreamId('');

function hasContext(streamId: string): boolean {
  return streamId.startsWith(REPORT_PREFIX) || streamId.startsWith(USER_PREFIX) || streamId.startsWith(ORGANISATION_PREFIX);
}

const CONTEXT_PREFIX = 'stream:';
const contextKey = (streamId: string) => `${CONTEXT_PREFIX}${streamId}`;
// Entries keyed by position: each insert lands at the end of the key's index, where keying them by
// the event's random UUID scattered the inserts over the whole index (slow once it outgrows memory).
const entryKey = (event: RecordedEvent) => `e${event.position.toString().padStart(19, '0')}`;

const decodedDirectory = new WeakMap<RecordedEvent, DirectoryEvent>();

function decodeDirectoryEvent(event: RecordedEvent): DirectoryEvent {
  let known = decodedDirectory.get(event);
  if (!known) {
    try {
      known = parseStoredDirectoryEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data });
    } catch (error) {
      throw new Error(`cannot read ${event.type} at position ${event.position} of ${event.streamId}: ${(error as Error).message}`, { cause: error });
    }
    decodedDirectory.set(event, known);
  }
  return known;
}

// ── context rows ───────────────────────────────────────────────────────────

class PendingContext extends DeferredRow {
  constructor(readonly context: Context) {
    super();
  }

  override toJSON(): AuditContextRow {
    const c = this.context;
    if (c.kind === 'report') {
      return { kind: 'report', streamId: c.streamId, revision: c.revision, organisationId: c.folded.state.organisationId, fold: viewOf(c.folded) };
    }
    return { kind: 'directory', streamId: c.streamId, revision: c.revision, organisationId: c.organisationId, name: c.name };
  }
}

function readContext(row: Row | null): Context | null {
  if (row === null) return null;
  if (row instanceof PendingContext) return row.context;
  const stored = row as unknown as AuditContextRow;
  if (stored.kind === 'report') return { kind: 'report', streamId: stored.streamId, revision: stored.revision, folded: foldFromView(stored.fold, stored.revision) };
  return stored;
}

function nextContext(before: Context | null, event: RecordedEvent): Context {
  const { streamId, revision } = event;
  if (isReportStream(streamId)) {
    if (!isReportEventType(event.type)) {
      if (before === null) throw new Error(`${event.type} at position ${event.position} opens ${streamId}, which is no report`);
      return { ...before, revision };
    }
    if (before !== null && before.kind !== 'report') throw new Error(`${streamId} is no report stream`);
    return { kind: 'report', streamId, revision, folded: foldReport(before?.folded ?? null, event) };
  }
  if (before !== null && before.kind !== 'directory') throw new Error(`${streamId} is no directory stream`);
  const known = isDirectoryEventType(event.type) ? decodeDirectoryEvent(event) : null;
  switch (known?.type) {
    case 'OrganisationRegistered':
      return { kind: 'directory', streamId, revision, organisationId: known.data.organisationId, name: known.data.name };
    case 'OrganisationRenamed':
      return { kind: 'directory', streamId, revision, organisationId: before?.organisationId ?? known.data.organisationId, name: known.data.name };
    case 'UserRegistered':
      return { kind: 'directory', streamId, revision, organisationId: known.data.organisationId, name: known.data.displayName };
    default:
      // Any other event keeps what the stream's first event established; a stream opened by an
      // event this trail does not know concerns the actor's organisation.
      return before === null
        ? { kind: 'directory', streamId, revision, organisationId: organisationNamed(event) ?? event.metadata.actor.organisationId, name: null }
        : { ...before, revision };
  }
}

function organisationNamed(event: RecordedEvent): string | null {
  const data = event.data as Record<string, unknown> | null;
  return data !== null && typeof data === 'object' && typeof data.organisationId === 'string' ? data.organisationId : null;
}

// ── entries ────────────────────────────────────────────────────────────────

function describe(event: RecordedEvent, context: EntryContext | undefined): { organisationId: string; description: AuditDescription } {
  if (context?.after.kind === 'report') {
    const before = context.before?.kind === 'report' ? context.before.folded.state : null;
    const description = isReportEventType(event.type) ? describeReportEvent(before, decodeReportEvent(event)) : describeOtherEvent(event.type, event.data);
    return { organisationId: context.after.folded.state.organisationId, description };
  }
  const name = context?.before?.kind === 'directory' ? { name: context.before.name } : null;
  const description = isDirectoryEventType(event.type) ? describeDirectoryEvent(name, decodeDirectoryEvent(event)) : describeOtherEvent(event.type, event.data);
  const organisationId =
    context?.after.kind === 'directory' ? context.after.organisationId : (organisationNamed(event) ?? event.metadata.actor.organisationId);
  return { organisationId, description };
}

class PendingEntry extends DeferredRow {
  constructor(readonly event: RecordedEvent) {
    super();
  }

  override toJSON(): AuditEntryDoc {
    const event = this.event;
    const context = entryContexts.get(event);
    if (context === undefined && hasContext(event.streamId)) {
      throw new Error(`audit context of ${event.streamId} was not folded before its entry at position ${event.position} was written`);
    }
    const { organisationId, description } = describe(event, context);
    const { actor } = event.metadata;
    return {
      eventId: event.id,
      streamId: event.streamId,
      revision: event.revision,
      type: event.type,
      at: utc(event.metadata.recordedAt),
      actor: { userId: actor.userId, role: actor.role, organisationId: actor.organisationId },
      organisationId,
      summary: description.summary,
      reason: description.reason,
      correlationId: event.metadata.correlationId,
      causationId: event.metadata.causationId,
    };
  }
}

/** `handles.includes(type)` is all the runner asks of the list: the trail takes every event. */
class EveryEventType extends Array<string> {
  override includes(): boolean {
    return true;
  }
}

export const auditEntriesProjection: Projection = {
  name: 'audit_entries',
  // 2: entries keyed by position (the event id moved into the document).
  version: 2,
  handles: new EveryEventType(),
  keys: (event: RecordedEvent) => (hasContext(event.streamId) ? [contextKey(event.streamId), entryKey(event)] : [entryKey(event)]),
  // An entry is its event's own row; a stream's context is opened by the stream's first event.
  creates: (event: RecordedEvent, key: string) => !key.startsWith(CONTEXT_PREFIX) || event.revision === 0,
  writtenOnce: (key: string) => !key.startsWith(CONTEXT_PREFIX),
  evolve(row, event, key) {
    if (key.startsWith(CONTEXT_PREFIX)) {
      const before = readContext(row);
      // Already folded in: the entry exists too, and stays as it is.
      if (before !== null && event.revision <= before.revision) return row;
      const after = nextContext(before, event);
      entryContexts.set(event, { before, after });
      return new PendingContext(after);
    }
    return row ?? new PendingEntry(event);
  },
  extraSchema: /* sql */ `${lz4Compression('rm_audit_entries')}
ALTER TABLE rm_audit_entries ADD COLUMN IF NOT EXISTS organisation_id text GENERATED ALWAYS AS (doc->>'organisationId') STORED;
ALTER TABLE rm_audit_entries ADD COLUMN IF NOT EXISTS at text GENERATED ALWAYS AS (doc->>'at') STORED;
CREATE INDEX IF NOT EXISTS rm_audit_entries_trail ON rm_audit_entries (organisation_id, at, position) WHERE at IS NOT NULL;`,
};
