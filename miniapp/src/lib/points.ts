import type { PointEntry } from '@memberloop/shared';
import { formatDate } from './format';

const BY_SOURCE: Record<string, string | ((entry: PointEntry) => string)> = {
  checkin: '每日签到',
  order: '消费得积分',
  refund: '退款扣回积分',
  mall_exchange: (entry) => (entry.amount > 0 ? '兑换取消，积分退回' : '积分商城兑换'),
  mall_exchange_cancel: '兑换取消，积分退回',
  coupon: '积分兑换优惠券',
  // a spend undone (a cancelled exchange): the reason says which
  redemption: '积分退回',
  lot: '积分过期',
  operator: '积分调整',
  referral_inviter: '邀请好友奖励',
  referral_invitee: '受邀入会奖励',
  debt: '抵扣待还积分',
};

const BY_TYPE: Record<PointEntry['type'], string> = {
  earn: '获得积分',
  redeem: '使用积分',
  expire: '积分过期',
  adjust: '积分调整',
  reverse: '积分冲正',
};

const HAS_CHINESE = /[\u4e00-\u9fff]/;

/** What happened, in a few Chinese words: by what caused it, else by the kind of entry. */
export function entryTitle(entry: PointEntry): string {
  const bySource = BY_SOURCE[entry.sourceType];
  if (typeof bySource === 'function') return bySource(entry);
  return bySource ?? BY_TYPE[entry.type] ?? '积分变动';
}

/**
 * The reason the server recorded, when it says more than the title: only reasons written in
 * Chinese (purchases, mall items, an operator's note); system reasons in English are left out.
 */
export function entryDetail(entry: PointEntry): string {
  const reason = entry.reason.trim();
  return reason && HAS_CHINESE.test(reason) && reason !== entryTitle(entry) ? reason : '';
}

/** "+5" / "-500" */
export function signedPoints(amount: number): string {
  return amount > 0 ? `+${amount}` : String(amount);
}

/**
 * Whether the member checked in today (China time), judged from their newest entries: the
 * server has no "checked in" flag, and answers ALREADY_CHECKED_IN to a second check-in.
 */
export function checkedInToday(entries: readonly PointEntry[], now: Date): boolean {
  const today = formatDate(now);
  return entries.some((entry) => entry.sourceType === 'checkin' && entry.amount > 0 && formatDate(entry.createdAt) === today);
}
