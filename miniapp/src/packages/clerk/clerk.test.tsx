import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import { STORE_A, STORE_B } from '../../../test/fixtures';
import * as taro from '../../../test/stubs/taro';
import ClerkLoginPage from './login/index';
import ClerkScanPage from './scan/index';

let backend: FakeBackend;

beforeEach(() => {
  backend = createFakeBackend();
  backend.seedMember('wx-member', { phone: '13812341234' });
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

function type(testId: string, value: string, scope: HTMLElement | Document = document) {
  const el = within(scope as HTMLElement).getByTestId(testId) as HTMLInputElement;
  fireEvent.change(el, { target: { value } });
}

async function tap(testId: string, scope?: HTMLElement) {
  const el = scope ? within(scope).getByTestId(testId) : screen.getByTestId(testId);
  await act(async () => {
    fireEvent.click(el);
  });
}

async function login(username = 'clerk1') {
  render(<ClerkLoginPage />);
  type('clerk-login-username', username);
  type('clerk-login-password', 'password123');
  await tap('clerk-login-submit');
  await waitFor(() => expect(taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/clerk/scan/index' }));
}

async function openWorkbench(username = 'clerk1') {
  await login(username);
  taro.redirectTo.mockClear();
  const result = render(<ClerkScanPage />);
  await screen.findByTestId('clerk-page');
  return result;
}

async function scanMember() {
  const code = backend.cardCodeOf('wx-member');
  type('clerk-scan-input', code.replace(/(.{4})/g, '$1 '));
  await tap('clerk-scan-submit');
  await screen.findByTestId('clerk-member');
  return code;
}

describe('clerk login', () => {
  it('logs in with brand code, username and password and keeps the staff token apart', async () => {
    await login();
    expect(backend.calls.at(-1)).toMatchObject({ url: expect.stringMatching(/\/auth\/staff\/login$/), data: { brandCode: 'demo', username: 'clerk1', password: 'password123' } });
    expect(String(taro.storedValue('memberloop.staffSession'))).toContain('"displayName":"王小明"');
    expect(taro.storedValue('memberloop.session')).toBeUndefined();
  });

  it('says when the credentials are wrong', async () => {
    render(<ClerkLoginPage />);
    type('clerk-login-username', 'clerk1');
    type('clerk-login-password', 'nope-nope');
    await tap('clerk-login-submit');
    expect((await screen.findByTestId('clerk-login-error')).textContent).toBe('品牌编码、账号或密码不正确');
    expect(taro.redirectTo).not.toHaveBeenCalled();
  });

  it('asks for every field', async () => {
    render(<ClerkLoginPage />);
    await tap('clerk-login-submit');
    expect(screen.getByTestId('clerk-login-error').textContent).toBe('请填写品牌编码、账号和密码');
    expect(backend.calls).toHaveLength(0);
  });
});

describe('clerk workbench', () => {
  it('sends a clerk without a login to the login page', () => {
    render(<ClerkScanPage />);
    expect(taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/clerk/login/index' });
    expect(backend.calls).toHaveLength(0);
  });

  it('scans a member and shows tier, points, masked phone and usable coupons', async () => {
    await openWorkbench();
    expect(screen.getByTestId('clerk-staff-name').textContent).toBe('王小明');
    expect(screen.getByTestId('clerk-store-name').textContent).toBe('静安嘉里中心店');
    const code = await scanMember();
    expect(backend.calls.find((c) => c.url.endsWith('/members/scan'))?.data).toEqual({ code });
    expect(screen.getByTestId('clerk-member-phone').textContent).toBe('138****1234');
    expect(screen.getByTestId('clerk-member-tier').textContent).toBe('普通会员');
    expect(screen.getByTestId('clerk-member-points').textContent).toBe('1080（共 1280）');
    expect(screen.getAllByTestId('clerk-coupon')).toHaveLength(2);
    expect(backend.calls.every((c) => !c.url.includes('/members/me'))).toBe(true);
  });

  it('explains an expired or unknown card code', async () => {
    await openWorkbench();
    type('clerk-scan-input', '1000000199999999');
    await tap('clerk-scan-submit');
    expect((await screen.findByTestId('clerk-scan-error')).textContent).toBe('会员码无效，请让会员出示会员卡后重新扫码');
  });

  it('records a purchase in fen, with a coupon, once, after confirming', async () => {
    await openWorkbench();
    await scanMember();
    const [first] = screen.getAllByTestId('clerk-coupon');
    await tap('clerk-coupon-select', first);
    type('clerk-purchase-amount', '258.80');
    await tap('clerk-purchase-submit');

    expect(taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '确认记录消费', content: '静安嘉里中心店：消费 ¥258.80，使用 1 张优惠券' }));
    const result = await screen.findByTestId('clerk-purchase-result');
    const orders = backend.calls.filter((c) => c.method === 'POST' && c.url.endsWith('/orders'));
    expect(orders).toHaveLength(1);
    const member = backend.members.get('wx-member')!;
    expect(orders[0]!.data).toEqual({ memberId: member.id, storeId: STORE_A, amountFen: 25_880, couponCodes: [backend.world('wx-member').coupons[0]!.code] });
    expect(orders[0]!.header['Idempotency-Key']).toMatch(/^ml-/);
    expect(result.textContent).toContain('已记录消费 ¥258.80，优惠 ¥20.00，实付 ¥238.80');
    expect(result.textContent).toContain('获得 238 积分');
    // the panel is refreshed: the coupon is used, the points went up
    await waitFor(() => expect(screen.getAllByTestId('clerk-coupon')).toHaveLength(1));
    expect(screen.getByTestId('clerk-member-points').textContent).toBe('1080（共 1518）');
  });

  it('retries a purchase whose answer was lost with the same Idempotency-Key, recording it once', async () => {
    await openWorkbench();
    await scanMember();
    type('clerk-purchase-amount', '99');
    // the server records the order, but the answer never arrives (3 attempts, all lost)
    const realRequest = taro.request.getMockImplementation()!;
    let lost = 0;
    taro.request.mockImplementation(async (options) => {
      const response = await realRequest(options);
      if (options.url.endsWith('/orders') && lost < 3) {
        lost++;
        throw new Error('request:fail timeout');
      }
      return response;
    });
    jest.useFakeTimers({ doNotFake: ['queueMicrotask'] });
    try {
      await tap('clerk-purchase-submit');
      await act(async () => {
        await jest.advanceTimersByTimeAsync(2000);
      });
    } finally {
      jest.useRealTimers();
    }
    expect((await screen.findByTestId('clerk-purchase-error')).textContent).toBe('网络不给力，请检查网络后重试');

    await tap('clerk-purchase-submit');
    expect(await screen.findByTestId('clerk-purchase-result')).toBeTruthy();
    const keys = backend.calls.filter((c) => c.url.endsWith('/orders')).map((c) => c.header['Idempotency-Key']);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(1);
    // recorded once: 99 points on top of 1280
    expect(backend.world('wx-member').points.balance).toBe(1280 + 99);
  });

  it('ignores a double tap on 记录消费', async () => {
    await openWorkbench();
    await scanMember();
    type('clerk-purchase-amount', '10');
    await act(async () => {
      fireEvent.click(screen.getByTestId('clerk-purchase-submit'));
      fireEvent.click(screen.getByTestId('clerk-purchase-submit'));
    });
    await screen.findByTestId('clerk-purchase-result');
    expect(taro.showModal).toHaveBeenCalledTimes(1);
    expect(backend.calls.filter((c) => c.url.endsWith('/orders'))).toHaveLength(1);
  });

  it('records nothing when the clerk cancels, and checks the form first', async () => {
    await openWorkbench();
    await scanMember();
    await tap('clerk-purchase-submit');
    expect(screen.getByTestId('clerk-purchase-form-error').textContent).toBe('请输入消费金额');
    type('clerk-purchase-amount', '10');
    taro.showModal.mockResolvedValueOnce({ confirm: false, cancel: true, errMsg: 'showModal:ok' });
    await tap('clerk-purchase-submit');
    expect(backend.calls.filter((c) => c.url.endsWith('/orders'))).toHaveLength(0);
  });

  it('records items that add up to the amount', async () => {
    await openWorkbench();
    await scanMember();
    await tap('clerk-item-add');
    const row = screen.getByTestId('clerk-item');
    type('clerk-item-sku', 'SKU-88', row);
    type('clerk-item-qty', '2', row);
    type('clerk-item-price', '19.99', row);
    await tap('clerk-purchase-submit');
    await screen.findByTestId('clerk-purchase-result');
    const order = backend.calls.find((c) => c.url.endsWith('/orders'))!;
    expect(order.data).toMatchObject({ amountFen: 3998, items: [{ sku: 'SKU-88', quantity: 2, unitPriceFen: 1999 }] });
  });

  it('redeems a coupon at the counter after confirming', async () => {
    await openWorkbench();
    await scanMember();
    const [first] = screen.getAllByTestId('clerk-coupon');
    await tap('clerk-coupon-redeem', first);
    const code = backend.world('wx-member').coupons[0]!.code;
    expect((screen.getByTestId('clerk-redeem-code') as HTMLInputElement).value).toBe(code);
    type('clerk-redeem-amount', '300');
    await tap('clerk-redeem-submit');
    expect(taro.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '确认核销优惠券' }));
    expect((await screen.findByTestId('clerk-redeem-result')).textContent).toBe('已核销「满200减20」，优惠 ¥20.00');
    const post = backend.calls.find((c) => c.url.endsWith('/coupons/redeem'))!;
    expect(post.data).toEqual({ code, storeId: STORE_A, grossFen: 30_000 });
    expect(post.header['Idempotency-Key']).toMatch(/^ml-/);

    await tap('clerk-redeem-submit'); // code field was cleared
    type('clerk-redeem-code', code);
    await tap('clerk-redeem-submit');
    expect((await screen.findByTestId('clerk-redeem-error')).textContent).toBe('该优惠券已使用');
  });

  it('binds a phone number to a member without one', async () => {
    backend.seedMember('wx-other');
    await openWorkbench();
    const code = backend.cardCodeOf('wx-other');
    type('clerk-scan-input', code);
    await tap('clerk-scan-submit');
    expect((await screen.findByTestId('clerk-member-phone')).textContent).toBe('未绑定');
    type('clerk-phone-input', '13900001111');
    await tap('clerk-phone-submit');
    expect((await screen.findByTestId('clerk-phone-result')).textContent).toBe('已绑定手机号 139****1111');
    expect(screen.getByTestId('clerk-member-phone').textContent).toBe('139****1111');
    expect(backend.calls.find((c) => c.method === 'PUT')?.data).toEqual({ phone: '13900001111', storeId: STORE_A });
  });

  it('explains a phone bound to another member', async () => {
    backend.seedMember('wx-other');
    await openWorkbench();
    type('clerk-scan-input', backend.cardCodeOf('wx-other'));
    await tap('clerk-scan-submit');
    await screen.findByTestId('clerk-member');
    type('clerk-phone-input', '13812341234');
    await tap('clerk-phone-submit');
    expect((await screen.findByTestId('clerk-phone-error')).textContent).toBe('该手机号已绑定其他会员');
  });

  it('verifies a mall pickup code after looking it up, once', async () => {
    const world = backend.world('wx-member');
    await openWorkbench();
    // the member exchanged a pickup item beforehand
    const memberToken = await backend.taroRequest({ url: 'http://127.0.0.1:3000/auth/member/login', method: 'POST', data: { code: backend.issueCode('wx-member'), brandCode: 'demo', join: false } });
    const token = (memberToken.data as { token: string }).token;
    await backend.taroRequest({ url: 'http://127.0.0.1:3000/mall/exchanges', method: 'POST', data: { itemId: 'itm_01JD3ZQ8W7X9K2M4N6P8R0T001', quantity: 1 }, header: { Authorization: `Bearer ${token}` } });
    const pickupCode = world.exchanges[0]!.pickupCode!;

    type('clerk-pickup-code', pickupCode);
    await tap('clerk-pickup-lookup');
    expect((await screen.findByTestId('clerk-pickup-status')).textContent).toBe('待提货');
    await tap('clerk-pickup-submit');
    expect(taro.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ content: '将「品牌帆布袋」×1 交给会员？' }));
    expect((await screen.findByTestId('clerk-pickup-result')).textContent).toBe('提货成功：品牌帆布袋 ×1');
    expect(world.exchanges[0]!.status).toBe('picked_up');
    expect(screen.getByTestId('clerk-pickup-status').textContent).toBe('已提货');
    expect(screen.queryByTestId('clerk-pickup-submit')).toBeNull();
  });

  it('explains an unknown pickup code', async () => {
    await openWorkbench();
    type('clerk-pickup-code', '1234');
    await tap('clerk-pickup-lookup');
    expect(screen.getByTestId('clerk-pickup-lookup-error').textContent).toBe('提货码为 8 位数字');
    type('clerk-pickup-code', '12345678');
    await tap('clerk-pickup-lookup');
    expect((await screen.findByTestId('clerk-pickup-lookup-error')).textContent).toBe('提货码无效，请核对后重试');
  });

  it('lets a clerk of several stores choose the store, and remembers it', async () => {
    await openWorkbench('clerk2');
    expect(screen.getByTestId('clerk-store-name').textContent).toBe('静安嘉里中心店 ›');
    fireEvent.change(screen.getByTestId('clerk-store-picker'), { target: { value: '1' } });
    expect(screen.getByTestId('clerk-store-name').textContent).toBe('徐家汇港汇店 ›');
    expect(taro.storedValue('memberloop.clerkStore')).toBe(STORE_B);
    await scanMember();
    type('clerk-purchase-amount', '10');
    await tap('clerk-purchase-submit');
    await screen.findByTestId('clerk-purchase-result');
    expect(backend.calls.find((c) => c.url.endsWith('/orders'))?.data).toMatchObject({ storeId: STORE_B });
  });

  it('goes back to the login page when the staff token is refused', async () => {
    await openWorkbench();
    backend.expireTokens();
    type('clerk-scan-input', backend.cardCodeOf('wx-member'));
    await tap('clerk-scan-submit');
    await waitFor(() => expect(taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/clerk/login/index' }));
    expect(taro.storedValue('memberloop.staffSession')).toBeUndefined();
  });

  it('logs out', async () => {
    await openWorkbench();
    await tap('clerk-logout');
    expect(taro.storedValue('memberloop.staffSession')).toBeUndefined();
    expect(taro.redirectTo).toHaveBeenCalledWith({ url: '/packages/clerk/login/index' });
  });
});
