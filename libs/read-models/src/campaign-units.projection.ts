import { campaignEventSchemas, type ReportKind } from '#domain';
import type { Projection } from '#projections';
import { CAMPAIGN_STREAM_PREFIX, parseCampaignEvent } from './campaigns.projection.js';
import { addGeneratedColumns, unlessColumnExists, type GeneratedColumn } from './schema-guard.js';

/**
 * `rm_campaign_units`: one row per unit a campaign asks for, keyed `<campaignId>~<unitId>`, with
 * the unit's own extension (延期). The unit's deadline is the later of that and the campaign's
 * (rm_campaigns.deadline): the domain's deadlineOf. It lets a report list find the campaigns
 * asking a report's unit through an index; a campaign's document holds up to thousands of unit
 * ids, which a lookup per report would read whole, again and again. A campaign-wide extension
 * changes only the campaign's row, which is why the two are joined rather than copied here.
 */
export type CampaignUnitRow = {
  campaignId: string;
  unitId: string;
  /** The campaign's year and kind (null: reports of either kind). */
  year: number;
  kind: ReportKind | null;
  /** The unit's own deadline, when it was extended for the unit alone. */
  ownDeadline: string | null;
  /** Revision of the last campaign event folded in. */
  revision: number;
};

const unitKey = (campaignId: string, unitId: string) => `${campaignId}~${unitId}`;

const unitColumns: readonly GeneratedColumn[] = [
  ['campaign_id', 'text', `doc->>'campaignId'`],
  ['unit_id', 'text', `doc->>'unitId'`],
  ['year', 'int', `(doc->>'year')::int`],
  ['kind', 'text', `doc->>'kind'`],
  // The newest column last: the migration runs when the table lacks it.
  ['own_deadline', 'text', `doc->>'ownDeadline'`],
];

export const campaignUnitsProjection: Projection<CampaignUnitRow> = {
  name: 'campaign_units',
  version: 1,
  handles: Object.keys(campaignEventSchemas),
  keys(event) {
    if (!event.streamId.startsWith(CAMPAIGN_STREAM_PREFIX)) return [];
    // As in rm_campaigns, an event the domain cannot read is left out.
    const parsed = parseCampaignEvent(event);
    if (parsed === null) return [];
    if (parsed.type === 'CampaignOpened') return parsed.data.unitIds.map((unitId) => unitKey(parsed.data.campaignId, unitId));
    return parsed.data.unitId === null ? [] : [unitKey(parsed.data.campaignId, parsed.data.unitId)];
  },
  evolve(row, event, key) {
    // Already folded in (a batch applied a second time): the row stays as it is.
    if (row !== null && event.revision <= row.revision) return row;
    const parsed = parseCampaignEvent(event);
    if (parsed === null) return row;
    if (parsed.type === 'CampaignOpened') {
      // A second opening of the same stream changes nothing (the campaign's fold refuses it too).
      if (row !== null) return row;
      const { campaignId, year, kind } = parsed.data;
      return { campaignId, unitId: key.slice(campaignId.length + 1), year, kind, ownDeadline: null, revision: event.revision };
    }
    // An extension for a unit the campaign never asked for (or before its opening) is left out.
    if (row === null) return null;
    return { ...row, ownDeadline: parsed.data.deadline, revision: event.revision };
  },
  extraSchema: unlessColumnExists('rm_campaign_units', unitColumns.at(-1)![0], [
    ...addGeneratedColumns('rm_campaign_units', unitColumns),
    'CREATE INDEX IF NOT EXISTS rm_campaign_units_unit_year ON rm_campaign_units (unit_id, year);',
  ]),
};
