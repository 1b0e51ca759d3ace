import type { LocalizedText, Locale, Problem } from '#domain';

/** An RFC 9457 problem document, with the field-level problems in `errors`. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  instance?: string;
  errors?: Array<{ code: string; path: string; message: string; details?: Record<string, unknown> }>;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** zh-CN unless the caller prefers English (Accept-Language: en, en-US;q=0.9 …). */
export function negotiateLocale(acceptLanguage: string | string[] | undefined): Locale {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage ?? '');
  const ranked = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((entry) => entry.tag.length > 0)
    .sort((a, b) => b.q - a.q);
  for (const { tag } of ranked) {
    if (tag.startsWith('zh')) return 'zh-CN';
    if (tag.startsWith('en')) return 'en';
  }
  return 'zh-CN';
}

const titles: Record<number, LocalizedText> = {
  400: { 'zh-CN': '请求无效', en: 'Bad request' },
  401: { 'zh-CN': '未认证', en: 'Unauthorized' },
  403: { 'zh-CN': '无权操作', en: 'Forbidden' },
  404: { 'zh-CN': '未找到', en: 'Not found' },
  405: { 'zh-CN': '方法不允许', en: 'Method not allowed' },
  406: { 'zh-CN': '无法提供所请求的格式', en: 'Not acceptable' },
  409: { 'zh-CN': '操作冲突', en: 'Conflict' },
  412: { 'zh-CN': '报告已被他人修改', en: 'Precondition failed' },
  413: { 'zh-CN': '请求体过大', en: 'Payload too large' },
  415: { 'zh-CN': '不支持的内容类型', en: 'Unsupported media type' },
  422: { 'zh-CN': '操作被拒绝', en: 'Unprocessable content' },
  428: { 'zh-CN': '缺少前置条件', en: 'Precondition required' },
  429: { 'zh-CN': '请求过多', en: 'Too many requests' },
  500: { 'zh-CN': '服务器内部错误', en: 'Internal server error' },
  503: { 'zh-CN': '服务暂不可用', en: 'Service unavailable' },
};

export function statusTitle(status: number, locale: Locale): string {
  return (titles[status] ?? titles[status >= 500 ? 500 : 400]!)[locale];
}

export function problemDocument(
  status: number,
  problems: readonly Problem[],
  locale: Locale,
  extensions: Record<string, unknown> = {},
): ProblemDocument {
  const first = problems[0]!;
  return {
    type: `https://jixiao.example/problems/${first.code.toLowerCase().replace(/_/g, '-')}`,
    title: statusTitle(status, locale),
    status,
    code: first.code,
    detail: first.message[locale],
    errors: problems.map((p) => ({
      code: p.code,
      path: p.path,
      message: p.message[locale],
      ...(p.details === undefined ? {} : { details: p.details }),
    })),
    ...extensions,
  };
}

export function problem(code: string, path: string, zh: string, en: string, details?: Record<string, unknown>): Problem {
  return details === undefined ? { code, path, message: { 'zh-CN': zh, en } } : { code, path, message: { 'zh-CN': zh, en }, details };
}
