import { z } from 'zod';
import { actorSchema } from './actor.js';

// Every event records who and when inside its payload too, so evolve can keep the facts the
// review workflow needs (who edited, who submitted, who approved) without reading store metadata.
const meta = { at: z.iso.datetime({ offset: true }), by: actorSchema };

/** An event payload: who and when, plus the event's own fields; nothing else is accepted. */
export function eventPayload<S extends z.ZodRawShape>(shape: S) {
  return z.object({ ...meta, ...shape }).strict();
}
