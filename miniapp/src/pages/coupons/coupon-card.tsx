import { Text, View } from '@tarojs/components';
import type { CouponTemplateSummary } from '@memberloop/shared';
import type { ReactNode } from 'react';
import { couponFace } from '../../lib/coupons';

interface CouponCardProps {
  template: CouponTemplateSummary;
  /** Lines under the name (validity, stores). */
  lines: string[];
  /** The right-hand side: a status or a button. */
  aside?: ReactNode;
  dimmed?: boolean;
  onClick?: () => void;
  testId?: string;
}

/** A coupon as a ticket: value and condition on the left, name and validity, and an action. */
export function CouponCard({ template, lines, aside, dimmed, onClick, testId }: CouponCardProps) {
  const face = couponFace(template);
  return (
    <View className={dimmed ? 'coupon coupon--dimmed' : 'coupon'} onClick={onClick} data-testid={testId}>
      <View className="coupon__face">
        <Text className="coupon__value" data-testid="coupons-item-value">
          {face.value}
        </Text>
        <Text className="coupon__condition">{face.condition}</Text>
      </View>
      <View className="coupon__body">
        <Text className="coupon__name" data-testid="coupons-item-name">
          {template.name}
        </Text>
        {lines.map((line) => (
          <Text className="muted" key={line}>
            {line}
          </Text>
        ))}
      </View>
      {aside ? <View className="coupon__aside">{aside}</View> : null}
    </View>
  );
}
