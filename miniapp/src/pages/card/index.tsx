import { Button, Text, View } from '@tarojs/components';
import type { MemberCard, MemberProfile, MemberTier, PointsSummary } from '@memberloop/shared';
import Taro, { useRouter } from '@tarojs/taro';
import { api } from '../../api';
import { BarcodeView } from '../../components/barcode-view';
import { LoadGate } from '../../components/load-gate';
import { QrView } from '../../components/qr-view';
import { displayPhone } from '../../lib/format';
import { growthText, tierName } from '../../lib/tier';
import { useLoader } from '../../lib/use-loader';
import { ROUTES } from '../../routes';
import { groupDigits } from './card-code';
import { useRotatingCard } from './use-rotating-card';
import './index.scss';

interface CardPageData {
  member: MemberProfile;
  card: MemberCard;
  /** null when it could not be loaded: the card still works without it. */
  points: PointsSummary | null;
  tier: MemberTier | null;
}

async function loadCardPage(): Promise<CardPageData> {
  // The profile first: it signs in (once) and tells a non-member apart before anything else.
  const member = await api.getMe();
  const [card, points, tier] = await Promise.all([
    api.getCard(),
    api.getPoints().catch(() => null),
    api.getTier().catch(() => null),
  ]);
  return { member, card, points, tier };
}

export default function CardPage() {
  const { state, reload } = useLoader(loadCardPage, { refreshOnShow: true });
  const welcome = useRouter().params.welcome === '1';
  return (
    <LoadGate state={state} testId="card" loadingText="正在加载会员卡…" onRetry={() => void reload()}>
      {(data) => <MemberCardView data={data} welcome={welcome} />}
    </LoadGate>
  );
}

function MemberCardView({ data, welcome }: { data: CardPageData; welcome: boolean }) {
  const { member, points, tier } = data;
  const { card, status, refreshNow } = useRotatingCard(data.card, () => api.getCard());

  return (
    <View className="page card-page">
      {welcome ? (
        <View className="card-page__welcome" data-testid="card-welcome" role="status">
          <Text>欢迎加入会员！出示下方会员码即可积分、用券。</Text>
        </View>
      ) : null}

      <View className="member-card">
        <View className="member-card__top">
          <Text className="member-card__brand">会员卡</Text>
          <Text className="member-card__badge" data-testid="card-tier-name" onClick={() => void Taro.navigateTo({ url: ROUTES.tier })}>
            {tierName(tier)}
          </Text>
        </View>
        <Text className="member-card__name">{member.nickname || '尊敬的会员'}</Text>
        <Text className="member-card__no" data-testid="card-member-no">
          NO. {member.memberNo}
        </Text>
        <View className="member-card__points" onClick={() => void Taro.switchTab({ url: ROUTES.points })}>
          <Text className="member-card__points-label">积分</Text>
          <Text className="member-card__points-value" data-testid="card-points-balance">
            {points ? points.balance : '—'}
          </Text>
        </View>
        {member.status === 'disabled' ? <Text className="member-card__badge">已停用</Text> : null}
      </View>

      <View className="card code-panel" data-testid="card-code-panel">
        <Text className="code-panel__hint">向店员出示会员码，积分、用券一步完成</Text>
        <View className={status === 'failed' ? 'code-panel__codes code-panel__codes--stale' : 'code-panel__codes'}>
          <BarcodeView value={card.code} testId="card-barcode" />
          <View className="code-panel__qr">
            <QrView value={card.code} size={360} testId="card-qr" />
          </View>
        </View>
        <Text className="code-panel__digits" data-testid="card-code">
          {groupDigits(card.code)}
        </Text>
        {status === 'failed' ? (
          <View className="code-panel__error" role="alert" data-testid="card-code-error">
            <Text>会员码更新失败，请检查网络后点击刷新</Text>
          </View>
        ) : (
          <Text className="muted">每 30 秒自动更新 · 仅限本人使用</Text>
        )}
        <Button className="btn btn--plain code-panel__refresh" loading={status === 'refreshing'} onClick={refreshNow} data-testid="card-refresh">
          刷新会员码
        </Button>
      </View>

      <View className="card">
        <View className="row">
          <Text className="row__label">手机号</Text>
          <Text className="row__value" data-testid="card-phone">
            {displayPhone(member.phone, 'self')}
          </Text>
        </View>
        {!member.phone ? (
          <View className="row row--link" onClick={() => void Taro.switchTab({ url: ROUTES.profile })} data-testid="card-bind-phone">
            <Text className="row__label">绑定手机号，积分、权益不丢失</Text>
            <Text className="row__chevron">去绑定 ›</Text>
          </View>
        ) : null}
      </View>

      <View className="card quick-links">
        <View className="quick-links__item" data-testid="card-link-coupons" onClick={() => void Taro.navigateTo({ url: ROUTES.coupons })}>
          <Text className="quick-links__title">优惠券</Text>
          <Text className="muted">领券 · 用券</Text>
        </View>
        <View className="quick-links__item" data-testid="card-link-tier" onClick={() => void Taro.navigateTo({ url: ROUTES.tier })}>
          <Text className="quick-links__title">会员等级</Text>
          <Text className="muted">{tier?.nextLevel ? `距${tier.nextLevel.name}差${growthText(tier.basis, tier.nextLevel.remaining)}` : '等级权益'}</Text>
        </View>
        <View className="quick-links__item" data-testid="card-link-exchanges" onClick={() => void Taro.navigateTo({ url: ROUTES.mallExchanges })}>
          <Text className="quick-links__title">兑换记录</Text>
          <Text className="muted">提货码 · 物流</Text>
        </View>
      </View>
    </View>
  );
}
