import { campaignEventSchemas, evolveCampaign, parseStoredCampaignEvent, type CampaignAggregate, type CampaignEvent, type CampaignState } from '#domain';
import type { RecordedEvent } from '#eventstore';
import type { Projection } from '#projections';
import { addGeneratedColumns, unlessColumnExists, type GeneratedColumn } from './schema-guard.js';

export const CAMPAIGN_STREAM_PREFIX = 'campaign-';

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

const parsedEvents = new WeakMap<RecordedEvent, CampaignEvent | null>();

/**
 * The campaign event in a stored one; null when the domain cannot read it. Once per event object,
 * however many projections (and keys: an opening names thousands of units) ask.
 */
export function parseCampaignEvent(event: RecordedEvent): CampaignEvent | null {
  if (parsedEvents.has(event)) return parsedEvents.get(event)!;
  let result: CampaignEvent | null;
  try {
    result = parseStoredCampaignEvent(event);
  } catch {
    result = null;
  }
  parsedEvents.set(event, result);
  return result;
}

function fold(state: CampaignState, event: CampaignEvent): CampaignState | null {
  try {
    return evolveCampaign(state, event);
  } catch {
    return null;
  }
}

const utc = (instant: string) => new Date(instant).toISOString();

/**
 * Columns generated from the document: the region's list sorts on them, and report lists join on
 * the campaign's own deadline (rm_campaign_units holds each unit's), never reading the document.
 */
const campaignColumns: readonly GeneratedColumn[] = [
  ['finance_bureau_id', 'text', `doc->>'financeBureauId'`],
  ['year', 'int', `(doc->'campaign'->>'year')::int`],
  ['opened_at', 'text', `doc->>'openedAt'`],
  // The newest column last: the migration runs when the table lacks it.
  ['deadline', 'text', `doc->'campaign'->>'submissionDeadline'`],
];

export const campaignsProjection: Projection<CampaignRow> = {
  name: 'campaigns',
  version: 1,
  handles: Object.keys(campaignEventSchemas),
  keys: (event) => (event.streamId.startsWith(CAMPAIGN_STREAM_PREFIX) ? [event.streamId.slice(CAMPAIGN_STREAM_PREFIX.length)] : []),
  evolve(row, event) {
    // Already folded in (a batch applied a second time): the row stays as it is.
    if (row !== null && event.revision <= row.revision) return row;
    // An event the domain cannot read (or one out of order) is left out rather than stopping
    // every read model: the command side refuses such a stream anyway, so no write builds on it.
    const parsed = parseCampaignEvent(event);
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
  // Report lists read rm_campaigns: the DDL runs only when the table lacks its newest column.
  extraSchema: unlessColumnExists('rm_campaigns', campaignColumns.at(-1)![0], [
    ...addGeneratedColumns('rm_campaigns', campaignColumns),
    'CREATE INDEX IF NOT EXISTS rm_campaigns_region_year ON rm_campaigns (finance_bureau_id, year DESC, opened_at DESC, id);',
  ]),
};
