import type { ClaimableCoupon, Coupon, CouponTemplateSummary } from '@memberloop/shared';
import { formatDate } from './format';

/** 20000 → "200", 19950 → "199.5", 1 → "0.01": yuan without trailing zeros. */
export function shortYuan(fen: number): string {
  const whole = Math.floor(fen / 100);
  const cents = fen % 100;
  if (cents === 0) return String(whole);
  return `${whole}.${String(cents).padStart(2, '0').replace(/0$/, '')}`;
}

/** percent off → 折: 20 → "8折", 15 → "8.5折", 5 → "9.5折". */
export function discountLabel(percentOff: number): string {
  const tenths = 100 - percentOff; // e.g. 85 → 8.5折
  return `${tenths % 10 === 0 ? tenths / 10 : (tenths / 10).toFixed(1)}折`;
}

export function thresholdText(thresholdFen: number): string {
  return thresholdFen > 0 ? `满${shortYuan(thresholdFen)}元可用` : '无门槛';
}

/** The big figure on a coupon and the line under it. */
export function couponFace(template: CouponTemplateSummary): { value: string; condition: string } {
  switch (template.kind) {
    case 'cash_off':
      return { value: `¥${shortYuan(template.valueFen ?? 0)}`, condition: thresholdText(template.thresholdFen) };
    case 'percent_off': {
      const cap = template.capFen !== null ? `，最多减${shortYuan(template.capFen)}元` : '';
      return { value: discountLabel(template.percentOff ?? 0), condition: `${thresholdText(template.thresholdFen)}${cap}` };
    }
    case 'gift':
    default:
      return { value: '赠品', condition: template.giftName ? `凭券领取${template.giftName}` : '凭券领取赠品' };
  }
}

/** "2026-11-01 至 2026-12-31": validUntil is exclusive, so the last day is the instant before it. */
export function validityText(coupon: Pick<Coupon, 'validFrom' | 'validUntil'>): string {
  const last = new Date(Date.parse(coupon.validUntil) - 1);
  return `${formatDate(coupon.validFrom)} 至 ${formatDate(last)}`;
}

/** What a template's validity will be once taken. */
export function templateValidityText(template: CouponTemplateSummary): string {
  if (template.validityMode === 'relative' && template.validDays) return `领取后 ${template.validDays} 天内有效`;
  if (template.validFrom && template.validUntil) return validityText({ validFrom: template.validFrom, validUntil: template.validUntil });
  return '';
}

export function storesText(template: CouponTemplateSummary): string {
  return template.storeIds === null ? '全部门店可用' : '指定门店可用';
}

export const COUPON_STATUS_LABEL: Record<Coupon['status'], string> = {
  available: '可使用',
  redeemed: '已使用',
  expired: '已过期',
  revoked: '已作废',
};

export type ClaimAction =
  | { kind: 'claim'; label: string }
  | { kind: 'exchange'; label: string; points: number }
  | { kind: 'none'; label: string };

/** The button of a coupon in the coupon centre. */
export function claimAction(entry: ClaimableCoupon): ClaimAction {
  if (!entry.canClaim) {
    if (entry.reason === 'COUPON_OUT_OF_STOCK') return { kind: 'none', label: '已领完' };
    if (entry.reason === 'COUPON_LIMIT_REACHED') return { kind: 'none', label: '已领取' };
    return { kind: 'none', label: '暂不可领' };
  }
  const price = entry.template.pointsPrice;
  if (price !== null) return { kind: 'exchange', label: `${price}积分兑换`, points: price };
  return { kind: 'claim', label: '立即领取' };
}
