import { deadlineInstant, formatDateZh, roleLabels, type DeadlineEventData, type ResolvedRecipient } from '#domain';

export type ReminderSentData = DeadlineEventData<'ReminderSent'>;

export interface RenderedNotification {
  /** One line: the in-app title and the e-mail subject. */
  title: string;
  body: string;
  kind: 'reminder' | 'escalation';
}

const days = (n: number) => `${Math.abs(n)}个工作日`;

/** zh-CN texts of a reminder, for one recipient. Pure: the inbox projection renders with it too. */
export function renderReminder(sent: ReminderSentData, recipient: Pick<ResolvedRecipient, 'displayName' | 'reason' | 'role'>): RenderedNotification {
  const due = formatDateZh(sent.dueDate);
  const unit = sent.organisationName ?? sent.subject.kind;
  const greeting = `${recipient.displayName ?? '您'}，您好：`;
  const submission = sent.subject.kind === 'submission';
  const what = submission ? `${unit}的绩效自评报告（${sent.title}）` : `${unit}的绩效自评报告在「${sent.title}」环节的审核`;
  const limit = submission ? '提交截止' : '审核时限';
  const act = submission ? '请及时完成填报并提交。' : '请及时完成审核。';
  const escalated = sent.recipients.some((r) => r.reason === 'escalation');
  const closing = `\n\n截止时间：${due} 24:00（北京时间，${deadlineInstant(sent.dueDate)}）。\n此邮件由绩效自评管理系统自动发送，请勿直接回复。`;

  if (recipient.reason === 'escalation') {
    return {
      kind: 'escalation',
      title: `【绩效自评】逾期提醒：${what}已超过${limit}${days(sent.workingDays)}`,
      body: `${greeting}\n${what}的${limit}为${due}，至今仍未完成，已逾期${days(sent.workingDays)}。请督促其尽快办理。${closing}`,
    };
  }
  const prefix = submission ? '【绩效自评】' : '【绩效审核】';
  switch (sent.phase) {
    case 'before':
      return { kind: 'reminder', title: `${prefix}${what}距${limit}还有${days(sent.workingDays)}`, body: `${greeting}\n${what}的${limit}为${due}，距今还有${days(sent.workingDays)}。${act}${closing}` };
    case 'due':
      return { kind: 'reminder', title: `${prefix}${what}今日${submission ? '截止' : '到期'}`, body: `${greeting}\n${what}的${limit}为今天（${due}）。${act}${closing}` };
    case 'overdue':
      return {
        kind: 'reminder',
        title: `${prefix}${what}已逾期${days(sent.workingDays)}`,
        body: `${greeting}\n${what}的${limit}为${due}，已逾期${days(sent.workingDays)}${escalated ? (submission ? '，已通知上级主管部门' : '，已通知上一级') : ''}。${act}${closing}`,
      };
    default: {
      const unhandled: never = sent.phase;
      throw new Error(`unknown phase ${String(unhandled)}`);
    }
  }
}

/** The role as people read it, for webhook payloads. */
export function roleLabel(role: ResolvedRecipient['role']): string {
  return roleLabels[role]['zh-CN'];
}
