import { Button, Switch, Text, View } from '@tarojs/components';
import type { MemberProfile } from '@memberloop/shared';
import Taro from '@tarojs/taro';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, isApiError, messageOf } from '../../api';
import { StatusView } from '../../components/status-view';
import { displayPhone, formatDate, formatDateTime, joinSourceLabel, shortMemberId } from '../../lib/format';
import { ROUTES } from '../../routes';
import './index.scss';

type LoadState =
  | { kind: 'loading' }
  | { kind: 'ready'; member: MemberProfile }
  /**
   * This WeChat user is not a member (yet, or any more): the implicit sign-in, which never joins,
   * or GET /members/me answered MEMBER_NOT_FOUND. Joining happens on the join page.
   */
  | { kind: 'empty' }
  | { kind: 'error'; message: string };

export default function MemberCenterPage() {
  const [state, setState] = useState<LoadState>({ kind: 'loading' });
  const [consentSaving, setConsentSaving] = useState(false);
  const [consentError, setConsentError] = useState<string | null>(null);
  // The switch position while a change is on its way, so the switch moves at once.
  const [pendingConsent, setPendingConsent] = useState<boolean | null>(null);
  const mounted = useRef(true);

  const load = useCallback(async () => {
    setState({ kind: 'loading' });
    try {
      const member = await api.getMe();
      if (mounted.current) setState({ kind: 'ready', member });
    } catch (error) {
      if (!mounted.current) return;
      if (isApiError(error) && error.code === 'MEMBER_NOT_FOUND') setState({ kind: 'empty' });
      else setState({ kind: 'error', message: messageOf(error) });
    }
  }, []);

  useEffect(() => {
    mounted.current = true;
    void load();
    return () => {
      mounted.current = false;
    };
  }, [load]);

  async function changeConsent(granted: boolean) {
    if (state.kind !== 'ready' || consentSaving) return;
    setConsentSaving(true);
    setConsentError(null);
    setPendingConsent(granted);
    try {
      const member = await api.setMarketingConsent(granted);
      if (!mounted.current) return;
      setState({ kind: 'ready', member });
      void Taro.showToast({ title: granted ? '已开启营销消息' : '已关闭营销消息', icon: 'none' });
    } catch (error) {
      if (mounted.current) setConsentError(messageOf(error));
    } finally {
      if (mounted.current) {
        setPendingConsent(null);
        setConsentSaving(false);
      }
    }
  }

  if (state.kind === 'loading') {
    return (
      <View className="page">
        <StatusView kind="loading" text="正在加载会员信息…" />
      </View>
    );
  }
  if (state.kind === 'error') {
    return (
      <View className="page">
        <StatusView kind="error" text={state.message} action={{ label: '重试', onClick: () => void load() }} />
      </View>
    );
  }
  if (state.kind === 'empty') {
    return (
      <View className="page">
        <StatusView
          kind="empty"
          text="您还不是会员，加入即可享受积分与专属优惠"
          action={{ label: '立即加入', onClick: () => void Taro.navigateTo({ url: ROUTES.join }) }}
        />
      </View>
    );
  }

  const { member } = state;
  const consent = member.marketingConsent;
  const switchOn = pendingConsent ?? consent.granted;

  return (
    <View className="page home">
      <View className="member-card">
        <View className="member-card__top">
          <Text className="member-card__brand">会员卡</Text>
          {member.status === 'disabled' ? <Text className="member-card__badge">已停用</Text> : null}
        </View>
        <Text className="member-card__name">{member.nickname || '尊敬的会员'}</Text>
        <Text className="member-card__no">NO. {shortMemberId(member.id)}</Text>
      </View>

      <View className="card">
        <View className="row">
          <Text className="row__label">手机号</Text>
          <Text className="row__value" data-testid="member-phone">
            {displayPhone(member.phone, 'self')}
          </Text>
        </View>
        <View className="row">
          <Text className="row__label">入会日期</Text>
          <Text className="row__value">{formatDate(member.joinedAt)}</Text>
        </View>
        <View className="row">
          <Text className="row__label">入会方式</Text>
          <Text className="row__value">{joinSourceLabel(member.joinSource)}</Text>
        </View>
      </View>

      <View className="card">
        <View className="row row--switch">
          <View className="row__main">
            <Text className="row__label-strong">营销消息</Text>
            <Text className="muted">接收新品、活动与优惠券提醒</Text>
          </View>
          <Switch
            checked={switchOn}
            disabled={consentSaving}
            color="#b8862b"
            aria-label="营销消息"
            onChange={(event) => void changeConsent(event.detail.value)}
          />
        </View>
        <Text className="muted consent__time" data-testid="consent-time">
          {consent.changedAt
            ? `${consent.granted ? '已开启' : '已关闭'} · 更新于 ${formatDateTime(consent.changedAt)}`
            : '尚未设置'}
        </Text>
        {consentError ? <Text className="consent__error">{consentError}</Text> : null}
      </View>

      <Button className="btn btn--plain" onClick={() => void load()}>
        刷新
      </Button>
    </View>
  );
}
