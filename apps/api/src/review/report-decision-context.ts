import { Injectable } from '@nestjs/common';
import { reviewCommandTypes, type ReportCommandType, type ReportDeciderOptions, type ReportState } from '#domain';
import { OrganisationDirectory } from '../auth/principal.js';
import { WorkflowRepository } from '../workflows/workflow-repository.js';

const reviewTypes: ReadonlySet<string> = new Set(reviewCommandTypes);

/**
 * What the report decider needs from outside the report's stream: the bureau's current workflow
 * for a submission, and the report unit's lineage for a review action (the decider checks the
 * reviewer's place in it).
 */
@Injectable()
export class ReportDecisionContext {
  constructor(
    private readonly directory: OrganisationDirectory,
    private readonly workflows: WorkflowRepository,
  ) {}

  async optionsFor(type: ReportCommandType, state: ReportState): Promise<ReportDeciderOptions> {
    if (state.status === 'none') return {};
    if (type === 'SubmitReport') {
      if (state.review) return {};
      const lineage = await this.directory.lineage(state.organisationId);
      const bureau = lineage.at(-1);
      return bureau === undefined ? {} : { workflow: await this.workflows.current(bureau) };
    }
    if (reviewTypes.has(type)) return { review: { organisationPath: await this.directory.lineage(state.organisationId) } };
    return {};
  }
}
