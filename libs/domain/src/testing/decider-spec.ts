import { decide, type ReportDeciderOptions } from '../report/report.decider.js';
import { parseReportCommand, type ReportCommandInput } from '../report/report.commands.js';
import type { ReportEvent } from '../report/report.events.js';
import { evolveAll } from '../report/report.state.js';
import { deciderOutcome } from './decider-outcome.js';

/**
 * Decider specs that read as given / when / then:
 *   given([created]).when(addIndicator).then([indicatorAdded])
 *   given([created, submitted]).when(addIndicator).thenRefused('REPORT_NOT_DRAFT', 'status')
 * Commands go through the command schema first, as they would from an HTTP body.
 */
export function given(events: readonly ReportEvent[], options?: ReportDeciderOptions) {
  return {
    when: (command: ReportCommandInput) => deciderOutcome(() => decide(parseReportCommand(command), evolveAll(events), options)),
  };
}
