import type { CampaignAggregate } from '#domain';
import type { CampaignExtension, CampaignRow } from '#read-models';

/** What a client gets for a campaign: its definition, its deadlines, the extensions with their reasons, its revision (the ETag). */
export function representCampaign(campaign: CampaignAggregate, revision: number, extensions: readonly CampaignExtension[]) {
  const { status: _status, ...definition } = campaign;
  return { ...definition, openedAt: new Date(campaign.openedAt).toISOString(), revision, extensions };
}

export type CampaignRepresentation = ReturnType<typeof representCampaign>;

export function representCampaignRow(row: CampaignRow): CampaignRepresentation {
  return representCampaign(row.campaign, row.revision, row.extensions);
}
