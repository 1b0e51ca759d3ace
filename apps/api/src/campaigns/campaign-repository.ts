import { Injectable } from '@nestjs/common';
import { campaignStreamId, evolveCampaign, parseStoredCampaignEvent, type CampaignState } from '#domain';
import { EventStore } from '#eventstore';
import type { CampaignExtension } from '#read-models';

export interface LoadedCampaign {
  state: CampaignState;
  /** Revision of the last event; null when the stream does not exist. */
  revision: number | null;
  extensions: CampaignExtension[];
  /** Event id → revision, to recognise a command appended before (Idempotency-Key). */
  revisionOfEvent: ReadonlyMap<string, number>;
}

/** A campaign from its stream: what commands decide on and what GET /campaigns/{id} answers (its ETag is exact). */
@Injectable()
export class CampaignRepository {
  constructor(private readonly eventStore: EventStore) {}

  async load(campaignId: string, options: { toRevision?: number } = {}): Promise<LoadedCampaign> {
    const events = await this.eventStore.readStream(campaignStreamId(campaignId), options.toRevision === undefined ? {} : { toRevision: options.toRevision });
    let state: CampaignState = { status: 'none' };
    const extensions: CampaignExtension[] = [];
    const revisionOfEvent = new Map<string, number>();
    for (const recorded of events) {
      const event = parseStoredCampaignEvent(recorded);
      state = evolveCampaign(state, event);
      revisionOfEvent.set(recorded.id, recorded.revision);
      if (event.type === 'CampaignDeadlineExtended') {
        const { at, by, unitId, deadline, reason } = event.data;
        extensions.push({ at: new Date(at).toISOString(), by, unitId, deadline, reason });
      }
    }
    return { state, revision: events.at(-1)?.revision ?? null, extensions, revisionOfEvent };
  }
}
