import { campaignEventSchemas, evolveCampaign, parseStoredCampaignEvent, type CampaignAggregate, type CampaignEvent, type CampaignState } from '#domain';
import type { RecordedEvent } from '#eventstore';
import type { Projection } from '#projections';

const STREAM_PREFIX = 'campaign-';

/** One extension (延期) as the campaign's history shows it. */
export type CampaignExtension = {
  at: string;
  by: { userId: string; role: string; organisationId: string };
  /** null: the whole campaign. */
  unitId: string | null;
  deadline: string;
  reason: string;
};

/** `rm_campaigns`: one row per campaign, the domain's fold of its stream. */
export type CampaignRow = {
  campaignId: string;
  /** The region (finance bureau) that runs the campaign: lists are per region. */
  financeBureauId: string;
  campaign: CampaignAggregate;
  extensions: CampaignExtension[];
  /** Revision of the last event folded in: the campaign's ETag. */
  revision: number;
  /** UTC instant of the opening, so that lists sort on it as text. */
  openedAt: string;
  updatedAt: string;
};

function parse(event: RecordedEvent): CampaignEvent | null {
  try {
    return parseStoredCampaignEvent(event);
  } catch {
    return null;
  }
}

function fold(state: CampaignState, event: CampaignEvent): CampaignState | null {
  try {
    return evolveCampaign(state, event);
  } catch {
    return null;
  }
}

const utc = (instant: string) => new Date(instant).toISOString();

export const campaignsProjection: Projection<CampaignRow> = {
  name: 'campaigns',
  version: 1,
  handles: Object.keys(campaignEventSchemas),
  keys: (event) => (event.streamId.startsWith(STREAM_PREFIX) ? [event.streamId.slice(STREAM_PREFIX.length)] : []),
  evolve(row, event) {
    // Already folded in (a batch applied a second time): the row stays as it is.
    if (row !== null && event.revision <= row.revision) return row;
    // An event the domain cannot read (or one out of order) is left out rather than stopping
    // every read model: the command side refuses such a stream anyway, so no write builds on it.
    const parsed = parse(event);
    if (parsed === null) return row;
    const state = fold(row?.campaign ?? { status: 'none' }, parsed);
    if (state === null || state.status === 'none') return row;
    const extensions =
      parsed.type === 'CampaignDeadlineExtended'
        ? [...(row?.extensions ?? []), { at: utc(parsed.data.at), by: parsed.data.by, unitId: parsed.data.unitId, deadline: parsed.data.deadline, reason: parsed.data.reason }]
        : (row?.extensions ?? []);
    return {
      campaignId: state.campaignId,
      financeBureauId: state.financeBureauId,
      campaign: state,
      extensions,
      revision: event.revision,
      openedAt: utc(state.openedAt),
      updatedAt: utc(parsed.data.at),
    };
  },
  extraSchema: [
    `ALTER TABLE rm_campaigns ADD COLUMN IF NOT EXISTS finance_bureau_id text GENERATED ALWAYS AS (doc->>'financeBureauId') STORED;`,
    `ALTER TABLE rm_campaigns ADD COLUMN IF NOT EXISTS year int GENERATED ALWAYS AS ((doc->'campaign'->>'year')::int) STORED;`,
    `ALTER TABLE rm_campaigns ADD COLUMN IF NOT EXISTS opened_at text GENERATED ALWAYS AS (doc->>'openedAt') STORED;`,
    'CREATE INDEX IF NOT EXISTS rm_campaigns_region_year ON rm_campaigns (finance_bureau_id, year DESC, opened_at DESC, id);',
  ].join('\n'),
};
