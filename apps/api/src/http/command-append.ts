import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Actor } from '#domain';
import type { NewEvent } from '#eventstore';
import type { Principal } from '../auth/principal.js';
import { deterministicEventId, parseIdempotencyKey } from './idempotency.js';

/** Where a command came from, recorded on every event it appends. */
export interface CommandContext {
  correlationId: string;
  idempotencyKey: string | null;
  /** Identifies the request that caused the events. */
  causationId: string | null;
}

/** The context of a command sent by this request: its correlation id (or a new one) and its Idempotency-Key. */
export function commandContext(request: FastifyRequest): CommandContext {
  const idempotencyKey = parseIdempotencyKey(request.headers['idempotency-key']);
  const correlation = request.headers['x-correlation-id'];
  return {
    correlationId: typeof correlation === 'string' && /^[\x21-\x7e]{1,128}$/.test(correlation) ? correlation : randomUUID(),
    causationId: String(request.id),
    idempotencyKey,
  };
}

/** The caller as events record them (no display name: it changes, the events do not). */
export function actorOf(principal: Principal): Actor {
  return { userId: principal.userId, role: principal.role, organisationId: principal.organisationId };
}

/**
 * Revision of the last event an earlier attempt of this command appended, if any: with an
 * Idempotency-Key, the event ids say whether the command was appended before its answer got lost.
 */
export function findEarlierAttempt(userId: string, idempotencyKey: string | null, revisionOfEvent: ReadonlyMap<string, number>): number | null {
  if (idempotencyKey === null) return null;
  let last: number | null = null;
  for (let index = 0; ; index++) {
    const revision = revisionOfEvent.get(deterministicEventId(userId, idempotencyKey, index));
    if (revision === undefined) return last;
    last = revision;
  }
}

/**
 * A command's events ready to append. Under an Idempotency-Key their ids derive from it, so a
 * retried command can never append twice.
 */
export function commandEvents<E extends { type: string; data: unknown }>(
  events: readonly E[],
  origin: { actor: Actor; context: CommandContext; recordedAt: () => string },
  schemaVersion: (type: E['type']) => number,
): NewEvent[] {
  const { actor, context } = origin;
  return events.map((event, index) => ({
    id: context.idempotencyKey ? deterministicEventId(actor.userId, context.idempotencyKey, index) : randomUUID(),
    type: event.type,
    data: event.data,
    metadata: {
      actor,
      correlationId: context.correlationId,
      causationId: context.causationId,
      idempotencyKey: context.idempotencyKey,
      recordedAt: origin.recordedAt(),
      schemaVersion: schemaVersion(event.type),
    },
  }));
}
