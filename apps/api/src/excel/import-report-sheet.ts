import { createHash, randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { checkedReportEvents, contentToDocument, DomainError, reportEventSchemas, reportStreamId, text, type ReportState } from '#domain';
import { EventStore } from '#eventstore';
import { decideImport, importCodes, planCommands, sheetRefusal, type CellProblem, type SheetReading } from '#excel';
import { Clock } from '#platform';
import { AccessPolicy } from '../auth/access-policy.js';
import type { Principal } from '../auth/principal.js';
import { actorOf, commandEvents, findEarlierAttempt, type CommandContext } from '../http/command-append.js';
import { Metrics } from '../metrics/metrics.js';
import { checkExpectedRevision, notFound } from '../reports/execute-report-command.js';
import { ReportRepository } from '../reports/report-repository.js';

export interface ImportSheetResult {
  reportId: string;
  state: ReportState;
  revision: number;
  /** Events appended by this import (0 when the sheet says what the draft already says, or on a replay). */
  appended: number;
  warnings: CellProblem[];
}

/**
 * One sheet into one report: a new draft (`expectedRevision` 'no_stream') or an existing draft at
 * the revision the caller saw (If-Match). All or nothing: every command is decided first, then the
 * events go out in one append at the revision the decisions were made on.
 */
export class ImportReportSheet extends Command<ImportSheetResult> {
  constructor(
    readonly reading: SheetReading,
    readonly reportId: string,
    readonly expectedRevision: number | 'no_stream',
    readonly principal: Principal,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** A new report's id: from the Idempotency-Key when there is one, so a retry lands on the same stream. */
export function importedReportId(principal: Principal, idempotencyKey: string | null, sheetIndex: number): string {
  if (idempotencyKey === null) return randomUUID();
  return `import-${createHash('sha256').update(`${principal.userId}\u0000${idempotencyKey}\u0000${sheetIndex}`).digest('hex').slice(0, 32)}`;
}

@CommandHandler(ImportReportSheet)
export class ImportReportSheetHandler implements ICommandHandler<ImportReportSheet, ImportSheetResult> {
  constructor(
    private readonly reports: ReportRepository,
    private readonly eventStore: EventStore,
    private readonly access: AccessPolicy,
    @Inject(Clock) private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async execute(command: ImportReportSheet): Promise<ImportSheetResult> {
    const { reading, reportId, principal, expectedRevision, context } = command;
    const loaded = await this.reports.loadForDecision(reportId);
    if (loaded.state.status !== 'none' && !(await this.access.canSee(principal, loaded.state.organisationId))) throw notFound(reportId);

    const earlier = findEarlierAttempt(principal.userId, context.idempotencyKey, loaded.revisionOfEvent);
    if (earlier !== null) {
      const before = await this.reports.load(reportId, { toRevision: earlier });
      return { reportId, state: before.state, revision: earlier, appended: 0, warnings: reading.warnings };
    }
    checkExpectedRevision(reportId, expectedRevision, loaded.revision);
    if (reading.document === null) throw sheetRefusal(reading);

    const current = loaded.state.status === 'none' ? null : contentToDocument(loaded.state.content, loaded.state.id);
    let target = reading.document;
    const warnings = [...reading.warnings];
    if (current !== null) {
      if (current.kind !== target.kind) {
        throw DomainError.of(importCodes.kindMismatch, reading.sheet, text(`工作表是${target.kind === 'project' ? '项目支出' : '部门整体支出'}自评表，报告却是另一种`, `the sheet is a ${target.kind} form but the report is a ${current.kind} report`));
      }
      if (current.profileId !== target.profileId) {
        warnings.push({ code: importCodes.profileIgnored, path: reading.sheet, message: text(`报告沿用评分规则“${current.profileId}”，工作表中的“${target.profileId}”未采用`, `the report keeps rule profile "${current.profileId}"; the sheet's "${target.profileId}" is not applied`), details: { sheet: reading.sheet, cell: null } });
        target = { ...target, profileId: current.profileId };
      }
    }
    const commands = planCommands(current, target, reportId);
    const metadata = { at: this.clock.now().toISOString(), actor: actorOf(principal) };
    const { events: decided, state } = decideImport(commands, loaded.state, metadata, reading);
    const events = checkedReportEvents(decided);
    if (events.length === 0) return { reportId, state: loaded.state, revision: loaded.revision!, appended: 0, warnings };

    const newEvents = commandEvents(events, { actor: actorOf(principal), context, recordedAt: () => this.clock.now().toISOString() }, (type) => reportEventSchemas[type].version);
    const result = await this.eventStore.append(reportStreamId(reportId), newEvents, loaded.revision ?? 'no_stream');
    for (const event of events) this.metrics.appendedEvents.inc({ type: event.type });
    this.reports.appended(reportId, result.events);
    return { reportId, state, revision: result.nextExpectedRevision, appended: events.length, warnings };
  }
}
