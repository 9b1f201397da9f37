import type { GrowthBasis, MemberTier, TierBenefits } from '@memberloop/shared';
import { discountLabel, shortYuan } from './coupons';

/** A growth value in words: fen as yuan for the spend basis, points otherwise. */
export function growthText(basis: GrowthBasis, value: number): string {
  return basis === 'spend' ? `¥${shortYuan(value)}` : `${value} 积分`;
}

/** What reaching a tier takes. */
export function thresholdText(basis: GrowthBasis, threshold: number, windowDays: number): string {
  if (threshold === 0) return '入会即享';
  return basis === 'spend' ? `近 ${windowDays} 天累计消费满 ¥${shortYuan(threshold)}` : `近 ${windowDays} 天累计获得 ${threshold} 积分`;
}

/** "×1.5" from 1500 permille. */
export function multiplierText(permille: number): string {
  const value = permille / 1000;
  return `×${Number.isInteger(value) ? value : value.toFixed(2).replace(/0$/, '')}`;
}

/** The benefits of a tier, one line each. */
export function benefitLines(benefits: TierBenefits): string[] {
  const lines: string[] = [];
  lines.push(benefits.pointsMultiplierPermille === 1000 ? '消费积分 ×1' : `消费积分 ${multiplierText(benefits.pointsMultiplierPermille)}`);
  if (benefits.discountPercent > 0) lines.push(`门店消费 ${discountLabel(benefits.discountPercent)}`);
  if (benefits.birthdayCouponTemplateId) lines.push('生日礼券');
  if (benefits.freeShipping) lines.push('积分商城包邮');
  return lines;
}

export interface TierProgress {
  /** 0–100 */
  percent: number;
  text: string;
}

/** The tier's name, or a neutral word while the brand has set up no tiers (the server then names none). */
export function tierName(tier: Pick<MemberTier, 'effectiveName'> | null | undefined): string {
  return tier?.effectiveName || '会员';
}

/** True when the brand has a ladder of at least two levels to climb. */
export function hasLadder(tier: Pick<MemberTier, 'ladder'>): boolean {
  return tier.ladder.length > 1;
}

/** How far the member is from the next tier. */
export function tierProgress(tier: MemberTier): TierProgress {
  const next = tier.nextLevel;
  if (!hasLadder(tier)) return { percent: 0, text: '品牌暂未开放会员等级，敬请期待' };
  if (!next) return { percent: 100, text: '您已是最高等级，感谢一路相伴' };
  const current = tier.ladder.find((t) => t.level === tier.level)?.threshold ?? 0;
  const span = Math.max(1, next.threshold - current);
  const percent = Math.max(0, Math.min(100, Math.floor(((tier.growthValue - current) * 100) / span)));
  const verb = tier.basis === 'spend' ? '再消费' : '再获得';
  return { percent, text: `${verb} ${growthText(tier.basis, next.remaining)} 可升级为${next.name}` };
}
