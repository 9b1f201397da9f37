import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { API_BASE, createFakeBackend, FAKE_WECHAT, type FakeBackend } from '../../../test/fake-backend';
import { setPhoneNumberResult } from '../../../test/stubs/components';
import * as taro from '../../../test/stubs/taro';
import ProfilePage from './index';

let backend: FakeBackend;
const savedEnv = process.env.TARO_ENV;

beforeEach(() => {
  backend = createFakeBackend();
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-member'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

afterEach(() => {
  if (savedEnv === undefined) delete process.env.TARO_ENV;
  else process.env.TARO_ENV = savedEnv;
});

function seed(patch = {}) {
  return backend.seedMember('wx-member', {
    nickname: '小林',
    phone: '13812341234',
    phoneBoundAt: '2026-11-20T02:00:00.000Z',
    joinedAt: '2026-11-19T17:30:00.000Z',
    joinSource: { type: 'clerk', storeId: null, staffId: null, campaignId: null },
    ...patch,
  });
}

async function tap(testId: string) {
  await act(async () => {
    fireEvent.click(screen.getByTestId(testId));
  });
}

function type(testId: string, value: string) {
  fireEvent.change(screen.getByTestId(testId), { target: { value } });
}

describe('profile page', () => {
  it('signs in without joining and shows phone in full, join date and source, and consent', async () => {
    seed();
    render(<ProfilePage />);
    expect(screen.getByTestId('profile-loading')).toBeTruthy();
    expect((await screen.findByTestId('profile-name')).textContent).toBe('小林');
    expect(backend.calls[0]?.data).toMatchObject({ brandCode: 'demo', join: false });
    expect(screen.getByTestId('profile-phone').textContent).toBe('13812341234');
    expect(screen.getByText('2026-11-20')).toBeTruthy(); // 17:30 UTC is the next day in Shanghai
    expect(screen.getByText('店员邀请入会')).toBeTruthy();
    expect(screen.getByTestId('profile-consent-time').textContent).toBe('尚未设置');
    expect(screen.getByTestId('profile-birthday').textContent).toBe('未设置');
    expect((screen.getByTestId('profile-consent-switch') as HTMLInputElement).checked).toBe(false);
  });

  it('turns marketing messages on and shows when it changed', async () => {
    seed();
    render(<ProfilePage />);
    const toggle = (await screen.findByTestId('profile-consent-switch')) as HTMLInputElement;
    await act(async () => {
      fireEvent.click(toggle);
    });
    await waitFor(() => expect(screen.getByTestId('profile-consent-time').textContent).toBe('已开启 · 更新于 2026-11-24 10:00'));
    expect((screen.getByTestId('profile-consent-switch') as HTMLInputElement).checked).toBe(true);
    expect(backend.calls.at(-1)).toMatchObject({ method: 'PUT', data: { granted: true } });
  });

  it('puts the switch back and explains when the change fails', async () => {
    seed();
    backend.failNext('PUT /members/me/marketing-consent', { status: 429, body: { code: 'RATE_LIMITED', message: 'slow' } });
    render(<ProfilePage />);
    const toggle = (await screen.findByTestId('profile-consent-switch')) as HTMLInputElement;
    await act(async () => {
      fireEvent.click(toggle);
    });
    expect((await screen.findByTestId('profile-consent-error')).textContent).toBe('操作太频繁了，请稍后再试');
    expect((screen.getByTestId('profile-consent-switch') as HTMLInputElement).checked).toBe(false);
    expect((screen.getByTestId('profile-consent-switch') as HTMLInputElement).disabled).toBe(false);
  });

  it('in H5 binds a phone with a code minted by the fake WeChat server', async () => {
    process.env.TARO_ENV = 'h5';
    seed({ phone: null, phoneBoundAt: null });
    render(<ProfilePage />);
    expect((await screen.findByTestId('profile-phone')).textContent).toBe('未绑定');
    await tap('profile-bind-phone');
    type('profile-phone-input', '123');
    await tap('profile-phone-submit');
    expect(screen.getByTestId('profile-phone-error').textContent).toBe('请输入正确的 11 位手机号');
    type('profile-phone-input', '13900001111');
    await tap('profile-phone-submit');
    await waitFor(() => expect(screen.getByTestId('profile-phone').textContent).toBe('13900001111'));
    const paths = backend.paths();
    expect(paths).toEqual(expect.arrayContaining(['GET /dev/wechat', 'POST /__dev/phone-code', 'POST /members/me/phone']));
    expect(backend.calls.find((c) => c.url === `${FAKE_WECHAT}/__dev/phone-code`)?.data).toEqual({ phoneNumber: '13900001111' });
    expect(backend.calls.find((c) => c.url === `${API_BASE}/members/me/phone`)?.data).toEqual({ code: expect.stringMatching(/^phone-/) });
  });

  it('explains a phone bound to another member', async () => {
    process.env.TARO_ENV = 'h5';
    backend.seedMember('someone-else', { phone: '13900001111' });
    seed({ phone: null, phoneBoundAt: null });
    render(<ProfilePage />);
    await tap((await screen.findByTestId('profile-bind-phone')).getAttribute('data-testid')!);
    type('profile-phone-input', '13900001111');
    await tap('profile-phone-submit');
    expect((await screen.findByTestId('profile-phone-error')).textContent).toBe('该手机号已绑定其他会员');
  });

  it('in weapp binds a phone with the code of WeChat’s phone button', async () => {
    process.env.TARO_ENV = 'weapp';
    seed({ phone: null, phoneBoundAt: null });
    const minted = await backend.taroRequest({ url: `${FAKE_WECHAT}/__dev/phone-code`, method: 'POST', data: { phoneNumber: '13700002222' } });
    render(<ProfilePage />);
    const button = await screen.findByTestId('profile-bind-phone');
    expect(button.getAttribute('data-open-type')).toBe('getPhoneNumber');

    setPhoneNumberResult({ errMsg: 'getPhoneNumber:fail user deny' });
    await tap('profile-bind-phone');
    expect(screen.getByTestId('profile-phone-error').textContent).toBe('您已取消授权手机号');

    setPhoneNumberResult({ code: (minted.data as { code: string }).code, errMsg: 'getPhoneNumber:ok' });
    await tap('profile-bind-phone');
    await waitFor(() => expect(screen.getByTestId('profile-phone').textContent).toBe('13700002222'));
  });

  it('saves a typed birthday (H5) after checking it', async () => {
    seed();
    render(<ProfilePage />);
    await tap((await screen.findByTestId('profile-birthday-edit')).getAttribute('data-testid')!);
    type('profile-birthday-input', '1995-02-30');
    await tap('profile-birthday-save');
    expect(screen.getByTestId('profile-birthday-error').textContent).toBe('请按 YYYY-MM-DD 填写生日，如 1995-06-18');
    type('profile-birthday-input', '1995-06-18');
    await tap('profile-birthday-save');
    await waitFor(() => expect(screen.getByTestId('profile-birthday').textContent).toBe('1995-06-18'));
    expect(backend.calls.at(-1)).toMatchObject({ method: 'PATCH', data: { birthday: '1995-06-18' } });
  });

  it('saves a picked birthday (weapp)', async () => {
    process.env.TARO_ENV = 'weapp';
    seed();
    render(<ProfilePage />);
    const picker = await screen.findByTestId('profile-birthday-picker');
    await act(async () => {
      fireEvent.change(picker, { target: { value: '1990-01-02' } });
    });
    await waitFor(() => expect(screen.getByTestId('profile-birthday').textContent).toBe('1990-01-02'));
  });

  it('shows data export and account deletion as coming soon, without pretending', async () => {
    seed();
    render(<ProfilePage />);
    await tap((await screen.findByTestId('profile-export')).getAttribute('data-testid')!);
    expect(taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '导出我的数据', content: expect.stringContaining('即将推出') }));
    await tap('profile-delete');
    expect(taro.showModal).toHaveBeenLastCalledWith(expect.objectContaining({ title: '注销会员', content: expect.stringContaining('即将推出') }));
    expect(screen.getByTestId('profile-export').textContent).toContain('即将推出');
    expect(backend.calls.filter((c) => c.method !== 'GET' && !c.url.includes('/auth/'))).toHaveLength(0);
  });

  it('links to messages, coupons, tier, exchanges and the clerk area', async () => {
    seed();
    render(<ProfilePage />);
    await screen.findByTestId('profile-link-messages');
    const expected = {
      'profile-link-messages': '/pages/messages/index',
      'profile-link-coupons': '/pages/coupons/index',
      'profile-link-tier': '/pages/tier/index',
      'profile-link-exchanges': '/packages/mall/exchanges/index',
      'profile-link-clerk': '/packages/clerk/scan/index',
    };
    for (const [testId, url] of Object.entries(expected)) {
      fireEvent.click(screen.getByTestId(testId));
      expect(taro.navigateTo).toHaveBeenLastCalledWith({ url });
    }
  });

  it('offers a first-time visitor to join, without making them a member', async () => {
    render(<ProfilePage />);
    expect(await screen.findByTestId('profile-not-member')).toBeTruthy();
    expect(backend.members.size).toBe(0);
    fireEvent.click(screen.getByTestId('profile-join'));
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' });
  });

  it('shows an error with 重试 and recovers', async () => {
    seed();
    backend.failNext('GET /members/me', { status: 503, body: { code: 'WECHAT_UNAVAILABLE', message: 'down' } });
    render(<ProfilePage />);
    expect((await screen.findByTestId('profile-error')).textContent).toContain('微信服务暂时不可用，请稍后再试');
    await tap('profile-retry');
    expect((await screen.findByTestId('profile-name')).textContent).toBe('小林');
  });
});
