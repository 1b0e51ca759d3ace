import { Injectable } from '@nestjs/common';
import { currentWorkflow, evolveWorkflow, parseStoredWorkflowEvent, workflowStreamId, type WorkflowSnapshot, type WorkflowState } from '#domain';
import { EventStore } from '#eventstore';

export interface LoadedWorkflow {
  state: WorkflowState;
  /** Revision of the last definition, null when the bureau has defined none. */
  revision: number | null;
}

/** A finance bureau's workflow definitions, read from their stream. */
@Injectable()
export class WorkflowRepository {
  constructor(private readonly eventStore: EventStore) {}

  async load(financeBureauId: string): Promise<LoadedWorkflow> {
    const events = await this.eventStore.readStream(workflowStreamId(financeBureauId));
    let state: WorkflowState = { status: 'none' };
    for (const event of events) state = evolveWorkflow(state, parseStoredWorkflowEvent(event));
    return { state, revision: events.at(-1)?.revision ?? null };
  }

  /** What a submission in this bureau goes through now. */
  async current(financeBureauId: string): Promise<WorkflowSnapshot> {
    return currentWorkflow((await this.load(financeBureauId)).state);
  }
}
