import { Button, Text, View } from '@tarojs/components';
import type { CancelMallExchangeResult, MallExchange } from '@memberloop/shared';
import Taro, { useRouter } from '@tarojs/taro';
import { useRef } from 'react';
import { api, createActionKey, runKeyed } from '../../../api';
import { LoadGate } from '../../../components/load-gate';
import { QrView } from '../../../components/qr-view';
import { formatDate, formatDateTime } from '../../../lib/format';
import { EXCHANGE_STATUS_LABEL, FULFILMENT_LABEL } from '../../../lib/mall';
import { useConfirmedAction } from '../../../lib/use-confirmed-action';
import { useLoader } from '../../../lib/use-loader';
import { ROUTES } from '../../../routes';
import '../mall.scss';

/** One exchange: the pickup code to show at the store, the shipping status, the coupons issued; cancel while allowed. */
export default function MallExchangePage() {
  const id = useRouter().params.id ?? '';
  const loader = useLoader(() => api.getMyExchange(id));
  return (
    <LoadGate state={loader.state} testId="mall-exchange-detail" loadingText="正在加载兑换详情…" onRetry={() => void loader.reload()}>
      {(exchange) => <ExchangeView exchange={exchange} onChanged={(next) => loader.update(() => next)} />}
    </LoadGate>
  );
}

function ExchangeView({ exchange, onChanged }: { exchange: MallExchange; onChanged: (exchange: MallExchange) => void }) {
  const action = useConfirmedAction<CancelMallExchangeResult>();
  const key = useRef(createActionKey());

  async function cancel() {
    const result = await action.run(
      { title: '取消兑换', content: `取消后 ${exchange.pointsSpent} 积分将退回账户${exchange.coupons.length ? '，已发放的优惠券将作废' : ''}。确定取消吗？`, confirmText: '取消兑换' },
      () => runKeyed(key.current, exchange.id, (idempotencyKey) => api.cancelExchange(exchange.id, idempotencyKey)),
    );
    if (result) {
      void Taro.showToast({ title: `已取消，退回 ${result.pointsRestored} 积分`, icon: 'none' });
      onChanged(result.exchange);
    }
  }

  const { state } = action;
  const awaitingPickup = exchange.status === 'awaiting_pickup' && exchange.pickupCode;
  return (
    <View className="page" data-testid="mall-exchange-detail">
      <View className="card">
        <View className="mall-exchange__top">
          <Text className="mall-detail__name">
            {exchange.item.name} ×{exchange.quantity}
          </Text>
          <Text className={exchange.status === 'cancelled' ? 'badge badge--muted' : 'badge'} data-testid="mall-exchange-detail-status">
            {EXCHANGE_STATUS_LABEL[exchange.status]}
          </Text>
        </View>
        <Text className="muted">
          {exchange.pointsSpent} 积分{exchange.cashFen > 0 ? ` + ¥${(exchange.cashFen / 100).toFixed(2)}` : ''} · {FULFILMENT_LABEL[exchange.fulfilment]}
        </Text>
      </View>

      {awaitingPickup ? (
        <View className="card code-panel">
          <Text className="muted">到店后向店员出示提货码</Text>
          <View className="code-panel__qr">
            <QrView value={exchange.pickupCode!} size={360} testId="mall-exchange-detail-qr" />
          </View>
          <Text className="big-code" data-testid="mall-exchange-detail-pickup-code">
            {exchange.pickupCode}
          </Text>
          <Text className="muted">{exchange.pickupStoreId ? '请到您的入会门店提货' : '任意门店均可提货'}</Text>
        </View>
      ) : null}

      <View className="card">
        {exchange.pickedUpAt ? (
          <View className="row">
            <Text className="row__label">提货时间</Text>
            <Text className="row__value">{formatDateTime(exchange.pickedUpAt)}</Text>
          </View>
        ) : null}
        {exchange.shippingAddress ? (
          <View className="row">
            <Text className="row__label">收货地址</Text>
            <Text className="row__value" data-testid="mall-exchange-detail-address">
              {exchange.shippingAddress.name} {exchange.shippingAddress.phone} {exchange.shippingAddress.province}
              {exchange.shippingAddress.city}
              {exchange.shippingAddress.district}
              {exchange.shippingAddress.detail}
            </Text>
          </View>
        ) : null}
        {exchange.fulfilment === 'shipping' ? (
          <View className="row">
            <Text className="row__label">物流</Text>
            <Text className="row__value" data-testid="mall-exchange-detail-tracking">
              {exchange.trackingNo ? `运单号 ${exchange.trackingNo}` : exchange.status === 'cancelled' ? '—' : '商家发货后将显示运单号'}
            </Text>
          </View>
        ) : null}
        {exchange.coupons.map((coupon) => (
          <View className="row row--link" key={coupon.id} data-testid="mall-exchange-detail-coupon" onClick={() => void Taro.navigateTo({ url: ROUTES.coupons })}>
            <Text className="row__label">优惠券 {coupon.code}</Text>
            <Text className="row__chevron">至 {formatDate(new Date(Date.parse(coupon.validUntil) - 1))} ›</Text>
          </View>
        ))}
        <View className="row">
          <Text className="row__label">兑换时间</Text>
          <Text className="row__value">{formatDateTime(exchange.createdAt)}</Text>
        </View>
        {exchange.cancelledAt ? (
          <View className="row">
            <Text className="row__label">取消时间</Text>
            <Text className="row__value">{formatDateTime(exchange.cancelledAt)}</Text>
          </View>
        ) : null}
      </View>

      {state.kind === 'error' ? (
        <View className="notice" role="alert" data-testid="mall-exchange-cancel-error">
          <Text>{state.message}</Text>
        </View>
      ) : null}
      {state.kind === 'done' ? (
        <View className="notice" role="status" data-testid="mall-exchange-cancel-result">
          <Text>已取消兑换，{state.result.pointsRestored} 积分已退回，当前积分 {state.result.pointsBalance}</Text>
        </View>
      ) : null}
      {exchange.cancellable ? (
        <Button className="btn btn--plain" loading={state.kind === 'busy'} onClick={() => void cancel()} data-testid="mall-exchange-cancel">
          取消兑换
        </Button>
      ) : null}
      <Button className="btn btn--plain" onClick={() => void Taro.redirectTo({ url: ROUTES.mallExchanges })} data-testid="mall-exchange-all">
        全部兑换记录
      </Button>
    </View>
  );
}
