import { Button, Text, View } from '@tarojs/components';
import type { ClaimableCoupon, CouponPage } from '@memberloop/shared';
import Taro, { useRouter } from '@tarojs/taro';
import { useEffect, useRef, useState } from 'react';
import { api, createActionKey, messageOf, runKeyed, type ActionKey } from '../../api';
import { LoadGate } from '../../components/load-gate';
import { StatusView } from '../../components/status-view';
import { claimAction, COUPON_STATUS_LABEL, storesText, templateValidityText, validityText } from '../../lib/coupons';
import { formatDateTime } from '../../lib/format';
import { requestSubscription, subscriptionMessage } from '../../lib/subscribe-message';
import { useLoader } from '../../lib/use-loader';
import { ROUTES, withQuery } from '../../routes';
import { CouponCard } from './coupon-card';
import './index.scss';

type Tab = 'available' | 'used' | 'expired' | 'claim';

const TABS: Array<{ key: Tab; label: string }> = [
  { key: 'available', label: '可使用' },
  { key: 'used', label: '已使用' },
  { key: 'expired', label: '已过期' },
  { key: 'claim', label: '领券中心' },
];

const EMPTY_TEXT: Record<Tab, string> = {
  available: '暂无可用的优惠券，去领券中心看看吧',
  used: '还没有使用过的优惠券',
  expired: '没有过期的优惠券',
  claim: '暂时没有可领取的优惠券',
};

type TabData = { tab: 'claim'; items: ClaimableCoupon[] } | { tab: Exclude<Tab, 'claim'>; page: CouponPage };

function isTab(value: unknown): value is Tab {
  return TABS.some((t) => t.key === value);
}

export default function CouponsPage() {
  const initial = useRouter().params.tab;
  const [tab, setTab] = useState<Tab>(isTab(initial) ? initial : 'available');
  const tabRef = useRef(tab);
  tabRef.current = tab;
  const loader = useLoader<TabData>(
    async () => {
      const current = tabRef.current;
      if (current === 'claim') return { tab: 'claim', items: await api.getClaimableCoupons() };
      return { tab: current, page: await api.getMyCoupons({ status: current, limit: 100 }) };
    },
    { refreshOnShow: true },
  );
  const firstRender = useRef(true);
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    void loader.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reload when the tab changes only
  }, [tab]);

  async function remindMe() {
    const result = await requestSubscription(['couponArrival', 'pointsExpiry']);
    void Taro.showToast({ title: subscriptionMessage(result), icon: 'none' });
  }

  return (
    <View className="page coupons-page">
      <View className="tabs" role="tablist">
        {TABS.map((t) => (
          <View
            key={t.key}
            className={t.key === tab ? 'tabs__item tabs__item--active' : 'tabs__item'}
            role="tab"
            aria-selected={t.key === tab}
            data-testid={`coupons-tab-${t.key}`}
            onClick={() => setTab(t.key)}
          >
            <Text>{t.label}</Text>
          </View>
        ))}
      </View>
      <Text className="coupons__subscribe" onClick={() => void remindMe()} data-testid="coupons-subscribe">
        到账与到期提醒 ›
      </Text>
      <LoadGate state={loader.state} testId="coupons" loadingText="正在加载优惠券…" inline onRetry={() => void loader.reload()}>
        {(data) =>
          data.tab !== tab ? (
            <StatusView kind="loading" text="正在加载优惠券…" testId="coupons-loading" />
          ) : data.tab === 'claim' ? (
            <ClaimCentre items={data.items} onChanged={() => void loader.refresh()} />
          ) : (
            <MyCoupons data={data} />
          )
        }
      </LoadGate>
    </View>
  );
}

function MyCoupons({ data }: { data: Extract<TabData, { page: CouponPage }> }) {
  if (data.page.items.length === 0) return <StatusView kind="empty" text={EMPTY_TEXT[data.tab]} testId="coupons-empty" />;
  return (
    <View data-testid="coupons-list">
      {data.page.items.map((coupon) => (
        <CouponCard
          key={coupon.id}
          testId="coupons-item"
          template={coupon.template}
          dimmed={coupon.status !== 'available'}
          lines={[
            coupon.status === 'redeemed' && coupon.redeemedAt ? `使用于 ${formatDateTime(coupon.redeemedAt)}` : validityText(coupon),
            storesText(coupon.template),
          ]}
          aside={
            coupon.status === 'available' ? (
              <Text className="badge">去使用</Text>
            ) : (
              <Text className="badge badge--muted">{COUPON_STATUS_LABEL[coupon.status]}</Text>
            )
          }
          onClick={() => void Taro.navigateTo({ url: withQuery(ROUTES.couponDetail, { id: coupon.id }) })}
        />
      ))}
    </View>
  );
}

function ClaimCentre({ items, onChanged }: { items: ClaimableCoupon[]; onChanged: () => void }) {
  const keys = useRef(new Map<string, ActionKey>());
  const [busy, setBusy] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  function keyOf(templateId: string): ActionKey {
    let key = keys.current.get(templateId);
    if (!key) {
      key = createActionKey();
      keys.current.set(templateId, key);
    }
    return key;
  }

  async function take(entry: ClaimableCoupon) {
    const action = claimAction(entry);
    if (action.kind === 'none' || busy) return;
    const { template } = entry;
    if (action.kind === 'exchange') {
      const { confirm } = await Taro.showModal({
        title: '确认兑换',
        content: `使用 ${action.points} 积分兑换「${template.name}」？`,
        confirmText: '兑换',
        cancelText: '再想想',
      });
      if (!confirm) return;
    }
    setBusy(template.id);
    setErrors(({ [template.id]: _dropped, ...rest }) => rest);
    try {
      if (action.kind === 'exchange') {
        const result = await runKeyed(keyOf(template.id), template.id, (key) => api.exchangeCoupon(template.id, key));
        void Taro.showToast({ title: `兑换成功，剩余 ${result.pointsBalance} 积分`, icon: 'none' });
      } else {
        await runKeyed(keyOf(template.id), template.id, (key) => api.claimCoupon(template.id, key));
        void Taro.showToast({ title: '领取成功', icon: 'success' });
      }
      onChanged();
    } catch (error) {
      setErrors((current) => ({ ...current, [template.id]: messageOf(error) }));
    } finally {
      setBusy(null);
    }
  }

  if (items.length === 0) return <StatusView kind="empty" text={EMPTY_TEXT.claim} testId="coupons-claim-empty" />;
  return (
    <View data-testid="coupons-claim-list">
      {items.map((entry) => {
        const action = claimAction(entry);
        const error = errors[entry.template.id];
        return (
          <View key={entry.template.id} data-testid="coupons-claimable-item">
            <CouponCard
              template={entry.template}
              dimmed={action.kind === 'none'}
              lines={[
                templateValidityText(entry.template),
                entry.remainingQuantity !== null ? `剩余 ${entry.remainingQuantity} 张` : storesText(entry.template),
              ].filter(Boolean)}
              aside={
                <Button
                  className={action.kind === 'none' ? 'btn btn--plain btn--small' : 'btn btn--primary btn--small'}
                  disabled={action.kind === 'none'}
                  loading={busy === entry.template.id}
                  onClick={() => void take(entry)}
                  data-testid="coupons-claim-button"
                >
                  {action.label}
                </Button>
              }
            />
            {error ? (
              <Text className="form-error" data-testid="coupons-claim-error">
                {error}
              </Text>
            ) : null}
          </View>
        );
      })}
    </View>
  );
}
