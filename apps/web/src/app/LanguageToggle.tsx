import { Segmented } from 'antd';
import { useI18n, type Lang } from '../i18n/i18n.js';

export function LanguageToggle() {
  const { lang, setLang } = useI18n();
  return (
    <Segmented<Lang>
      size="small"
      value={lang}
      onChange={setLang}
      data-testid="language-toggle"
      options={[
        { value: 'zh-CN', label: '中文' },
        { value: 'en', label: 'EN' },
      ]}
    />
  );
}
