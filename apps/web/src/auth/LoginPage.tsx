import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { api, ApiError } from '../api/client.js';
import { LanguageToggle } from '../app/LanguageToggle.js';
import { navigate, useLocation } from '../app/router.js';
import { useI18n } from '../i18n/i18n.js';

export default function LoginPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async ({ username, password }: { username: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      await api.login(username.trim(), password);
      const back = search.get('next');
      navigate(back && back.startsWith('/') && !back.startsWith('/login') ? back : '/', { replace: true });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : t('无法连接服务器', 'Cannot reach the server'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="jx-login">
      <Card style={{ width: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center' }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('绩效自评工作台', 'Jixiao workbench')}
          </Typography.Title>
          <LanguageToggle />
        </div>
        <Typography.Paragraph type="secondary">{t('预算绩效自评报告的填报、审核与审计', 'Budget performance self-evaluation: drafting, review and audit')}</Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        <Form layout="vertical" onFinish={(values: { username: string; password: string }) => void submit(values)} requiredMark={false}>
          <Form.Item name="username" label={t('用户名', 'Username')} rules={[{ required: true, message: t('请输入用户名', 'Enter your username') }]}>
            <Input autoComplete="username" autoFocus data-testid="login-username" />
          </Form.Item>
          <Form.Item name="password" label={t('密码', 'Password')} rules={[{ required: true, message: t('请输入密码', 'Enter your password') }]}>
            <Input.Password autoComplete="current-password" data-testid="login-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="login-submit">
            {t('登录', 'Log in')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
