import type { Logger } from 'pino';
import type { RecordedEvent } from '#eventstore';
import {
  defaultDeadlineOffsets,
  isCalendarYearMissing,
  isDomainError,
  reviewStageDeadlineId,
  roleLabels,
  shanghaiDateOf,
  submissionDeadlineId,
  type DeadlineCommandInput,
  type WorkingDayCalendar,
} from '#domain';
import type { RecipientDirectory } from '../directory/recipient-directory.js';
import type { DeadlineRepository } from './deadline-repository.js';
import type { DeadlineTables, ReportRef } from './deadline-tables.js';
import type { TriggerOf } from './deadline-triggers.js';

/** Roles reminded of a unit's submission deadline. */
export const submissionRoles = ['unit_filler', 'unit_leader'] as const;
/** Parallel appends while scheduling a campaign's units (distinct streams: they group-commit). */
const LANES = 16;

async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * Turns triggers into deadline commands. Replaying events after a crash (from the process
 * manager's checkpoint, its tables as they were then) changes nothing that was done: each command
 * carries its cause (trigger position and order), and a deadline that recorded a later cause
 * decides nothing for it; appends use deterministic event ids as well.
 */
export class DeadlineTriggerHandler {
  constructor(
    private readonly deadlines: DeadlineRepository,
    private readonly tables: DeadlineTables,
    private readonly directory: RecipientDirectory,
    private readonly calendar: WorkingDayCalendar,
    private readonly logger: Logger,
  ) {}

  /** Commands issued per deadline for the event being handled: the `seq` of their cause. */
  private issued = new Map<string, number>();

  async handle(event: RecordedEvent, triggers: readonly TriggerOf[]): Promise<void> {
    this.issued = new Map();
    const reportTriggers: Array<{ item: TriggerOf; step: string }> = [];
    for (const [index, item] of triggers.entries()) {
      const step = String(index);
      if (item.trigger.kind === 'campaign-opened' || item.trigger.kind === 'campaign-extended') await this.handleCampaign(event, item, step);
      else reportTriggers.push({ item, step });
    }
    if (reportTriggers.length > 0) await this.handleReport(event, reportTriggers);
  }

  private async run(deadlineId: string, event: RecordedEvent, step: string, command: Omit<DeadlineCommandInput, 'metadata'>, item: TriggerOf): Promise<void> {
    const seq = this.issued.get(deadlineId) ?? 0;
    this.issued.set(deadlineId, seq + 1);
    const cause = { position: event.position.toString(), seq };
    try {
      await this.deadlines.execute(deadlineId, { ...command, data: { ...command.data, cause }, metadata: { at: item.at, actor: item.by } } as DeadlineCommandInput, {
        decisionId: `${event.id}|${step}|${deadlineId}|${command.type}`,
        cause: event,
      });
    } catch (error) {
      // Moving or cancelling a deadline that was never scheduled (no campaign for that unit, say): nothing to do.
      if (isDomainError(error) && error.code === 'DEADLINE_NOT_FOUND') return;
      throw error;
    }
  }

  private async handleCampaign(event: RecordedEvent, item: TriggerOf, step: string): Promise<void> {
    const { trigger } = item;
    if (trigger.kind === 'campaign-opened') {
      this.tables.addCampaignUnits(trigger.campaignId, trigger.year, trigger.reportKind, trigger.unitIds);
      const names = await this.directory.organisationNames(trigger.unitIds);
      const withReports = await this.tables.unitsWithReports(trigger.unitIds, trigger.year);
      const offsets = trigger.offsets ?? [...defaultDeadlineOffsets];
      await inLanes(trigger.unitIds, LANES, async (unitId) => {
        const deadlineId = submissionDeadlineId(trigger.campaignId, unitId);
        await this.run(
          deadlineId,
          event,
          step,
          {
            type: 'ScheduleDeadline',
            data: {
              deadlineId,
              subject: { kind: 'submission', campaignId: trigger.campaignId, unitId },
              title: trigger.name,
              organisationId: unitId,
              organisationName: names.get(unitId) ?? null,
              dueDate: trigger.dueDate,
              offsets,
              recipients: { organisationId: unitId, roles: [...submissionRoles], scope: 'organisation' },
            },
          },
          item,
        );
        // A unit whose reports were all submitted before the campaign opened has nothing to be reminded of.
        if (withReports.has(unitId)) await this.syncSubmission(event, `${step}.sync`, item, unitId, trigger.year, null);
      });
    } else if (trigger.kind === 'campaign-extended') {
      const units = trigger.unitId === null ? await this.tables.campaignUnits(trigger.campaignId) : [trigger.unitId];
      await inLanes(units, LANES, (unitId) =>
        this.run(submissionDeadlineId(trigger.campaignId, unitId), event, step, { type: 'MoveDeadline', data: { dueDate: trigger.dueDate, reason: trigger.reason, mode: 'extend' } }, item),
      );
    }
  }

  /** The report's row (its unit, year, status and open stage) changes with the batch and is saved with its checkpoint. */
  private async handleReport(event: RecordedEvent, triggers: ReadonlyArray<{ item: TriggerOf; step: string }>): Promise<void> {
    const first = triggers[0]!.item.trigger;
    const reportId = 'reportId' in first ? first.reportId : null;
    if (reportId === null) return;
    let report = await this.tables.report(reportId);
    for (const { item, step } of triggers) {
      const { trigger } = item;
      if (trigger.kind === 'report-created') {
        report ??= {
          reportId: trigger.reportId,
          unitId: trigger.unitId,
          year: trigger.year,
          reportKind: trigger.reportKind,
          status: 'draft',
          stageDeadlineId: null,
          stageId: null,
          approvalsRequired: 1,
          approvals: 0,
          position: 0n,
        };
        await this.syncSubmission(event, step, item, report.unitId, report.year, report);
        continue;
      }
      if (report === null) {
        this.logger.warn({ type: event.type, streamId: event.streamId }, 'deadline trigger for a report without ReportCreated; ignored');
        return;
      }
      report = await this.applyToReport(event, step, item, report);
    }
    if (report !== null) this.tables.saveReport({ ...report, position: event.position });
  }

  private async applyToReport(event: RecordedEvent, step: string, item: TriggerOf, report: ReportRef): Promise<ReportRef> {
    const { trigger } = item;
    switch (trigger.kind) {
      case 'report-year-changed': {
        const next = { ...report, year: trigger.year };
        await this.syncSubmission(event, `${step}.old`, item, report.unitId, report.year, next);
        await this.syncSubmission(event, `${step}.new`, item, report.unitId, trigger.year, next);
        return next;
      }
      case 'report-status': {
        const next = { ...report, status: trigger.status };
        await this.syncSubmission(event, step, item, report.unitId, report.year, next);
        return next;
      }
      case 'stage-entered': {
        if (report.stageDeadlineId !== null) await this.cancelStage(event, `${step}.previous`, item, report.stageDeadlineId);
        const deadlineId = trigger.timeLimitWorkingDays === null ? null : reviewStageDeadlineId(trigger.reportId, trigger.revision);
        const next = { ...report, stageDeadlineId: deadlineId, stageId: trigger.stageId, approvalsRequired: trigger.approvalsRequired, approvals: 0 };
        if (deadlineId === null || trigger.timeLimitWorkingDays === null) return next;
        let dueDate: string;
        try {
          dueDate = this.calendar.addWorkingDays(shanghaiDateOf(item.at), trigger.timeLimitWorkingDays);
        } catch (error) {
          if (!isCalendarYearMissing(error)) throw error;
          this.logger.error({ reportId: trigger.reportId, stageId: trigger.stageId, problem: error.problems[0] }, 'review-stage deadline not scheduled: the working-day calendar lacks a year');
          return { ...next, stageDeadlineId: null };
        }
        const names = await this.directory.organisationNames([report.unitId]);
        await this.run(
          deadlineId,
          event,
          step,
          {
            type: 'ScheduleDeadline',
            data: {
              deadlineId,
              subject: { kind: 'review-stage', reportId: trigger.reportId, stageId: trigger.stageId },
              title: `${roleLabels[trigger.role]['zh-CN']}审核`,
              organisationId: report.unitId,
              organisationName: names.get(report.unitId) ?? null,
              dueDate,
              offsets: [...defaultDeadlineOffsets],
              recipients: { organisationId: report.unitId, roles: [trigger.role], scope: 'lineage' },
            },
          },
          item,
        );
        return next;
      }
      case 'stage-approved': {
        if (report.stageDeadlineId === null || report.stageId !== trigger.stageId) return report;
        const approvals = report.approvals + 1;
        if (approvals < report.approvalsRequired) return { ...report, approvals };
        await this.cancelStage(event, step, item, report.stageDeadlineId);
        return { ...report, approvals, stageDeadlineId: null };
      }
      case 'stage-closed': {
        if (report.stageDeadlineId !== null) await this.cancelStage(event, step, item, report.stageDeadlineId, trigger.why === 'withdrawn' ? 'withdrawn' : 'stage-completed');
        return { ...report, stageDeadlineId: null };
      }
      case 'report-created':
      case 'campaign-opened':
      case 'campaign-extended':
        return report;
      default: {
        const unhandled: never = trigger;
        throw new Error(`unhandled trigger ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private cancelStage(event: RecordedEvent, step: string, item: TriggerOf, deadlineId: string, reason: 'stage-completed' | 'withdrawn' = 'stage-completed'): Promise<void> {
    return this.run(deadlineId, event, step, { type: 'CancelDeadline', data: { reason, detail: event.type } }, item);
  }

  /**
   * A unit's submission deadline of a campaign holds while the unit has a report of that year
   * (of the campaign's kind) still in draft, or none at all; once every such report is submitted
   * it is cancelled, and a withdrawal or return to draft reinstates it.
   */
  private async syncSubmission(event: RecordedEvent, step: string, item: TriggerOf, unitId: string, year: number, current: ReportRef | null): Promise<void> {
    const campaigns = await this.tables.campaignsOfUnit(unitId, year);
    if (campaigns.length === 0) return;
    const stored = await this.tables.reportsOfUnit(unitId, year);
    // The report being changed counts as it is about to be saved.
    const reports = current === null ? stored : [...stored.filter((r) => r.reportId !== current.reportId), ...(current.unitId === unitId && current.year === year ? [current] : [])];
    for (const campaign of campaigns) {
      const relevant = reports.filter((r) => campaign.reportKind === null || r.reportKind === null || r.reportKind === campaign.reportKind);
      const done = relevant.length > 0 && relevant.every((r) => r.status === 'submitted');
      const deadlineId = submissionDeadlineId(campaign.campaignId, unitId);
      if (done) {
        const submitted = relevant.map((r) => r.reportId).join(', ');
        await this.run(deadlineId, event, step, { type: 'CancelDeadline', data: { reason: 'submitted', detail: `submitted: ${submitted}`.slice(0, 2000) } }, item);
      } else if (relevant.length > 0) {
        await this.run(deadlineId, event, step, { type: 'ReinstateDeadline', data: { reason: `a report is back in draft (${event.type})` } }, item);
      }
    }
  }
}
