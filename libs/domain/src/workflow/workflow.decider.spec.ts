import { describe, expect, it } from '@jest/globals';
import type { Actor } from '../shared/actor.js';
import { DomainError } from '../shared/domain-error.js';
import { deciderOutcome } from '../testing/decider-outcome.js';
import { defaultWorkflow, defaultWorkflowDefinition, parseWorkflowDefinition } from './workflow.definition.js';
import { currentWorkflow, decideWorkflow, evolveWorkflow, parseDefineWorkflow, type WorkflowEvent, type WorkflowState } from './workflow.decider.js';

const AT = '2026-01-05T09:00:00.000+08:00';
const BUREAU = 'org-czj';
const admin: Actor = { userId: 'u-admin', role: 'admin', organisationId: BUREAU };
const fold = (events: WorkflowEvent[]) => events.reduce<WorkflowState>(evolveWorkflow, { status: 'none' });
const twoStages = {
  stages: [
    { id: 'check', name: { 'zh-CN': '部门审核', en: 'check' }, role: 'department_reviewer' },
    { id: 'final', name: { 'zh-CN': '财政复核', en: 'final' }, role: 'performance_officer', mayScore: true, approvals: 2, returnTo: 'previous' },
  ],
  resubmission: 'resume',
};
const define = (definition: unknown, actor: Actor = admin) => parseDefineWorkflow({ type: 'DefineWorkflow', data: { definition }, metadata: { at: AT, actor } });

describe('workflow definitions per finance bureau', () => {
  it('uses the built-in chain until the bureau defines its own', () => {
    expect(currentWorkflow({ status: 'none' })).toEqual(defaultWorkflow);
    expect(defaultWorkflow.stages.map((s) => [s.id, s.role])).toEqual([
      ['unit_signoff', 'unit_leader'],
      ['department_review', 'department_reviewer'],
      ['finance_review', 'finance_reviewer'],
      ['performance_review', 'performance_officer'],
    ]);
  });

  it('versions each new definition, and ignores an identical one', () => {
    const first = decideWorkflow(define(twoStages), { status: 'none' }, BUREAU);
    expect(first).toMatchObject([{ type: 'WorkflowDefined', data: { version: 1, financeBureauId: BUREAU } }]);
    expect(currentWorkflow(fold(first))).toMatchObject({ id: BUREAU, version: 1, resubmission: 'resume', stages: [{ id: 'check', approvals: 1 }, { id: 'final', approvals: 2 }] });
    expect(decideWorkflow(define(twoStages), fold(first), BUREAU)).toEqual([]);
    expect(decideWorkflow(define(defaultWorkflowDefinition), fold(first), BUREAU)).toMatchObject([{ data: { version: 2 } }]);
  });

  it('lets only the bureau’s own administrator define it', () => {
    deciderOutcome(() => decideWorkflow(define(twoStages, { ...admin, role: 'performance_officer' }), { status: 'none' }, BUREAU)).thenRefused('ROLE_NOT_ALLOWED', '');
    deciderOutcome(() => decideWorkflow(define(twoStages, { ...admin, organisationId: 'org-other' }), { status: 'none' }, BUREAU)).thenRefused('ROLE_NOT_ALLOWED', '');
  });

  it('refuses duplicate stage ids, a first stage returning to a previous one, and roles that cannot review', () => {
    const problems = (input: unknown) => {
      try {
        parseWorkflowDefinition(input);
        return [];
      } catch (error) {
        return (error as DomainError).problems.map((p) => [p.code, p.path]);
      }
    };
    const stage = twoStages.stages[0]!;
    expect(problems({ stages: [stage, stage] })).toEqual([['WORKFLOW_INVALID', 'stages[1].id']]);
    expect(problems({ stages: [{ ...stage, returnTo: 'previous' }] })).toEqual([['WORKFLOW_INVALID', 'stages[0].returnTo']]);
    expect(problems({ stages: [{ ...stage, role: 'auditor' }] })).toEqual([['WORKFLOW_INVALID', 'stages[0].role']]);
    expect(problems({ stages: [] })).toEqual([['WORKFLOW_INVALID', 'stages']]);
  });
});
