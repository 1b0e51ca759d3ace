import { randomUUID } from 'node:crypto';
import type { EventMetadata, NewEvent } from '#eventstore';

export const testActor = { userId: 'user-1', role: 'unit_filler', organisationId: 'org-unit-1' };

export function metadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    actor: testActor,
    correlationId: randomUUID(),
    causationId: null,
    idempotencyKey: null,
    recordedAt: new Date('2026-03-01T08:00:00.000Z').toISOString(),
    schemaVersion: 1,
    ...overrides,
  };
}

export function newEvent(type: string, data: Record<string, unknown> = {}, overrides: Partial<EventMetadata> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: metadata(overrides) };
}
