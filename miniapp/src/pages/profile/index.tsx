import { Button, Input, Picker, Switch, Text, View } from '@tarojs/components';
import type { MemberProfile, MemberTier } from '@memberloop/shared';
import Taro from '@tarojs/taro';
import { useRef, useState } from 'react';
import { api, devPhoneCode, messageOf } from '../../api';
import { LoadGate } from '../../components/load-gate';
import { displayPhone, formatDate, formatDateTime, joinSourceLabel } from '../../lib/format';
import { tierName } from '../../lib/tier';
import { useLoader } from '../../lib/use-loader';
import { ROUTES } from '../../routes';
import { checkBirthday, checkPhone, phoneButtonCode } from './profile-logic';
import './index.scss';

interface ProfileData {
  member: MemberProfile;
  tier: MemberTier | null;
}

async function loadProfile(): Promise<ProfileData> {
  const member = await api.getMe();
  const tier = await api.getTier().catch(() => null);
  return { member, tier };
}

/** 我的: phone, birthday, marketing consent, the member's data, and the way to the other pages. */
export default function ProfilePage() {
  const loader = useLoader(loadProfile, { refreshOnShow: true });
  return (
    <LoadGate state={loader.state} testId="profile" loadingText="正在加载会员信息…" onRetry={() => void loader.reload()}>
      {(data) => <ProfileView data={data} onMember={(member) => loader.update((current) => ({ ...current, member }))} />}
    </LoadGate>
  );
}

const COMING_SOON = {
  export: { title: '导出我的数据', content: '导出个人数据的功能即将推出。在此之前如需副本，请联系品牌客服。' },
  delete: { title: '注销会员', content: '在线注销会员的功能即将推出。在此之前如需注销，请联系品牌客服。' },
} as const;

function ProfileView({ data, onMember }: { data: ProfileData; onMember: (member: MemberProfile) => void }) {
  const { member, tier } = data;
  return (
    <View className="page profile-page">
      <View className="member-card profile-head">
        <Text className="member-card__brand">{tierName(tier)}</Text>
        <Text className="member-card__name" data-testid="profile-name">
          {member.nickname || '尊敬的会员'}
        </Text>
        <Text className="member-card__no">NO. {member.memberNo}</Text>
      </View>

      <View className="card">
        <PhoneRow member={member} onMember={onMember} />
        <BirthdayRow member={member} onMember={onMember} />
        <View className="row">
          <Text className="row__label">入会日期</Text>
          <Text className="row__value">{formatDate(member.joinedAt)}</Text>
        </View>
        <View className="row">
          <Text className="row__label">入会方式</Text>
          <Text className="row__value">{joinSourceLabel(member.joinSource)}</Text>
        </View>
      </View>

      <ConsentCard member={member} onMember={onMember} />

      <View className="card">
        <Link testId="profile-link-messages" label="消息中心" onClick={() => void Taro.navigateTo({ url: ROUTES.messages })} />
        <Link testId="profile-link-coupons" label="我的优惠券" onClick={() => void Taro.navigateTo({ url: ROUTES.coupons })} />
        <Link testId="profile-link-tier" label="会员等级与权益" onClick={() => void Taro.navigateTo({ url: ROUTES.tier })} />
        <Link testId="profile-link-exchanges" label="积分商城兑换记录" onClick={() => void Taro.navigateTo({ url: ROUTES.mallExchanges })} />
      </View>

      <View className="card">
        <Text className="section-title">我的数据</Text>
        {(['export', 'delete'] as const).map((kind) => (
          <View
            key={kind}
            className="row row--link row--soon"
            aria-disabled
            data-testid={`profile-${kind}`}
            onClick={() => void Taro.showModal({ title: COMING_SOON[kind].title, content: COMING_SOON[kind].content, showCancel: false, confirmText: '知道了' })}
          >
            <Text className="row__label">{COMING_SOON[kind].title}</Text>
            <Text className="badge badge--muted">即将推出</Text>
          </View>
        ))}
      </View>

      <View className="card">
        <Link testId="profile-link-clerk" label="店员入口" onClick={() => void Taro.navigateTo({ url: ROUTES.clerkScan })} />
      </View>
    </View>
  );
}

function Link({ label, onClick, testId }: { label: string; onClick: () => void; testId: string }) {
  return (
    <View className="row row--link" onClick={onClick} data-testid={testId}>
      <Text className="row__label">{label}</Text>
      <Text className="row__chevron">›</Text>
    </View>
  );
}

type Save = { kind: 'idle' } | { kind: 'busy' } | { kind: 'error'; message: string };

/** The phone: WeChat's phone-number button in weapp; in H5 a form that gets the code from the fake WeChat server. */
function PhoneRow({ member, onMember }: { member: MemberProfile; onMember: (member: MemberProfile) => void }) {
  const [save, setSave] = useState<Save>({ kind: 'idle' });
  const [typed, setTyped] = useState('');
  const [editing, setEditing] = useState(false);
  const busy = useRef(false);

  async function bind(getCode: () => Promise<string>) {
    if (busy.current) return;
    busy.current = true;
    setSave({ kind: 'busy' });
    try {
      const updated = await api.bindPhone(await getCode());
      onMember(updated);
      setSave({ kind: 'idle' });
      setEditing(false);
      setTyped('');
      void Taro.showToast({ title: '手机号已绑定', icon: 'success' });
    } catch (error) {
      setSave({ kind: 'error', message: messageOf(error) });
    } finally {
      busy.current = false;
    }
  }

  function onPhoneButton(detail: { code?: string; errMsg?: string }) {
    const checked = phoneButtonCode(detail);
    if (!checked.ok) {
      setSave({ kind: 'error', message: checked.error });
      return;
    }
    void bind(async () => checked.value);
  }

  function submitTyped() {
    const checked = checkPhone(typed);
    if (!checked.ok) {
      setSave({ kind: 'error', message: checked.error });
      return;
    }
    void bind(() => devPhoneCode(checked.value));
  }

  const label = member.phone ? '更换' : '绑定手机号';
  return (
    <View className="field" data-testid="profile-phone-row">
      <View className="row">
        <Text className="row__label">手机号</Text>
        <Text className="row__value" data-testid="profile-phone">
          {displayPhone(member.phone, 'self')}
        </Text>
        {process.env.TARO_ENV === 'weapp' ? (
          <Button
            className="btn btn--plain btn--small"
            openType="getPhoneNumber"
            loading={save.kind === 'busy'}
            onGetPhoneNumber={(event) => onPhoneButton(event.detail)}
            data-testid="profile-bind-phone"
          >
            {label}
          </Button>
        ) : (
          <Text className="row__chevron" onClick={() => setEditing((on) => !on)} data-testid="profile-bind-phone">
            {editing ? '收起' : label}
          </Text>
        )}
      </View>
      {process.env.TARO_ENV !== 'weapp' && editing ? (
        <View className="profile-inline">
          <Input className="field__input" type="number" maxlength={20} value={typed} placeholder="手机号（开发环境模拟微信授权）" onInput={(e) => setTyped(e.detail.value)} data-testid="profile-phone-input" />
          <Button className="btn btn--primary btn--small" loading={save.kind === 'busy'} onClick={submitTyped} data-testid="profile-phone-submit">
            确认
          </Button>
        </View>
      ) : null}
      {save.kind === 'error' ? (
        <Text className="field__error" data-testid="profile-phone-error">
          {save.message}
        </Text>
      ) : null}
    </View>
  );
}

/** The birthday: a date picker in weapp; a typed YYYY-MM-DD in H5. */
function BirthdayRow({ member, onMember }: { member: MemberProfile; onMember: (member: MemberProfile) => void }) {
  const [save, setSave] = useState<Save>({ kind: 'idle' });
  const [typed, setTyped] = useState(member.birthday ?? '');
  const [editing, setEditing] = useState(false);
  const busy = useRef(false);
  const today = formatDate(new Date());

  async function store(input: string) {
    const checked = checkBirthday(input, new Date());
    if (!checked.ok) {
      setSave({ kind: 'error', message: checked.error });
      return;
    }
    if (busy.current) return;
    busy.current = true;
    setSave({ kind: 'busy' });
    try {
      onMember(await api.updateProfile({ birthday: checked.value }));
      setSave({ kind: 'idle' });
      setEditing(false);
      void Taro.showToast({ title: '生日已保存', icon: 'success' });
    } catch (error) {
      setSave({ kind: 'error', message: messageOf(error) });
    } finally {
      busy.current = false;
    }
  }

  return (
    <View className="field" data-testid="profile-birthday-row">
      <View className="row">
        <Text className="row__label">生日</Text>
        <Text className="row__value" data-testid="profile-birthday">
          {member.birthday ?? '未设置'}
        </Text>
        {process.env.TARO_ENV === 'weapp' ? (
          <Picker mode="date" value={member.birthday ?? '1995-01-01'} start="1900-01-01" end={today} onChange={(e) => void store(String(e.detail.value))} data-testid="profile-birthday-picker">
            <Text className="row__chevron">{member.birthday ? '修改' : '设置'} ›</Text>
          </Picker>
        ) : (
          <Text className="row__chevron" onClick={() => setEditing((on) => !on)} data-testid="profile-birthday-edit">
            {editing ? '收起' : member.birthday ? '修改' : '设置'}
          </Text>
        )}
      </View>
      {process.env.TARO_ENV !== 'weapp' && editing ? (
        <View className="profile-inline">
          <Input className="field__input" value={typed} placeholder="YYYY-MM-DD" maxlength={10} onInput={(e) => setTyped(e.detail.value)} data-testid="profile-birthday-input" />
          <Button className="btn btn--primary btn--small" loading={save.kind === 'busy'} onClick={() => void store(typed)} data-testid="profile-birthday-save">
            保存
          </Button>
        </View>
      ) : null}
      {save.kind === 'error' ? (
        <Text className="field__error" data-testid="profile-birthday-error">
          {save.message}
        </Text>
      ) : null}
      <Text className="muted">生日当月可享生日礼遇</Text>
    </View>
  );
}

/** Marketing consent on/off, with when it last changed. */
function ConsentCard({ member, onMember }: { member: MemberProfile; onMember: (member: MemberProfile) => void }) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The switch position while a change is on its way, so the switch moves at once.
  const [pending, setPending] = useState<boolean | null>(null);
  const consent = member.marketingConsent;

  async function change(granted: boolean) {
    if (saving) return;
    setSaving(true);
    setError(null);
    setPending(granted);
    try {
      onMember(await api.setMarketingConsent(granted));
      void Taro.showToast({ title: granted ? '已开启营销消息' : '已关闭营销消息', icon: 'none' });
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setPending(null);
      setSaving(false);
    }
  }

  return (
    <View className="card">
      <View className="row row--switch">
        <View className="row__main">
          <Text className="row__label-strong">营销消息</Text>
          <Text className="muted">接收新品、活动与优惠券提醒</Text>
        </View>
        <Switch
          checked={pending ?? consent.granted}
          disabled={saving}
          color="#b8862b"
          aria-label="营销消息"
          onChange={(event) => void change(event.detail.value)}
          data-testid="profile-consent-switch"
        />
      </View>
      <Text className="muted consent__time" data-testid="profile-consent-time">
        {consent.changedAt ? `${consent.granted ? '已开启' : '已关闭'} · 更新于 ${formatDateTime(consent.changedAt)}` : '尚未设置'}
      </Text>
      {error ? (
        <Text className="consent__error" data-testid="profile-consent-error">
          {error}
        </Text>
      ) : null}
    </View>
  );
}
