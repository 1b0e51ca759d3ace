import {
  DomainError,
  decide,
  evolve,
  isDomainError,
  parseReportCommand,
  type CommandMetadata,
  type Problem,
  type ReportEvent,
  type ReportState,
} from '#domain';
import { cellProblem, importFailed, type CellProblem } from './import-problems.js';
import type { PlannedCommand } from './plan-commands.js';
import type { SheetReading } from './read-report-sheet.js';

/** Refusals about who may import where, not about a cell: they end the import as they are. */
const refusalsOfTheWhole = new Set(['ACTOR_OUTSIDE_UNIT', 'ROLE_NOT_ALLOWED', 'REPORT_NOT_DRAFT', 'REPORT_NOT_FOUND', 'REPORT_ALREADY_EXISTS', 'PROFILE_NOT_FOUND', 'RULE_PROFILE_UNKNOWN']);

export interface ImportDecision {
  events: ReportEvent[];
  state: ReportState;
}

/** Where a decider's field path came from on the sheet: `indicators[k03].weight` → `项目1!I12`. */
function cellFor(path: string, reading: Pick<SheetReading, 'cellOf'>): string | null {
  for (let candidate = path; candidate !== ''; candidate = candidate.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '')) {
    const found = reading.cellOf.get(candidate);
    if (found) return found;
    if (!/(\.[^.[\]]+|\[[^\]]*\])$/.test(candidate)) break;
  }
  return null;
}

/**
 * Decides every planned command in turn on the state the previous ones leave, so the events can be
 * appended at once with the revision the import started from. A refused command is reported at
 * its cell and the rest are still decided (on the state without it), so one import names every
 * refusal. Throws a DomainError when anything was refused: nothing is to be appended then.
 */
export function decideImport(commands: readonly PlannedCommand[], start: ReportState, metadata: CommandMetadata, reading: Pick<SheetReading, 'sheet' | 'cellOf'>): ImportDecision {
  const events: ReportEvent[] = [];
  const problems: CellProblem[] = [];
  let state = start;
  for (const planned of commands) {
    try {
      const command = parseReportCommand({ type: planned.type, data: planned.data, metadata });
      const decided = decide(command, state);
      for (const event of decided) state = evolve(state, event);
      events.push(...decided);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      if (error.problems.some((p) => refusalsOfTheWhole.has(p.code))) throw error;
      for (const problem of error.problems) {
        const address = cellFor(problem.path, reading);
        problems.push(cellProblem(problem.code, reading.sheet, address, problem.message, { field: problem.path }));
      }
      if (planned.type === 'CreateReport') break;
    }
  }
  if (problems.length > 0) throw new DomainError([importFailed(reading.sheet, problems.length), ...problems]);
  return { events, state };
}

/** The problems of a sheet that could not be read, as one refusal. */
export function sheetRefusal(reading: Pick<SheetReading, 'sheet' | 'problems'>): DomainError {
  const problems: Problem[] = reading.problems;
  return new DomainError([importFailed(reading.sheet, problems.length), ...problems]);
}
