import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import * as taro from '../../../test/stubs/taro';
import CouponDetailPage from './detail';
import CouponsPage from './index';

let backend: FakeBackend;

beforeEach(() => {
  backend = createFakeBackend();
  backend.seedMember('wx-member');
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-member'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

async function tap(element: HTMLElement) {
  await act(async () => {
    fireEvent.click(element);
  });
}

function claimable(name: string): HTMLElement {
  return screen.getAllByTestId('coupons-claimable-item').find((el) => el.textContent?.includes(name))!;
}

describe('coupons page', () => {
  it('lists available coupons with value, condition and validity, and opens one', async () => {
    render(<CouponsPage />);
    expect(screen.getByTestId('coupons-loading')).toBeTruthy();
    const items = await screen.findAllByTestId('coupons-item');
    expect(items).toHaveLength(2);
    expect(screen.getAllByTestId('coupons-item-name').map((el) => el.textContent)).toEqual(['满200减20', '会员8折券']);
    expect(screen.getAllByTestId('coupons-item-value').map((el) => el.textContent)).toEqual(['¥20', '8折']);
    expect(items[0]!.textContent).toContain('满200元可用');
    expect(items[0]!.textContent).toContain('2026-11-01 至 2026-12-31');
    expect(backend.paths()).toContain('GET /members/me/coupons?status=available&limit=100');

    fireEvent.click(items[0]!);
    const id = backend.world('wx-member').coupons[0]!.id;
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: `/pages/coupons/detail?id=${id}` });
  });

  it('switches to used and expired coupons', async () => {
    render(<CouponsPage />);
    await screen.findAllByTestId('coupons-item');
    await tap(screen.getByTestId('coupons-tab-used'));
    await waitFor(() => expect(screen.getAllByTestId('coupons-item-name').map((el) => el.textContent)).toEqual(['生日礼']));
    expect(screen.getByTestId('coupons-item').textContent).toContain('已使用');
    expect(screen.getByTestId('coupons-item').textContent).toContain('使用于 2026-11-10 12:00');
    expect(screen.getByTestId('coupons-tab-used').getAttribute('aria-selected')).toBe('true');

    await tap(screen.getByTestId('coupons-tab-expired'));
    await waitFor(() => expect(screen.getAllByTestId('coupons-item-name').map((el) => el.textContent)).toEqual(['新人10元券']));
    expect(backend.paths()).toEqual(expect.arrayContaining(['GET /members/me/coupons?status=used&limit=100', 'GET /members/me/coupons?status=expired&limit=100']));
  });

  it('shows an empty tab', async () => {
    backend.world('wx-member').coupons = [];
    render(<CouponsPage />);
    expect((await screen.findByTestId('coupons-empty')).textContent).toContain('暂无可用的优惠券');
  });

  it('claims a free coupon with an Idempotency-Key, then shows it as taken', async () => {
    taro.setRouterParams({ tab: 'claim' });
    render(<CouponsPage />);
    await screen.findByTestId('coupons-claim-list');
    const free = claimable('新人10元券');
    expect(within(free).getByTestId('coupons-claim-button').textContent).toBe('立即领取');
    await tap(within(free).getByTestId('coupons-claim-button'));

    await waitFor(() => expect(within(claimable('新人10元券')).getByTestId('coupons-claim-button').textContent).toBe('已领取'));
    const post = backend.calls.find((c) => c.method === 'POST' && c.url.endsWith('/coupon-templates/cpt_free10/claim'))!;
    expect(post.header['Idempotency-Key']).toMatch(/^ml-/);
    expect(taro.showModal).not.toHaveBeenCalled();
    expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '领取成功' }));
    expect(backend.world('wx-member').coupons.filter((c) => c.templateId === 'cpt_free10' && c.status === 'available')).toHaveLength(1);
  });

  it('exchanges points for a coupon after a confirmation', async () => {
    taro.setRouterParams({ tab: 'claim' });
    render(<CouponsPage />);
    await screen.findByTestId('coupons-claim-list');
    const priced = claimable('满300减30');
    expect(within(priced).getByTestId('coupons-claim-button').textContent).toBe('300积分兑换');

    taro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    await tap(within(priced).getByTestId('coupons-claim-button'));
    expect(backend.paths().some((p) => p.includes('/exchange'))).toBe(false);

    await tap(within(claimable('满300减30')).getByTestId('coupons-claim-button'));
    expect(taro.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '使用 300 积分兑换「满300减30」？' }));
    await waitFor(() => expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '兑换成功，剩余 980 积分' })));
    expect(backend.world('wx-member').points.available).toBe(780);
  });

  it('explains a refused claim next to the coupon', async () => {
    backend.world('wx-member').points.available = 10;
    taro.setRouterParams({ tab: 'claim' });
    render(<CouponsPage />);
    await screen.findByTestId('coupons-claim-list');
    await tap(within(claimable('满300减30')).getByTestId('coupons-claim-button'));
    expect((await screen.findByTestId('coupons-claim-error')).textContent).toBe('可用积分不足');
  });

  it('does not offer sold-out coupons', async () => {
    taro.setRouterParams({ tab: 'claim' });
    render(<CouponsPage />);
    await screen.findByTestId('coupons-claim-list');
    const button = within(claimable('限量50元券')).getByTestId('coupons-claim-button') as HTMLButtonElement;
    expect(button.textContent).toBe('已领完');
    expect(button.disabled).toBe(true);
  });

  it('asks for coupon and points reminders (no-op outside WeChat)', async () => {
    render(<CouponsPage />);
    await tap(screen.getByTestId('coupons-subscribe'));
    expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '消息提醒仅在微信小程序中可用' }));
  });

  it('shows an error with 重试', async () => {
    backend.failNext('GET /members/me/coupons', { status: 500, body: { code: 'INTERNAL', message: 'x' } });
    render(<CouponsPage />);
    expect(await screen.findByTestId('coupons-error')).toBeTruthy();
    await tap(screen.getByTestId('coupons-retry'));
    expect(await screen.findAllByTestId('coupons-item')).toHaveLength(2);
  });
});

describe('coupon detail page', () => {
  it('shows the code as QR code and as text to show at the counter', async () => {
    const coupon = backend.world('wx-member').coupons[0]!;
    taro.setRouterParams({ id: coupon.id });
    render(<CouponDetailPage />);
    expect(screen.getByTestId('coupon-detail-loading')).toBeTruthy();
    expect((await screen.findByTestId('coupon-detail-qr')).getAttribute('data-value')).toBe(coupon.code);
    expect(screen.getByTestId('coupon-detail-code').textContent).toBe(coupon.code.replace(/(.{4})(?=.)/g, '$1 '));
    expect(screen.getByTestId('coupon-detail-status').textContent).toBe('可使用');
    expect(screen.getByTestId('coupon-detail-validity').textContent).toBe('2026-11-01 至 2026-12-31');
    fireEvent.click(screen.getByTestId('coupon-detail-copy'));
    expect(taro.setClipboardData).toHaveBeenCalledWith({ data: coupon.code });
  });

  it('shows a used coupon without a QR code', async () => {
    const used = backend.world('wx-member').coupons[2]!;
    taro.setRouterParams({ id: used.id });
    render(<CouponDetailPage />);
    expect((await screen.findByTestId('coupon-detail-status')).textContent).toBe('已使用');
    expect(screen.queryByTestId('coupon-detail-qr')).toBeNull();
  });

  it('says when the coupon is not found', async () => {
    taro.setRouterParams({ id: 'cpn_nope' });
    render(<CouponDetailPage />);
    expect((await screen.findByTestId('coupon-detail-error')).textContent).toContain('未找到该优惠券');
  });
});
