import type { LocalizedText } from '../i18n/text.js';
import type { ReportStatus, Role } from '../api/types.js';

// The form's own labels come from the domain library (pure data, no dependencies), so the
// workbench prints exactly what the scoring engine and the checks call things.
export {
  budgetColumnLabels,
  comparators,
  fundingSourceLabels,
  fundingSources,
  level1Labels,
  level1Values,
  level2Labels,
  level2Values,
  narrativeFields,
  qualitativeBandLabels,
  qualitativeBands,
  subFundingSources,
} from '../../../../libs/domain/src/report/report.model.js';

const text = (zh: string, en: string): LocalizedText => ({ 'zh-CN': zh, en });

export const roleLabels: Record<Role, LocalizedText> = {
  unit_filler: text('预算单位填报人', 'Unit filler'),
  unit_leader: text('单位负责人', 'Unit leader'),
  department_reviewer: text('主管部门审核人', 'Department reviewer'),
  finance_reviewer: text('财政局业务科室', 'Finance reviewer'),
  performance_officer: text('财政局绩效管理科', 'Performance officer'),
  auditor: text('审计/监督', 'Auditor'),
  admin: text('系统管理员', 'Administrator'),
};

export const statusLabels: Record<ReportStatus, LocalizedText> = {
  draft: text('草稿', 'Draft'),
  submitted: text('审核中', 'In review'),
  approved: text('已通过', 'Approved'),
  published: text('已公开', 'Published'),
};

export const statusColors: Record<ReportStatus, string> = { draft: 'default', submitted: 'processing', approved: 'success', published: 'green' };

export const kindLabels = {
  department: text('部门整体支出', 'Department spending'),
  project: text('项目支出', 'Project spending'),
} satisfies Record<string, LocalizedText>;

export const narrativeLabels = {
  goal: text('年度总体目标', 'Annual goal'),
  achievement: text('实际完成情况', 'What was achieved'),
  implementation: text('项目实施内容及过程', 'Implementation'),
  conclusion: text('评价结论', 'Conclusion'),
  problems: text('存在问题', 'Problems'),
  improvements: text('改进措施', 'Improvements'),
} satisfies Record<string, LocalizedText>;

export const gradeColors: Record<string, string> = { 优: 'green', 良: 'blue', 中: 'orange', 差: 'red' };

export const severityLabels = {
  error: text('错误', 'Error'),
  warning: text('警告', 'Warning'),
  info: text('提示', 'Info'),
} satisfies Record<string, LocalizedText>;

export const eventTypeLabels: Record<string, LocalizedText> = {
  ReportCreated: text('创建报告', 'Report created'),
  HeaderUpdated: text('修改基本信息', 'Header updated'),
  BudgetRowSet: text('填写预算执行', 'Budget row set'),
  BudgetAssessmentUpdated: text('修改预算执行自评', 'Budget assessment updated'),
  IndicatorAdded: text('新增绩效指标', 'Indicator added'),
  IndicatorUpdated: text('修改绩效指标', 'Indicator updated'),
  IndicatorRemoved: text('删除绩效指标', 'Indicator removed'),
  IndicatorsReordered: text('调整指标顺序', 'Indicators reordered'),
  EvaluationItemSet: text('填写评价项目', 'Evaluation item set'),
  EvaluationItemRemoved: text('删除评价项目', 'Evaluation item removed'),
  NarrativeSet: text('填写文字说明', 'Narrative set'),
  SelfTotalSet: text('填写自评总分', 'Stated total set'),
  EvidenceAttached: text('上传佐证材料', 'Evidence attached'),
  EvidenceDetached: text('移除佐证材料', 'Evidence removed'),
  ReportSubmitted: text('提交', 'Submitted'),
  ReportWithdrawn: text('撤回', 'Withdrawn'),
  ReportReturned: text('退回修改', 'Returned'),
  ReportApproved: text('审核通过', 'Approved'),
  ReportPublished: text('公开', 'Published'),
  ReviewStageEntered: text('进入审核环节', 'Review stage entered'),
  ReviewApproved: text('本环节审核通过', 'Stage approved'),
  ReviewerScoreSet: text('设定核查分数', 'Reviewer score set'),
  ReportReopened: text('重新打开', 'Reopened'),
};

/** The built-in workflow's stages (libs/domain workflow.definition.ts); a bureau's own stages print by id. */
export const defaultStageLabels: Record<string, LocalizedText> = {
  unit_signoff: text('单位负责人审签', 'unit sign-off'),
  department_review: text('主管部门审核', 'department review'),
  finance_review: text('财政业务科室审核', 'finance review'),
  performance_review: text('绩效管理科复核', 'performance review'),
};

export const progressStateLabels = {
  not_started: text('未开始', 'Not started'),
  draft: text('草稿', 'Draft'),
  returned: text('已退回', 'Returned'),
  in_review: text('审核中', 'In review'),
  approved: text('已通过', 'Approved'),
  published: text('已公开', 'Published'),
} satisfies Record<string, LocalizedText>;

export const progressStateColors: Record<keyof typeof progressStateLabels, string> = {
  not_started: 'default',
  draft: 'default',
  returned: 'red',
  in_review: 'processing',
  approved: 'success',
  published: 'green',
};

export const timelinessLabels = {
  on_time: text('按时', 'On time'),
  late: text('逾期', 'Late'),
  pending: text('未到期', 'Not yet due'),
} satisfies Record<string, LocalizedText>;

export const timelinessColors = { on_time: 'green', late: 'red', pending: 'default' } as const;

export function formatTime(iso: string | null | undefined, lang: 'zh-CN' | 'en'): string {
  if (!iso) return '';
  return new Date(iso).toLocaleString(lang === 'en' ? 'en-GB' : 'zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });
}
