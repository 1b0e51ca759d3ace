import { expect } from '@jest/globals';
import { DomainError } from '../shared/domain-error.js';
import { decide, type ReportDeciderOptions } from '../report/report.decider.js';
import { parseReportCommand, type ReportCommandInput } from '../report/report.commands.js';
import type { ReportEvent } from '../report/report.events.js';
import { evolveAll } from '../report/report.state.js';

/**
 * Decider specs that read as given / when / then:
 *   given([created]).when(addIndicator).then([indicatorAdded])
 *   given([created, submitted]).when(addIndicator).thenRefused('REPORT_NOT_DRAFT', 'status')
 * Commands go through the command schema first, as they would from an HTTP body.
 */
export function given(events: readonly ReportEvent[], options?: ReportDeciderOptions) {
  return {
    when(command: ReportCommandInput) {
      const decideNow = () => decide(parseReportCommand(command), evolveAll(events), options);
      return {
        then(expected: readonly ReportEvent[]): void {
          expect(decideNow()).toEqual(expected);
        },
        thenNothing(): void {
          expect(decideNow()).toEqual([]);
        },
        /** Asserts the refusal's first problem and returns the error for further checks. */
        thenRefused(code: string, path: string): DomainError {
          let thrown: unknown;
          try {
            const events = decideNow();
            throw new Error(`expected ${code} at ${path}, but the command was accepted with ${JSON.stringify(events)}`);
          } catch (error) {
            thrown = error;
          }
          expect(thrown).toBeInstanceOf(DomainError);
          const refusal = thrown as DomainError;
          expect({ code: refusal.code, path: refusal.path }).toEqual({ code, path });
          return refusal;
        },
      };
    },
  };
}
