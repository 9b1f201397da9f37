import { Text, View } from '@tarojs/components';
import type { Coupon, MemberStaffView, MemberTier, PointsSummary } from '@memberloop/shared';
import { couponFace } from '../../../lib/coupons';
import { formatDate } from '../../../lib/format';
import { tierName } from '../../../lib/tier';

export interface ScannedMember {
  member: MemberStaffView;
  /** null when it could not be loaded; the clerk can still record the purchase. */
  tier: MemberTier | null;
  points: PointsSummary | null;
  coupons: Coupon[] | null;
}

interface MemberPanelProps {
  scanned: ScannedMember;
  /** Codes picked for the purchase being recorded. */
  selected: string[];
  onToggle(code: string): void;
  onRedeem(code: string): void;
}

/** Who was scanned: number, masked phone, tier, points and the coupons usable now at the clerk's stores. */
export function MemberPanel({ scanned, selected, onToggle, onRedeem }: MemberPanelProps) {
  const { member, tier, points, coupons } = scanned;
  return (
    <View className="card" data-testid="clerk-member">
      <Text className="section-title">会员信息</Text>
      <View className="row">
        <Text className="row__label">会员号</Text>
        <Text className="row__value" data-testid="clerk-member-no">
          {member.memberNo}
        </Text>
      </View>
      <View className="row">
        <Text className="row__label">手机号</Text>
        <Text className="row__value" data-testid="clerk-member-phone">
          {member.maskedPhone ?? '未绑定'}
        </Text>
      </View>
      <View className="row">
        <Text className="row__label">会员等级</Text>
        <Text className="row__value" data-testid="clerk-member-tier">
          {tier ? `${tierName(tier)}${tier.benefits.discountPercent > 0 ? `（会员折扣 ${100 - tier.benefits.discountPercent}%）` : ''}` : '—'}
        </Text>
      </View>
      <View className="row">
        <Text className="row__label">可用积分</Text>
        <Text className="row__value" data-testid="clerk-member-points">
          {points ? `${points.available}（共 ${points.balance}）` : '—'}
        </Text>
      </View>
      {member.status === 'disabled' ? <Text className="form-error">该会员资格已关闭</Text> : null}

      <Text className="section-title">可用优惠券</Text>
      {coupons === null ? (
        <Text className="muted">优惠券加载失败，可手动输入券码</Text>
      ) : coupons.length === 0 ? (
        <Text className="muted" data-testid="clerk-coupons-empty">
          暂无本店可用的优惠券
        </Text>
      ) : (
        <View data-testid="clerk-coupons">
          {coupons.map((coupon) => {
            const face = couponFace(coupon.template);
            const on = selected.includes(coupon.code);
            return (
              <View className="clerk-coupon" key={coupon.id} data-testid="clerk-coupon">
                <View className="clerk-coupon__main">
                  <Text className="list-item__title">
                    {coupon.template.name} · {face.value}
                  </Text>
                  <Text className="muted">
                    {face.condition} · 至 {formatDate(new Date(Date.parse(coupon.validUntil) - 1))}
                  </Text>
                  <Text className="muted">{coupon.code}</Text>
                </View>
                <View className="clerk-coupon__actions">
                  <Text
                    className={on ? 'clerk-coupon__toggle clerk-coupon__toggle--on' : 'clerk-coupon__toggle'}
                    onClick={() => onToggle(coupon.code)}
                    data-testid="clerk-coupon-select"
                  >
                    {on ? '✓ 用于本单' : '用于本单'}
                  </Text>
                  <Text className="clerk-coupon__toggle" onClick={() => onRedeem(coupon.code)} data-testid="clerk-coupon-redeem">
                    单独核销
                  </Text>
                </View>
              </View>
            );
          })}
        </View>
      )}
    </View>
  );
}
