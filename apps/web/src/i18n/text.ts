/** The two languages of the interface; zh-CN is the default, as in the API's problem documents. */
export type Lang = 'zh-CN' | 'en';

/** A text in both languages, the same shape the domain uses for its messages. */
export interface LocalizedText {
  'zh-CN': string;
  en: string;
}
