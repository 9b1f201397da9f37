import { Button, Input, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { api, messageOf, settings } from '../../../api';
import { ROUTES } from '../../../routes';
import '../clerk.scss';

/** Staff login: brand code, username and password. The staff token is kept apart from the member's. */
export default function ClerkLoginPage() {
  const [brandCode, setBrandCode] = useState(settings.brandCode);
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);

  useEffect(() => {
    if (api.staff.session()) void Taro.redirectTo({ url: ROUTES.clerkScan });
  }, []);

  async function submit() {
    if (inFlight.current) return;
    if (!brandCode.trim() || !username.trim() || !password) {
      setError('请填写品牌编码、账号和密码');
      return;
    }
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      await api.staff.login({ brandCode: brandCode.trim(), username: username.trim(), password });
      void Taro.showToast({ title: '登录成功', icon: 'success' });
      await Taro.redirectTo({ url: ROUTES.clerkScan });
    } catch (caught) {
      setError(messageOf(caught, 'staff'));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  return (
    <View className="page clerk-login" data-testid="clerk-login-page">
      <View className="card">
        <Text className="section-title">店员工作台</Text>
        <Text className="muted">扫码识别会员、记录消费、核销优惠券与积分商城提货</Text>
      </View>
      <View className="card">
        <View className="field">
          <Text className="field__label">品牌编码</Text>
          <Input className="field__input" value={brandCode} onInput={(e) => setBrandCode(e.detail.value)} data-testid="clerk-login-brand" />
        </View>
        <View className="field">
          <Text className="field__label">账号</Text>
          <Input className="field__input" value={username} placeholder="店员账号" onInput={(e) => setUsername(e.detail.value)} data-testid="clerk-login-username" />
        </View>
        <View className="field">
          <Text className="field__label">密码</Text>
          <Input
            className="field__input"
            password
            value={password}
            placeholder="密码"
            onInput={(e) => setPassword(e.detail.value)}
            onConfirm={() => void submit()}
            data-testid="clerk-login-password"
          />
        </View>
        {error ? (
          <View role="alert" data-testid="clerk-login-error">
            <Text className="form-error">{error}</Text>
          </View>
        ) : null}
      </View>
      <Button className="btn btn--primary" loading={busy} onClick={() => void submit()} data-testid="clerk-login-submit">
        <Text>{busy ? '正在登录…' : '登录'}</Text>
      </Button>
    </View>
  );
}
