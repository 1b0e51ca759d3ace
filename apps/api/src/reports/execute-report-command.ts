import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  checkedReportEvents,
  decide,
  evolve,
  reportEventSchemas,
  reportStreamId,
  type ReportCommand,
  type ReportCommandType,
  type ReportEvent,
  type ReportState,
} from '#domain';
import { EventStore, WrongExpectedRevisionError, type NewEvent } from '#eventstore';
import { Clock } from '#platform';
import { AccessPolicy } from '../auth/access-policy.js';
import type { Principal } from '../auth/principal.js';
import { HttpProblem } from '../http/http-problem.js';
import { actorOf, commandEvents, findEarlierAttempt, type CommandContext } from '../http/command-append.js';
import { Metrics } from '../metrics/metrics.js';
import { ReportRepository } from './report-repository.js';
import { ReportDecisionContext } from '../review/report-decision-context.js';

export interface ReportCommandResult {
  state: ReportState;
  revision: number;
  appended: number;
}

/**
 * One report command from the HTTP layer: the data is already validated against its schema;
 * `expectedRevision` is the client's If-Match ('no_stream' for a create).
 */
export class ExecuteReportCommand extends Command<ReportCommandResult> {
  constructor(
    readonly reportId: string,
    readonly type: ReportCommandType,
    readonly data: unknown,
    readonly principal: Principal,
    readonly expectedRevision: number | 'no_stream',
    readonly context: CommandContext,
  ) {
    super();
  }
}

export function notFound(reportId: string): HttpProblem {
  return HttpProblem.of(404, 'REPORT_NOT_FOUND', 'reportId', `没有编号为${reportId}的报告`, `No report ${reportId}`);
}

/** A create needs no report yet; any other command needs the report at the revision the caller saw. */
export function checkExpectedRevision(reportId: string, expectedRevision: number | 'no_stream', revision: number | null): void {
  if (expectedRevision === 'no_stream') {
    if (revision !== null) throw HttpProblem.of(409, 'REPORT_ALREADY_EXISTS', 'reportId', `报告${reportId}已存在`, `Report ${reportId} already exists`);
  } else {
    if (revision === null) throw notFound(reportId);
    if (revision !== expectedRevision) throw new WrongExpectedRevisionError(reportStreamId(reportId), expectedRevision, revision);
  }
}

/** Load the stream, decide, append with the revision the decision was made on. */
@CommandHandler(ExecuteReportCommand)
export class ExecuteReportCommandHandler implements ICommandHandler<ExecuteReportCommand, ReportCommandResult> {
  constructor(
    private readonly reports: ReportRepository,
    private readonly eventStore: EventStore,
    private readonly access: AccessPolicy,
    @Inject(Clock) private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly decisionContext: ReportDecisionContext,
  ) {}

  async execute(command: ExecuteReportCommand): Promise<ReportCommandResult> {
    const { reportId, principal, expectedRevision } = command;
    const streamId = reportStreamId(reportId);
    // With an Idempotency-Key the stream is always read: an earlier attempt may have been appended by another process.
    const ifAt = command.context.idempotencyKey === null && expectedRevision !== 'no_stream' ? expectedRevision : undefined;
    const loaded = await this.reports.loadForDecision(reportId, ifAt === undefined ? {} : { ifAt });
    const organisationId =
      loaded.state.status !== 'none' ? loaded.state.organisationId : ((command.data as { organisationId?: string }).organisationId ?? principal.organisationId);
    if (!(await this.access.canSee(principal, organisationId))) {
      if (loaded.state.status !== 'none') throw notFound(reportId);
      throw HttpProblem.of(403, 'ORGANISATION_NOT_ALLOWED', 'organisationId', '只能为本单位创建报告', 'Reports can only be created for your own organisation');
    }
    const earlier = findEarlierAttempt(principal.userId, command.context.idempotencyKey, loaded.revisionOfEvent);
    if (earlier !== null) {
      // The same command (same Idempotency-Key) was appended before its answer got lost.
      const before = await this.reports.load(reportId, { toRevision: earlier });
      return { state: before.state, revision: earlier, appended: 0 };
    }
    checkExpectedRevision(reportId, expectedRevision, loaded.revision);

    const domainCommand = {
      type: command.type,
      data: command.type === 'CreateReport' ? { ...(command.data as object), reportId, organisationId } : command.data,
      metadata: { at: this.clock.now().toISOString(), actor: actorOf(principal) },
    } as ReportCommand;
    const events = checkedReportEvents(decide(domainCommand, loaded.state, await this.decisionContext.optionsFor(command.type, loaded.state)));
    if (events.length === 0) return { state: loaded.state, revision: loaded.revision ?? -1, appended: 0 };

    const result = await this.eventStore.append(streamId, this.toNewEvents(events, command), loaded.revision ?? 'no_stream');
    for (const event of events) this.metrics.appendedEvents.inc({ type: event.type });
    const state = events.reduce<ReportState>((current, event) => evolve(current, event), loaded.state);
    this.reports.appended(reportId, result.events);
    return { state, revision: result.nextExpectedRevision, appended: events.length };
  }

  private toNewEvents(events: readonly ReportEvent[], { principal, context }: ExecuteReportCommand): NewEvent[] {
    return commandEvents(events, { actor: actorOf(principal), context, recordedAt: () => this.clock.now().toISOString() }, (type) => reportEventSchemas[type].version);
  }
}
