import { Button, Text, View } from '@tarojs/components';
import Taro, { useRouter } from '@tarojs/taro';
import { api } from '../../api';
import { LoadGate } from '../../components/load-gate';
import { QrView } from '../../components/qr-view';
import { COUPON_STATUS_LABEL, couponFace, storesText, validityText } from '../../lib/coupons';
import { formatDateTime } from '../../lib/format';
import { useLoader } from '../../lib/use-loader';
import { groupDigits } from '../card/card-code';
import './index.scss';

/** One coupon with its code, as a QR code and as text, to show at the counter. */
export default function CouponDetailPage() {
  const id = useRouter().params.id ?? '';
  const loader = useLoader(() => api.getMyCoupon(id));
  return (
    <LoadGate state={loader.state} testId="coupon-detail" loadingText="正在加载券码…" onRetry={() => void loader.reload()}>
      {(coupon) => {
        const face = couponFace(coupon.template);
        const usable = coupon.status === 'available';
        return (
          <View className="page">
            <View className="card coupon-detail">
              <Text className="coupon-detail__face">{face.value}</Text>
              <Text className="row__label-strong" data-testid="coupon-detail-name">
                {coupon.template.name}
              </Text>
              <Text className="muted">{face.condition}</Text>
              <Text className={usable ? 'badge badge--ok' : 'badge badge--muted'} data-testid="coupon-detail-status">
                {COUPON_STATUS_LABEL[coupon.status]}
              </Text>
              {usable ? (
                <View className="code-panel__qr">
                  <QrView value={coupon.code} size={400} testId="coupon-detail-qr" />
                </View>
              ) : null}
              <Text className="big-code" data-testid="coupon-detail-code">
                {groupDigits(coupon.code)}
              </Text>
              {usable ? <Text className="muted">结账时请向店员出示此券码</Text> : null}
              {usable ? (
                <Button
                  className="btn btn--plain btn--small"
                  onClick={() => void Taro.setClipboardData({ data: coupon.code })}
                  data-testid="coupon-detail-copy"
                >
                  复制券码
                </Button>
              ) : null}
            </View>
            <View className="card">
              <View className="row">
                <Text className="row__label">有效期</Text>
                <Text className="row__value" data-testid="coupon-detail-validity">
                  {validityText(coupon)}
                </Text>
              </View>
              <View className="row">
                <Text className="row__label">适用门店</Text>
                <Text className="row__value">{storesText(coupon.template)}</Text>
              </View>
              {coupon.template.stackable ? (
                <View className="row">
                  <Text className="row__label">叠加</Text>
                  <Text className="row__value">可与其他可叠加券同时使用</Text>
                </View>
              ) : null}
              {coupon.redeemedAt ? (
                <View className="row">
                  <Text className="row__label">使用时间</Text>
                  <Text className="row__value">{formatDateTime(coupon.redeemedAt)}</Text>
                </View>
              ) : null}
              {coupon.template.description ? (
                <View className="row">
                  <Text className="row__label">说明</Text>
                  <Text className="row__value">{coupon.template.description}</Text>
                </View>
              ) : null}
            </View>
          </View>
        );
      }}
    </LoadGate>
  );
}
