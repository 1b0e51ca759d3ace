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
import { deterministicEventId } from '../http/idempotency.js';
import { Metrics } from '../metrics/metrics.js';
import { ReportRepository } from './report-repository.js';
import { ReportDecisionContext } from '../review/report-decision-context.js';

export interface CommandContext {
  correlationId: string;
  idempotencyKey: string | null;
  /** Identifies the request that caused the events. */
  causationId: string | null;
}

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
    const earlier = this.findEarlierAttempt(command, loaded.revisionOfEvent);
    if (earlier !== null) {
      // The same command (same Idempotency-Key) was appended before its answer got lost.
      const before = await this.reports.load(reportId, { toRevision: earlier });
      return { state: before.state, revision: earlier, appended: 0 };
    }
    if (expectedRevision === 'no_stream') {
      if (loaded.revision !== null) throw HttpProblem.of(409, 'REPORT_ALREADY_EXISTS', 'reportId', `报告${reportId}已存在`, `Report ${reportId} already exists`);
    } else {
      if (loaded.revision === null) throw notFound(reportId);
      if (loaded.revision !== expectedRevision) throw new WrongExpectedRevisionError(streamId, expectedRevision, loaded.revision);
    }

    const domainCommand = {
      type: command.type,
      data: command.type === 'CreateReport' ? { ...(command.data as object), reportId, organisationId } : command.data,
      metadata: { at: this.clock.now().toISOString(), actor: { userId: principal.userId, role: principal.role, organisationId: principal.organisationId } },
    } as ReportCommand;
    const events = checkedReportEvents(decide(domainCommand, loaded.state, await this.decisionContext.optionsFor(command.type, loaded.state)));
    if (events.length === 0) return { state: loaded.state, revision: loaded.revision ?? -1, appended: 0 };

    const result = await this.eventStore.append(
      streamId,
      events.map((event, index) => this.toNewEvent(event, index, command)),
      loaded.revision ?? 'no_stream',
    );
    for (const event of events) this.metrics.appendedEvents.inc({ type: event.type });
    const state = events.reduce<ReportState>((current, event) => evolve(current, event), loaded.state);
    this.reports.appended(reportId, result.events);
    return { state, revision: result.nextExpectedRevision, appended: events.length };
  }

  /** Revision of the last event an earlier attempt of this command appended, if any. */
  private findEarlierAttempt(command: ExecuteReportCommand, revisionOfEvent: ReadonlyMap<string, number>): number | null {
    const key = command.context.idempotencyKey;
    if (key === null) return null;
    let last: number | null = null;
    for (let index = 0; ; index++) {
      const revision = revisionOfEvent.get(deterministicEventId(command.principal.userId, key, index));
      if (revision === undefined) return last;
      last = revision;
    }
  }

  private toNewEvent(event: ReportEvent, index: number, command: ExecuteReportCommand): NewEvent {
    const { principal, context } = command;
    return {
      id: context.idempotencyKey ? deterministicEventId(principal.userId, context.idempotencyKey, index) : crypto.randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        actor: { userId: principal.userId, role: principal.role, organisationId: principal.organisationId },
        correlationId: context.correlationId,
        causationId: context.causationId,
        idempotencyKey: context.idempotencyKey,
        recordedAt: this.clock.now().toISOString(),
        schemaVersion: reportEventSchemas[event.type].version,
      },
    };
  }
}
