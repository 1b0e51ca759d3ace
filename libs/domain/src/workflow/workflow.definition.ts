import { z } from 'zod';
import type { Role } from '../shared/actor.js';
import { DomainError } from '../shared/domain-error.js';
import { text } from '../shared/i18n.js';
import { parseOrThrow } from '../shared/zod-problems.js';

/**
 * A review workflow is data, versioned per finance bureau: ordered stages after submission,
 * each naming the role that acts. A submitted report keeps the snapshot it started with, so a
 * later version changes only reports submitted after it.
 */

/** Roles that may act at a review stage: everyone but the filler (who submits) and the read-only ones. */
export const reviewRoles = ['unit_leader', 'department_reviewer', 'finance_reviewer', 'performance_officer'] as const satisfies readonly Role[];
export type ReviewRole = (typeof reviewRoles)[number];

export const stageIdSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, { error: 'stage id: lower-case letters, digits, _ and -' });

export const workflowStageSchema = z
  .object({
    id: stageIdSchema,
    name: z.object({ 'zh-CN': z.string().trim().min(1).max(100), en: z.string().trim().min(1).max(100) }).strict(),
    role: z.enum(reviewRoles),
    /** Whether this stage may set reviewer scores (核查分数). */
    mayScore: z.boolean().default(false),
    /** Distinct approvers needed before the report moves on: 2 or more is four-eyes. */
    approvals: z.number().int().min(1).max(5).default(1),
    /** Working days the stage has; null: no time limit, no reminders. */
    timeLimitWorkingDays: z.number().int().min(1).max(60).nullable().default(null),
    /** Where a return from this stage sends the report. */
    returnTo: z.enum(['draft', 'previous']).default('draft'),
  })
  .strict();
export type WorkflowStage = z.output<typeof workflowStageSchema>;

export const workflowDefinitionSchema = z
  .object({
    stages: z.array(workflowStageSchema).min(1).max(10),
    /** After a return to draft, resubmission starts the chain again or resumes at the returning stage. */
    resubmission: z.enum(['restart', 'resume']).default('restart'),
  })
  .strict()
  .superRefine((definition, ctx) => {
    const seen = new Set<string>();
    definition.stages.forEach((stage, index) => {
      if (seen.has(stage.id)) ctx.addIssue({ code: 'custom', path: ['stages', index, 'id'], message: `duplicate stage id ${stage.id}` });
      seen.add(stage.id);
      if (index === 0 && stage.returnTo === 'previous') {
        ctx.addIssue({ code: 'custom', path: ['stages', index, 'returnTo'], message: 'the first stage has no previous stage to return to' });
      }
    });
  });
export type WorkflowDefinition = z.output<typeof workflowDefinitionSchema>;
export type WorkflowDefinitionInput = z.input<typeof workflowDefinitionSchema>;

/** The definition as a report carries it: which bureau's workflow, which version. */
export const workflowSnapshotSchema = z
  .object({
    id: z.string().min(1).max(128),
    version: z.number().int().min(0),
    stages: z.array(workflowStageSchema).min(1).max(10),
    resubmission: z.enum(['restart', 'resume']),
  })
  .strict();
export type WorkflowSnapshot = z.output<typeof workflowSnapshotSchema>;

const stage = (id: string, zh: string, en: string, role: ReviewRole, extra: Partial<WorkflowStage> = {}): WorkflowStage => ({
  id,
  name: { 'zh-CN': zh, en },
  role,
  mayScore: false,
  approvals: 1,
  timeLimitWorkingDays: 5,
  returnTo: 'draft',
  ...extra,
});

/** The domain guide's chain: unit sign-off → department → finance → performance review. */
export const defaultWorkflowDefinition: WorkflowDefinition = {
  stages: [
    stage('unit_signoff', '单位负责人审签', 'unit sign-off', 'unit_leader', { timeLimitWorkingDays: 3 }),
    stage('department_review', '主管部门审核', 'department review', 'department_reviewer'),
    stage('finance_review', '财政业务科室审核', 'finance review', 'finance_reviewer'),
    stage('performance_review', '绩效管理科复核', 'performance review', 'performance_officer', { mayScore: true }),
  ],
  resubmission: 'restart',
};

/** Id of the built-in workflow, used by bureaus that have defined none; version 0. */
export const DEFAULT_WORKFLOW_ID = 'default';

export const defaultWorkflow: WorkflowSnapshot = { id: DEFAULT_WORKFLOW_ID, version: 0, ...defaultWorkflowDefinition };

/** Validates an untrusted definition (from an admin's request); problems name the field. */
export function parseWorkflowDefinition(input: unknown): WorkflowDefinition {
  return parseOrThrow(workflowDefinitionSchema, input, 'WORKFLOW_INVALID');
}

export function stageAt(workflow: WorkflowSnapshot, index: number): WorkflowStage {
  const found = workflow.stages[index];
  if (!found) throw new DomainError([{ code: 'WORKFLOW_STAGE_UNKNOWN', path: 'stageId', message: text(`流程没有第${index + 1}个环节`, `the workflow has no stage ${index + 1}`) }]);
  return found;
}

export const stageNames = (workflow: WorkflowSnapshot) => workflow.stages.map((s) => s.id);
