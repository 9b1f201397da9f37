import type { PointEntry } from '@memberloop/shared';
import { checkedInToday, entryDetail, entryTitle, signedPoints } from './points';

const entry = (patch: Partial<PointEntry>): PointEntry => ({
  id: 'pte_1',
  type: 'earn',
  amount: 5,
  balanceAfter: 10,
  reason: 'Daily check-in',
  sourceType: 'checkin',
  sourceId: 's',
  createdAt: '2026-11-24T01:00:00.000Z',
  ...patch,
});

describe('entryTitle and entryDetail', () => {
  it('names entries by their source', () => {
    expect(entryTitle(entry({}))).toBe('每日签到');
    expect(entryTitle(entry({ sourceType: 'order', reason: '消费 128.00 元' }))).toBe('消费得积分');
    expect(entryTitle(entry({ sourceType: 'mall_exchange', amount: -500 }))).toBe('积分商城兑换');
    expect(entryTitle(entry({ sourceType: 'mall_exchange', amount: 500 }))).toBe('兑换取消，积分退回');
    expect(entryTitle(entry({ type: 'expire', sourceType: 'lot', amount: -50 }))).toBe('积分过期');
    expect(entryTitle(entry({ type: 'redeem', sourceType: 'coupon', amount: -300, reason: '兑换优惠券：满300减30' }))).toBe('积分兑换优惠券');
  });

  it('names a spend that was undone, with the reason the server gives', () => {
    const undone = entry({ type: 'reverse', sourceType: 'redemption', amount: 800, reason: '积分商城兑换取消' });
    expect(entryTitle(undone)).toBe('积分退回');
    expect(entryDetail(undone)).toBe('积分商城兑换取消');
  });

  it('falls back to the entry type, then to a generic title', () => {
    expect(entryTitle(entry({ sourceType: 'campaign', type: 'adjust' }))).toBe('积分调整');
    expect(entryTitle(entry({ sourceType: 'campaign', type: 'nope' as PointEntry['type'] }))).toBe('积分变动');
  });

  it('shows Chinese reasons and hides English system reasons', () => {
    expect(entryDetail(entry({ sourceType: 'order', reason: '消费 128.00 元' }))).toBe('消费 128.00 元');
    expect(entryDetail(entry({}))).toBe('');
    expect(entryDetail(entry({ sourceType: 'operator', type: 'adjust', reason: '积分调整' }))).toBe('');
    expect(entryDetail(entry({ sourceType: 'operator', type: 'adjust', reason: '门店活动补发' }))).toBe('门店活动补发');
  });
});

describe('signedPoints', () => {
  it('puts a plus on gains', () => {
    expect(signedPoints(5)).toBe('+5');
    expect(signedPoints(-500)).toBe('-500');
    expect(signedPoints(0)).toBe('0');
  });
});

describe('checkedInToday', () => {
  const now = new Date('2026-11-24T02:00:00.000Z'); // 10:00 in Shanghai

  it('finds a check-in of today, China time', () => {
    expect(checkedInToday([entry({ createdAt: '2026-11-23T16:30:00.000Z' })], now)).toBe(true); // 00:30 on the 24th
    expect(checkedInToday([entry({ createdAt: '2026-11-23T15:59:00.000Z' })], now)).toBe(false); // 23:59 on the 23rd
  });

  it('ignores other entries', () => {
    expect(checkedInToday([entry({ sourceType: 'order' })], now)).toBe(false);
    expect(checkedInToday([], now)).toBe(false);
  });
});
