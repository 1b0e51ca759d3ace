import type { z } from 'zod';
import { MONEY_KEY, PERCENT_KEY, SCORE_KEY } from './decimal.js';
import { DomainError, type Problem } from './domain-error.js';
import { text, type LocalizedText } from './i18n.js';

type Issue = z.core.$ZodIssue;

/** Messages for keys set as `error` on a schema, where the field needs its own wording. */
const keyedMessages: Record<string, LocalizedText> = {
  [MONEY_KEY]: text(
    '应为以字符串表示、最多两位小数的非负金额（万元），例如 "9.33"',
    'expected a non-negative amount in 万元 as a string with at most two decimals, e.g. "9.33"',
  ),
  [SCORE_KEY]: text(
    '应为以字符串表示的非负分值，最多四位小数，例如 "4.50"',
    'expected a non-negative score as a string with at most four decimals, e.g. "4.50"',
  ),
  [PERCENT_KEY]: text(
    '应为以字符串表示的百分数（不带 % 号），例如 "96.75"',
    'expected a percentage as a string without the % sign, e.g. "96.75"',
  ),
  id: text('标识只能包含字母、数字和 . _ : -，以字母或数字开头，最长64个字符', 'an id is letters, digits and . _ : -, starting with a letter or digit, at most 64 characters'),
  'changes.empty': text('没有要修改的字段', 'no field to change'),
  'media-type': text('应为媒体类型，例如 "application/pdf"', 'expected a media type, e.g. "application/pdf"'),
  sha256: text('应为64位小写十六进制的 SHA-256 摘要', 'expected a SHA-256 digest as 64 lowercase hex digits'),
  'id.duplicate': text('标识重复', 'duplicate id'),
};

/** `['indicators', 3, 'weight']` → `indicators[3].weight`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

function typeOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  return typeof input;
}

function messageFor(issue: Issue): LocalizedText {
  const keyed = Object.hasOwn(keyedMessages, issue.message) ? keyedMessages[issue.message] : undefined;
  if (keyed) {
    if (issue.code === 'invalid_type' && typeof issue.input === 'number') {
      return text(`${keyed['zh-CN']}（收到的是数字 ${String(issue.input)}，请加引号）`, `${keyed.en} (got the number ${String(issue.input)}; quote it)`);
    }
    if (issue.code === 'invalid_type' && issue.input === undefined) {
      return text(`缺少必填字段：${keyed['zh-CN']}`, `required field is missing: ${keyed.en}`);
    }
    return keyed;
  }
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return text('缺少必填字段', 'required field is missing');
      return text(`类型应为 ${issue.expected}，实际为 ${typeOf(issue.input)}`, `expected ${issue.expected}, got ${typeOf(issue.input)}`);
    case 'invalid_value': {
      const options = issue.values.map((v) => JSON.stringify(v));
      return text(`取值应为以下之一：${options.join('、')}`, `expected one of ${options.join(', ')}`);
    }
    case 'unrecognized_keys':
      return text(`未知字段：${issue.keys.join('、')}`, `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}`);
    case 'invalid_format':
      return text(`格式不正确（${issue.format}）`, `invalid format (${issue.format})`);
    case 'too_small':
      return issue.origin === 'string' || issue.origin === 'array'
        ? text(`长度至少为 ${String(issue.minimum)}`, `length must be at least ${String(issue.minimum)}`)
        : text(`不能小于 ${String(issue.minimum)}`, `must be at least ${String(issue.minimum)}`);
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array'
        ? text(`长度不能超过 ${String(issue.maximum)}`, `length must be at most ${String(issue.maximum)}`)
        : text(`不能大于 ${String(issue.maximum)}`, `must be at most ${String(issue.maximum)}`);
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator !== undefined) {
        const options = ((issue as { options?: unknown[] }).options ?? []).map((o) => JSON.stringify(o)).join(', ');
        return text(`未知的 ${issue.discriminator}，应为：${options}`, `unknown ${issue.discriminator}; expected one of ${options}`);
      }
      return text('不符合任何允许的形式', 'matches none of the allowed shapes');
    case 'not_multiple_of':
      return text(`应为 ${String(issue.divisor)} 的整数倍`, `must be a multiple of ${String(issue.divisor)}`);
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return text(`无效：${issue.message}`, `invalid: ${issue.message}`);
    default: {
      const unhandled: never = issue;
      return text('无效', `invalid (${(unhandled as Issue).code})`);
    }
  }
}

export function zodIssuesToProblems(issues: readonly Issue[], code: string, pathPrefix = ''): Problem[] {
  return issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]!] : issue.path;
    const local = formatPath(keys);
    const path = pathPrefix === '' ? local : local === '' ? pathPrefix : local.startsWith('[') ? `${pathPrefix}${local}` : `${pathPrefix}.${local}`;
    return { code, path, message: messageFor(issue) };
  });
}

/** Parses or throws a DomainError naming every offending field, in both languages. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, code: string, pathPrefix = ''): z.output<S> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  throw new DomainError(zodIssuesToProblems(result.error.issues, code, pathPrefix));
}
