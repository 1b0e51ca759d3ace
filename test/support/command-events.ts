import type { EventStore } from '#eventstore';

/**
 * Streams the background processes write on their own (scores, deadlines and reminders, the
 * notification inbox): a refused request must append nothing, but these may move meanwhile.
 */
const backgroundStreams = /^(score|deadline|notification-inbox|notification-contact)-/;

/** How many events requests appended after `position`, leaving out the background processes' streams. */
export async function commandEventsSince(eventStore: EventStore, position: bigint): Promise<number> {
  const events = await eventStore.readAll({ after: position });
  return events.filter((event) => !backgroundStreams.test(event.streamId)).length;
}
