import type { MemberTier } from '@memberloop/shared';
import { LADDER } from '../../test/fixtures';
import { benefitLines, growthText, hasLadder, multiplierText, thresholdText, tierName, tierProgress } from './tier';

const tier = (patch: Partial<MemberTier>): MemberTier => ({
  memberId: 'mbr_1',
  level: 0,
  name: '普通会员',
  effectiveLevel: 0,
  effectiveName: '普通会员',
  manual: null,
  growthValue: 35_000,
  basis: 'spend',
  windowDays: 365,
  nextLevel: { level: 1, name: '银卡会员', threshold: 100_000, remaining: 65_000 },
  graceUntil: null,
  levelSince: '2026-11-01T00:00:00.000Z',
  benefits: LADDER[0]!.benefits,
  ladder: LADDER,
  ...patch,
});

describe('tier texts', () => {
  it('writes growth and thresholds by basis', () => {
    expect(growthText('spend', 65_000)).toBe('¥650');
    expect(growthText('points', 300)).toBe('300 积分');
    expect(thresholdText('spend', 0, 365)).toBe('入会即享');
    expect(thresholdText('spend', 500_000, 365)).toBe('近 365 天累计消费满 ¥5000');
    expect(thresholdText('points', 800, 180)).toBe('近 180 天累计获得 800 积分');
  });

  it('lists benefits', () => {
    expect(benefitLines(LADDER[0]!.benefits)).toEqual(['消费积分 ×1']);
    expect(benefitLines(LADDER[2]!.benefits)).toEqual(['消费积分 ×1.5', '门店消费 9.5折', '生日礼券', '积分商城包邮']);
    expect(multiplierText(1250)).toBe('×1.25');
    expect(multiplierText(2000)).toBe('×2');
  });
});

describe('tierProgress', () => {
  it('measures from the current threshold to the next', () => {
    expect(tierProgress(tier({}))).toEqual({ percent: 35, text: '再消费 ¥650 可升级为银卡会员' });
    expect(
      tierProgress(tier({ level: 1, growthValue: 300_000, nextLevel: { level: 2, name: '金卡会员', threshold: 500_000, remaining: 200_000 } })),
    ).toEqual({ percent: 50, text: '再消费 ¥2000 可升级为金卡会员' });
  });

  it('speaks of points on the points basis', () => {
    expect(tierProgress(tier({ basis: 'points', growthValue: 10, nextLevel: { level: 1, name: '银卡会员', threshold: 100, remaining: 90 } })).text).toBe(
      '再获得 90 积分 可升级为银卡会员',
    );
  });

  it('is full at the top tier', () => {
    expect(tierProgress(tier({ level: 2, nextLevel: null }))).toEqual({ percent: 100, text: '您已是最高等级，感谢一路相伴' });
  });
});

describe('a brand without tiers', () => {
  it('names no tier and shows no progress', () => {
    const none = tier({ level: 0, name: '', effectiveName: '', nextLevel: null, ladder: [] });
    expect(tierName(none)).toBe('会员');
    expect(tierName(null)).toBe('会员');
    expect(tierName(tier({}))).toBe('普通会员');
    expect(hasLadder(none)).toBe(false);
    expect(tierProgress(none)).toEqual({ percent: 0, text: '品牌暂未开放会员等级，敬请期待' });
  });
});
