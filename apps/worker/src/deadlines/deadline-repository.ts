import { EventStore, WrongExpectedRevisionError, type EventMetadata, type RecordedEvent } from '#eventstore';
import {
  deadlineEventSchemas,
  deadlineStreamId,
  decideDeadline,
  evolveDeadline,
  initialDeadlineState,
  parseDeadlineCommand,
  parseStoredDeadlineEvent,
  type DeadlineCommandInput,
  type DeadlineState,
  type WorkingDayCalendar,
} from '#domain';
import { deterministicUuid } from './deterministic-id.js';

export interface LoadedDeadline {
  state: DeadlineState;
  /** The stream's revision, null when it does not exist. */
  revision: number | null;
}

export interface ExecuteOptions {
  /** Names the decision: the event ids derive from it, so the same decision is never stored twice. */
  decisionId: string;
  /** The event that caused the command (a trigger), for correlation and causation. */
  cause?: RecordedEvent | null;
}

const MAX_CONFLICT_RETRIES = 8;

/** Loads a deadline stream, decides, and appends at the revision it decided on. */
export class DeadlineRepository {
  constructor(
    private readonly eventStore: EventStore,
    private readonly calendar: WorkingDayCalendar,
    private readonly now: () => Date,
  ) {}

  async load(deadlineId: string): Promise<LoadedDeadline> {
    const events = await this.eventStore.readStream(deadlineStreamId(deadlineId));
    let state = initialDeadlineState();
    for (const event of events) state = evolveDeadline(state, parseStoredDeadlineEvent({ type: event.type, schemaVersion: event.metadata.schemaVersion, data: event.data }));
    return { state, revision: events.length === 0 ? null : events[events.length - 1]!.revision };
  }

  /**
   * Decides the command on the current stream and appends the outcome. A concurrent append makes
   * it decide again on the newer stream; what it returns is what the store holds.
   */
  async execute(deadlineId: string, input: DeadlineCommandInput, options: ExecuteOptions & { loaded?: LoadedDeadline }): Promise<RecordedEvent[]> {
    const command = parseDeadlineCommand(input);
    for (let attempt = 0; ; attempt++) {
      // The caller's fresh read saves one; after a conflict, read again.
      const { state, revision } = attempt === 0 && options.loaded ? options.loaded : await this.load(deadlineId);
      const decided = decideDeadline(command, state, { calendar: this.calendar });
      if (decided.length === 0) return [];
      const metadata = (type: string): EventMetadata => ({
        actor: command.metadata.actor,
        correlationId: options.cause?.metadata.correlationId ?? deadlineId,
        causationId: options.cause?.id ?? null,
        idempotencyKey: null,
        recordedAt: this.now().toISOString(),
        schemaVersion: deadlineEventSchemas[type as keyof typeof deadlineEventSchemas].version,
      });
      try {
        const result = await this.eventStore.append(
          deadlineStreamId(deadlineId),
          decided.map((event, index) => ({ id: deterministicUuid(`${options.decisionId}\u0000${index}`), type: event.type, data: event.data, metadata: metadata(event.type) })),
          revision ?? 'no_stream',
        );
        return result.events;
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_CONFLICT_RETRIES) throw error;
      }
    }
  }
}
