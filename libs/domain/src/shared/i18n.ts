/** Every user-facing text the domain produces exists in both languages the product serves. */
export interface LocalizedText {
  'zh-CN': string;
  en: string;
}

export type Locale = keyof LocalizedText;

export function text(zh: string, en: string): LocalizedText {
  return { 'zh-CN': zh, en };
}
