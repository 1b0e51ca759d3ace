import { z } from 'zod';
import { commandMetadataSchema, type CommandMetadata } from '../shared/actor.js';
import { DomainError } from '../shared/domain-error.js';
import { eventPayload } from '../shared/event-payload.js';
import { text } from '../shared/i18n.js';
import { parseOrThrow } from '../shared/zod-problems.js';
import { defaultWorkflow, workflowDefinitionSchema, type WorkflowDefinition, type WorkflowSnapshot } from './workflow.definition.js';

/** A finance bureau's workflow definitions, one version after another, in `workflow-<bureauId>`. */
export function workflowStreamId(financeBureauId: string): string {
  return `workflow-${financeBureauId}`;
}

export const workflowEventSchemas = {
  WorkflowDefined: {
    version: 1,
    schema: eventPayload({ financeBureauId: z.string().min(1).max(128), version: z.number().int().min(1), definition: workflowDefinitionSchema }),
  },
} as const;
export type WorkflowEvent = { type: 'WorkflowDefined'; data: z.output<(typeof workflowEventSchemas)['WorkflowDefined']['schema']> };

export const defineWorkflowCommandSchema = z
  .object({ type: z.literal('DefineWorkflow'), data: z.object({ definition: workflowDefinitionSchema }).strict(), metadata: commandMetadataSchema })
  .strict();
export type DefineWorkflow = z.output<typeof defineWorkflowCommandSchema>;

export function parseDefineWorkflow(input: unknown): DefineWorkflow {
  return parseOrThrow(defineWorkflowCommandSchema, input, 'COMMAND_INVALID');
}

export type WorkflowState = { status: 'none' } | { status: 'defined'; financeBureauId: string; version: number; definition: WorkflowDefinition };

export function evolveWorkflow(_state: WorkflowState, event: WorkflowEvent): WorkflowState {
  const { financeBureauId, version, definition } = event.data;
  return { status: 'defined', financeBureauId, version, definition };
}

export function parseStoredWorkflowEvent(stored: { type: string; data: unknown }): WorkflowEvent {
  if (stored.type !== 'WorkflowDefined') {
    throw DomainError.of('EVENT_TYPE_UNKNOWN', 'type', text(`未知的事件类型：${stored.type}`, `unknown event type: ${stored.type}`));
  }
  return { type: 'WorkflowDefined', data: parseOrThrow(workflowEventSchemas.WorkflowDefined.schema, stored.data, 'EVENT_INVALID', 'data') };
}

/**
 * Defines the next version of a bureau's workflow; only the bureau's own administrator may.
 * Reports already submitted keep the version they started with.
 */
export function decideWorkflow(command: DefineWorkflow, state: WorkflowState, financeBureauId: string): WorkflowEvent[] {
  const actor: CommandMetadata['actor'] = command.metadata.actor;
  if (actor.role !== 'admin' || actor.organisationId !== financeBureauId) {
    throw DomainError.of('ROLE_NOT_ALLOWED', '', text('只有本财政局的系统管理员可以配置审核流程', "only the finance bureau's own administrator may define its workflow"), {
      role: actor.role,
    });
  }
  const { definition } = command.data;
  if (state.status === 'defined' && JSON.stringify(state.definition) === JSON.stringify(definition)) return [];
  const version = state.status === 'defined' ? state.version + 1 : 1;
  return [{ type: 'WorkflowDefined', data: { at: command.metadata.at, by: actor, financeBureauId, version, definition } }];
}

/** What a submission in this bureau goes through now: its latest version, or the built-in chain. */
export function currentWorkflow(state: WorkflowState): WorkflowSnapshot {
  if (state.status === 'none') return defaultWorkflow;
  return { id: state.financeBureauId, version: state.version, ...state.definition };
}
