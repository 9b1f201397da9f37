import { act, fireEvent, render, screen } from '@testing-library/react';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import * as taro from '../../../test/stubs/taro';
import TierPage from './index';

let backend: FakeBackend;

beforeEach(() => {
  backend = createFakeBackend();
  backend.seedMember('wx-member');
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-member'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

describe('tier page', () => {
  it('shows the current tier, the progress to the next and what each tier gives', async () => {
    render(<TierPage />);
    expect(screen.getByTestId('tier-loading')).toBeTruthy();
    expect((await screen.findByTestId('tier-current-name')).textContent).toBe('普通会员');
    expect(screen.getByTestId('tier-growth').textContent).toBe('近 365 天累计消费 ¥350');
    expect(screen.getByTestId('tier-progress').getAttribute('aria-valuenow')).toBe('35');
    expect(screen.getByTestId('tier-progress-text').textContent).toBe('再消费 ¥650 可升级为银卡会员');
    expect(screen.getByTestId('tier-benefits').textContent).toBe('消费积分 ×1');
    const levels = screen.getAllByTestId('tier-ladder-item');
    expect(levels).toHaveLength(3);
    expect(levels[0]!.textContent).toContain('当前等级');
    expect(levels[1]!.textContent).toContain('近 365 天累计消费满 ¥1000');
    expect(levels[2]!.textContent).toContain('消费积分 ×1.5门店消费 9.5折生日礼券积分商城包邮');
  });

  it('shows a manual tier and a grace period', async () => {
    const { tier } = backend.world('wx-member');
    tier.manual = { level: 2, until: '2027-01-31T15:59:59.000Z' };
    tier.graceUntil = '2026-12-31T15:59:59.000Z';
    render(<TierPage />);
    expect((await screen.findByTestId('tier-current-name')).textContent).toBe('金卡会员');
    expect(screen.getByTestId('tier-manual').textContent).toBe('品牌特别授予的等级，有效期至 2027-01-31');
    expect(screen.getByTestId('tier-grace').textContent).toContain('保级期至 2026-12-31');
    expect(screen.getAllByTestId('tier-ladder-item')[2]!.textContent).toContain('当前等级');
  });

  it('congratulates a member at the top tier', async () => {
    const { tier } = backend.world('wx-member');
    tier.level = 2;
    tier.growthValue = 600_000;
    render(<TierPage />);
    expect((await screen.findByTestId('tier-progress-text')).textContent).toBe('您已是最高等级，感谢一路相伴');
    expect(screen.getByTestId('tier-progress').getAttribute('aria-valuenow')).toBe('100');
  });

  it('copes with a brand that has set up no tiers', async () => {
    const none = {
      memberId: 'mbr_x', level: 0, name: '', effectiveLevel: 0, effectiveName: '', manual: null, growthValue: 0, basis: 'spend', windowDays: 365,
      nextLevel: null, graceUntil: null, levelSince: '2026-11-24T00:00:00.000Z',
      benefits: { pointsMultiplierPermille: 1000, discountPercent: 0, birthdayCouponTemplateId: null, freeShipping: false }, ladder: [],
    };
    backend.failNext('GET /members/me/tier', { status: 200, body: none });
    render(<TierPage />);
    expect((await screen.findByTestId('tier-current-name')).textContent).toBe('会员');
    expect(screen.getByTestId('tier-progress-text').textContent).toBe('品牌暂未开放会员等级，敬请期待');
    expect(screen.getByTestId('tier-ladder-empty')).toBeTruthy();
  });

  it('shows an error with 重试, and the join offer for a non-member', async () => {
    backend.failNext('GET /members/me/tier', { status: 500, body: { code: 'INTERNAL', message: 'x' } });
    const view = render(<TierPage />);
    expect(await screen.findByTestId('tier-error')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByTestId('tier-retry'));
    });
    expect(await screen.findByTestId('tier-current-name')).toBeTruthy();
    view.unmount();

    backend.members.delete('wx-member');
    backend.expireTokens();
    render(<TierPage />);
    expect(await screen.findByTestId('tier-not-member')).toBeTruthy();
  });
});
