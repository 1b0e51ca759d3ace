import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { Lang, LocalizedText } from './text.js';

// Plain types live in text.ts, so that pure modules (and their specs) need no JSX.
export type { Lang, LocalizedText } from './text.js';

const STORAGE_KEY = 'jixiao.lang';

function initialLang(): Lang {
  try {
    return localStorage.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  /** Picks the text of the current language: t('报告', 'Reports'). */
  t(zh: string, en: string): string;
  /** A domain LocalizedText in the current language. */
  l(text: LocalizedText | null | undefined): string;
}

const I18nContext = createContext<I18n | null>(null);

let currentLang: Lang = initialLang();
/** For code outside React (the API client's Accept-Language). */
export function activeLang(): Lang {
  return currentLang;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(currentLang);
  const setLang = useCallback((next: Lang) => {
    currentLang = next;
    try {
      localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // private mode: the choice lasts for this page only
    }
    document.documentElement.lang = next;
    setLangState(next);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (zh, en) => (lang === 'en' ? en : zh),
      l: (text) => (text ? text[lang] : ''),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
