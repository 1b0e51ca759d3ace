import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import {
  campaignEventSchemas,
  campaignStreamId,
  decideCampaign,
  evolveCampaign,
  isDomainError,
  parseCampaignCommand,
  type CampaignAggregate,
  type CampaignEvent,
  type CampaignState,
} from '#domain';
import { EventStore, WrongExpectedRevisionError, type NewEvent, type SqlClient } from '#eventstore';
import { Clock, LOGGER, READ_STORE } from '#platform';
import { campaignsProjection, type CampaignExtension } from '#read-models';
import { READ_YOUR_WRITES_TIMEOUT_MS } from '../auth/auth.module.js';
import type { Principal } from '../auth/principal.js';
import { waitForPosition } from '../auth/wait-for-position.js';
import { HttpProblem } from '../http/http-problem.js';
import { actorOf, commandEvents, findEarlierAttempt, type CommandContext } from '../http/command-append.js';
import { Metrics } from '../metrics/metrics.js';
import { CampaignAccess, campaignNotFound } from './campaign-access.js';
import { CampaignRepository } from './campaign-repository.js';

export type CampaignCommandType = 'OpenCampaign' | 'ExtendCampaignDeadline';

export interface CampaignCommandResult {
  campaign: CampaignAggregate;
  revision: number;
  extensions: CampaignExtension[];
  appended: number;
}

/**
 * One campaign command from the HTTP layer, its data already validated against its schema;
 * `expectedRevision` is 'no_stream' for an opening, the client's If-Match for an extension.
 */
export class ExecuteCampaignCommand extends Command<CampaignCommandResult> {
  constructor(
    readonly campaignId: string,
    readonly type: CampaignCommandType,
    readonly data: Record<string, unknown>,
    readonly principal: Principal,
    readonly expectedRevision: number | 'no_stream',
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Load the stream, resolve the caller's region and units, decide, append with the revision the decision was made on. */
@CommandHandler(ExecuteCampaignCommand)
export class ExecuteCampaignCommandHandler implements ICommandHandler<ExecuteCampaignCommand, CampaignCommandResult> {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly access: CampaignAccess,
    private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly sql: SqlClient,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  async execute(command: ExecuteCampaignCommand): Promise<CampaignCommandResult> {
    const { campaignId, principal, expectedRevision } = command;
    const streamId = campaignStreamId(campaignId);
    const regionId = await this.access.regionOf(principal);
    const loaded = await this.campaigns.load(campaignId);
    // Another region's campaign is none of the caller's business: it is not there for them.
    const foreign = loaded.state.status === 'open' && loaded.state.financeBureauId !== regionId;
    if (expectedRevision === 'no_stream') {
      if (foreign) throw HttpProblem.of(409, 'CAMPAIGN_ALREADY_EXISTS', 'campaignId', `评价任务${campaignId}已存在`, `Campaign ${campaignId} already exists`);
    } else if (loaded.state.status === 'none' || foreign) {
      throw campaignNotFound(campaignId);
    }

    const earlier = findEarlierAttempt(principal.userId, command.context.idempotencyKey, loaded.revisionOfEvent);
    if (earlier !== null) {
      // The same command (same Idempotency-Key) was appended before its answer got lost.
      const before = await this.campaigns.load(campaignId, { toRevision: earlier });
      return { campaign: before.state as CampaignAggregate, revision: earlier, extensions: before.extensions, appended: 0 };
    }
    if (expectedRevision !== 'no_stream' && loaded.revision !== expectedRevision) throw new WrongExpectedRevisionError(streamId, expectedRevision, loaded.revision);

    const unitIds = command.type === 'OpenCampaign' ? ((command.data.unitIds as string[] | undefined) ?? []) : [];
    const units = await this.access.unitsOfRegion(unitIds, regionId);
    const domainCommand = parseCampaignCommand({
      type: command.type,
      data: command.type === 'OpenCampaign' ? { ...command.data, campaignId } : command.data,
      metadata: { at: this.clock.now().toISOString(), actor: actorOf(principal) },
    });
    const events = this.decide(() => decideCampaign(domainCommand, loaded.state, { actorRegionId: regionId, isUnitOfRegion: (id) => units.has(id) }));
    if (events.length === 0) {
      // An opening repeated as it was: the campaign as it stands.
      return { campaign: loaded.state as CampaignAggregate, revision: loaded.revision!, extensions: loaded.extensions, appended: 0 };
    }

    const result = await this.eventStore.append(streamId, this.toNewEvents(events, command), loaded.revision ?? 'no_stream');
    for (const event of events) this.metrics.appendedEvents.inc({ type: event.type });
    // Read-your-writes: the caller's next GET /campaigns lists what they just did.
    if (!(await waitForPosition(this.sql, [campaignsProjection.name], result.position, { timeoutMs: READ_YOUR_WRITES_TIMEOUT_MS }))) {
      this.logger.warn({ position: result.position.toString() }, 'the campaigns projection did not reach the write in time; is a projection runner running?');
    }
    const extensions = [...loaded.extensions];
    for (const event of events) {
      if (event.type === 'CampaignDeadlineExtended') {
        const { at, by, unitId, deadline, reason } = event.data;
        extensions.push({ at: new Date(at).toISOString(), by, unitId, deadline, reason });
      }
    }
    const campaign = events.reduce<CampaignState>(evolveCampaign, loaded.state) as CampaignAggregate;
    return { campaign, revision: result.nextExpectedRevision, extensions, appended: events.length };
  }

  /** The decider's refusal of an organisation that does not run campaigns is about access: 403, not 422. */
  private decide(run: () => CampaignEvent[]): CampaignEvent[] {
    try {
      return run();
    } catch (error) {
      if (isDomainError(error) && error.code === 'ORGANISATION_NOT_ALLOWED') throw new HttpProblem(403, error.problems);
      throw error;
    }
  }

  private toNewEvents(events: readonly CampaignEvent[], { principal, context }: ExecuteCampaignCommand): NewEvent[] {
    return commandEvents(events, { actor: actorOf(principal), context, recordedAt: () => this.clock.now().toISOString() }, (type) => campaignEventSchemas[type].version);
  }
}
