import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import * as taro from '../../../test/stubs/taro';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import JoinPage from '../join/index';
import MemberCenterPage from './index';

let backend: FakeBackend;

beforeEach(() => {
  backend = createFakeBackend();
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-member'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

function seed() {
  return backend.seedMember('wx-member', {
    id: 'mbr_01JD3ZQ8W7X9K2M4N6P8R0T2V4',
    nickname: '小林',
    phone: '13812341234',
    phoneBoundAt: '2026-11-20T02:00:00.000Z',
    joinedAt: '2026-11-19T17:30:00.000Z',
    joinSource: { type: 'clerk', storeId: null, staffId: null, campaignId: null },
  });
}

describe('member centre', () => {
  it('signs in (without joining) when there is no token and shows the member card', async () => {
    seed();
    render(<MemberCenterPage />);
    expect(screen.getByText('正在加载会员信息…')).toBeTruthy();

    expect(await screen.findByText('小林')).toBeTruthy();
    expect(backend.paths()).toEqual(['POST /auth/member/login', 'GET /members/me']);
    expect(backend.calls[0]?.data).toMatchObject({ brandCode: 'demo', join: false });
    expect(screen.getByText('NO. P8R0 T2V4')).toBeTruthy();
    expect(screen.getByText('2026-11-20')).toBeTruthy(); // 17:30 UTC is the next day in Shanghai
    expect(screen.getByTestId('member-phone').textContent).toBe('13812341234');
    expect(screen.getByText('店员邀请入会')).toBeTruthy();
    expect(screen.getByTestId('consent-time').textContent).toBe('尚未设置');
    expect((screen.getByRole('switch') as HTMLInputElement).checked).toBe(false);
  });

  it('says when no phone is bound', async () => {
    backend.seedMember('wx-member');
    render(<MemberCenterPage />);
    expect((await screen.findByTestId('member-phone')).textContent).toBe('未绑定');
    expect(screen.getByText('尊敬的会员')).toBeTruthy();
  });

  it('turns marketing messages on and shows when it changed', async () => {
    seed();
    render(<MemberCenterPage />);
    const toggle = (await screen.findByRole('switch')) as HTMLInputElement;
    await act(async () => {
      fireEvent.click(toggle);
    });

    await waitFor(() => expect(screen.getByTestId('consent-time').textContent).toBe('已开启 · 更新于 2026-11-24 10:00'));
    expect((screen.getByRole('switch') as HTMLInputElement).checked).toBe(true);
    expect(backend.calls.at(-1)).toMatchObject({ method: 'PUT', data: { granted: true } });
    expect(backend.members.get('wx-member')?.marketingConsent.granted).toBe(true);
  });

  it('puts the switch back and explains when the change fails', async () => {
    seed();
    backend.failNext('PUT /members/me/marketing-consent', { status: 429, body: { code: 'RATE_LIMITED', message: 'slow' } });
    render(<MemberCenterPage />);
    const toggle = (await screen.findByRole('switch')) as HTMLInputElement;
    await act(async () => {
      fireEvent.click(toggle);
    });

    expect(await screen.findByText('操作太频繁了，请稍后再试')).toBeTruthy();
    expect((screen.getByRole('switch') as HTMLInputElement).checked).toBe(false);
    expect((screen.getByRole('switch') as HTMLInputElement).disabled).toBe(false);
  });

  it('shows an error with 重试 and recovers', async () => {
    seed();
    backend.failNext('GET /members/me', { status: 503, body: { code: 'WECHAT_UNAVAILABLE', message: 'down' } });
    render(<MemberCenterPage />);

    expect(await screen.findByText('微信服务暂时不可用，请稍后再试')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: '重试' }));
    });
    expect(await screen.findByText('小林')).toBeTruthy();
  });

  it('shows an error when login itself fails', async () => {
    backend.failNext('POST /auth/member/login', { status: 400, body: { code: 'WECHAT_CODE_INVALID', message: 'bad' } });
    render(<MemberCenterPage />);
    expect(await screen.findByText('微信登录已失效，请重试')).toBeTruthy();
  });

  it('offers a first-time visitor to join, without making them a member', async () => {
    render(<MemberCenterPage />);

    expect(await screen.findByText('您还不是会员，加入即可享受积分与专属优惠')).toBeTruthy();
    expect(backend.paths()).toEqual(['POST /auth/member/login']);
    expect(backend.calls[0]?.data).toEqual({ code: 'code-1', brandCode: 'demo', join: false });
    expect(backend.members.size).toBe(0);
    expect(taro.storedValue('memberloop.session')).toBeUndefined();

    fireEvent.click(screen.getByRole('button', { name: '立即加入' }));
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' });
    expect(backend.members.size).toBe(0);
  });

  it('shows the member card once a first-time visitor has joined on the join page', async () => {
    const home = render(<MemberCenterPage />);
    await screen.findByText('您还不是会员，加入即可享受积分与专属优惠');
    fireEvent.click(screen.getByRole('button', { name: '立即加入' }));
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' });
    home.unmount();

    // The join page, as navigateTo opens it.
    const join = render(<JoinPage />);
    const terms = screen.getAllByRole('checkbox').find((el) => /会员协议/.test(el.textContent ?? ''))!;
    fireEvent.click(terms);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: '加入会员' }));
    });
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/index/index' }));
    expect(backend.calls.at(-1)?.data).toEqual({ code: 'code-2', brandCode: 'demo', join: true });
    expect(backend.members.has('wx-member')).toBe(true);
    join.unmount();

    // The home page again, as reLaunch opens it: the stored token is used, no new sign-in.
    render(<MemberCenterPage />);
    expect(await screen.findByText('尊敬的会员')).toBeTruthy();
    expect(screen.getByText(/^NO\. /)).toBeTruthy();
    expect(screen.queryByText('您还不是会员，加入即可享受积分与专属优惠')).toBeNull();
    expect(backend.paths()).toEqual(['POST /auth/member/login', 'POST /auth/member/login', 'GET /members/me']);
  });

  it('offers to join when the signed-in user is not a member', async () => {
    seed();
    backend.failNext('GET /members/me', { status: 404, body: { code: 'MEMBER_NOT_FOUND', message: 'none' } });
    render(<MemberCenterPage />);

    expect(await screen.findByText('您还不是会员，加入即可享受积分与专属优惠')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: '立即加入' }));
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' });
  });

  it('uses a stored token without logging in again', async () => {
    seed();
    const { unmount } = render(<MemberCenterPage />);
    await screen.findByText('小林');
    unmount();
    render(<MemberCenterPage />);
    await screen.findByText('小林');
    expect(backend.paths()).toEqual(['POST /auth/member/login', 'GET /members/me', 'GET /members/me']);
  });
});
