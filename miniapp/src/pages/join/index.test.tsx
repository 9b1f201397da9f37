import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import * as taro from '../../../test/stubs/taro';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import JoinPage from './index';

let backend: FakeBackend;

beforeEach(() => {
  backend = createFakeBackend();
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-shopper'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

function checkbox(name: RegExp): HTMLElement {
  return screen.getAllByRole('checkbox').find((el) => name.test(el.textContent ?? ''))!;
}

async function tapJoin(label = '加入会员') {
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: label }));
  });
}

describe('join page', () => {
  it('joins with the scanned scene, turns marketing on and goes to the home page', async () => {
    taro.setRouterParams({ scene: 's%3DST7K2Q' });
    render(<JoinPage />);
    expect(screen.getByText('欢迎加入会员')).toBeTruthy();

    fireEvent.click(checkbox(/会员协议/));
    fireEvent.click(checkbox(/接收优惠消息/));
    expect(checkbox(/会员协议/).getAttribute('aria-checked')).toBe('true');
    await tapJoin();

    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/card/index?welcome=1' }));
    expect(backend.paths()).toEqual(['POST /auth/member/login', 'PUT /members/me/marketing-consent']);
    expect(backend.calls[0]?.data).toEqual({ code: 'code-1', scene: 's=ST7K2Q', join: true });
    expect(backend.members.get('wx-shopper')).toMatchObject({
      joinSource: { type: 'store' },
      marketingConsent: { granted: true },
    });
    expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '入会成功' }));
  });

  it('asks for the membership terms before joining', async () => {
    render(<JoinPage />);
    await tapJoin();
    expect(screen.getByText('请先阅读并同意会员协议')).toBeTruthy();
    expect(taro.request).not.toHaveBeenCalled();

    fireEvent.click(checkbox(/会员协议/));
    expect(screen.queryByText('请先阅读并同意会员协议')).toBeNull();
  });

  it('shows the terms without ticking the box', () => {
    render(<JoinPage />);
    fireEvent.click(screen.getByText('《会员协议》'));
    expect(taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ title: '会员协议' }));
    expect(checkbox(/会员协议/).getAttribute('aria-checked')).toBe('false');
  });

  it('joins the configured brand without a scene and leaves marketing off', async () => {
    render(<JoinPage />);
    fireEvent.click(checkbox(/会员协议/));
    await tapJoin();
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalled());
    expect(backend.calls[0]?.data).toEqual({ code: 'code-1', brandCode: 'demo', join: true });
    expect(backend.paths()).not.toContain('PUT /members/me/marketing-consent');
  });

  it('welcomes back a returning member', async () => {
    backend.seedMember('wx-shopper');
    taro.setRouterParams({ scene: 's%3DST7K2Q' });
    render(<JoinPage />);
    fireEvent.click(checkbox(/会员协议/));
    await tapJoin();
    await waitFor(() => expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '欢迎回来' })));
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalledWith({ url: '/pages/card/index' }));
  });

  it('explains an unknown scene and offers to join without it', async () => {
    taro.setRouterParams({ scene: 'gone' });
    render(<JoinPage />);
    fireEvent.click(checkbox(/会员协议/));
    await tapJoin();

    expect(await screen.findByText('这个入会二维码已失效，请向店员索取新的二维码')).toBeTruthy();
    expect(taro.reLaunch).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: '不使用二维码，直接加入' }));
    await tapJoin();
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalled());
    expect(backend.calls.at(-1)?.data).toEqual({ code: 'code-2', brandCode: 'demo', join: true });
  });

  it('shows a friendly error and retries', async () => {
    backend.failNext('POST /auth/member/login', 'network');
    render(<JoinPage />);
    fireEvent.click(checkbox(/会员协议/));
    await tapJoin();

    expect(await screen.findByRole('alert')).toBeTruthy();
    expect(screen.getByText('网络不给力，请检查网络后重试')).toBeTruthy();
    await tapJoin('重试');
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalled());
  });

  it('says so when the code cannot be read, and joins without it', async () => {
    taro.setRouterParams({ scene: 'x'.repeat(40) });
    render(<JoinPage />);
    expect(screen.getByText('二维码信息无法识别，将以普通方式加入会员。')).toBeTruthy();
    fireEvent.click(checkbox(/会员协议/));
    await tapJoin();
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalled());
    expect(backend.calls[0]?.data).toEqual({ code: 'code-1', brandCode: 'demo', join: true });
  });

  it('takes the scene from the enter options on a weapp cold start', async () => {
    taro.setEnterOptions({ path: 'pages/join/index', query: { scene: 'c%3DK9' } });
    render(<JoinPage />);
    fireEvent.click(checkbox(/会员协议/));
    await tapJoin();
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalled());
    expect(backend.calls[0]?.data).toEqual({ code: 'code-1', scene: 'c=K9', join: true });
  });

  it('reads the scene from the browser URL in H5', async () => {
    const saved = process.env.TARO_ENV;
    process.env.TARO_ENV = 'h5';
    window.history.replaceState(null, '', '/app/index.html#/pages/join/index?scene=s%3DST7K2Q');
    try {
      render(<JoinPage />);
    } finally {
      process.env.TARO_ENV = saved;
    }
    expect(taro.getEnterOptionsSync).not.toHaveBeenCalled();
    fireEvent.click(checkbox(/会员协议/));
    await tapJoin();
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalled());
    expect(backend.calls[0]?.data).toEqual({ code: 'code-1', scene: 's=ST7K2Q', join: true });
  });
});

describe('join page welcome gift', () => {
  it('shows the gift when a later server sends one', async () => {
    const gifting = (options: Parameters<typeof backend.taroRequest>[0]) =>
      backend.taroRequest(options).then((response) =>
        options.url.endsWith('/auth/member/login') && response.statusCode === 200
          ? { ...response, data: { ...(response.data as object), welcomeGift: { points: 100, coupons: [{ name: '新人10元券' }] } } }
          : response,
      );
    taro.request.mockImplementation(gifting);
    render(<JoinPage />);
    fireEvent.click(screen.getByTestId('join-terms'));
    await act(async () => {
      fireEvent.click(screen.getByTestId('join-submit'));
    });
    await waitFor(() => expect(taro.reLaunch).toHaveBeenCalled());
    expect(taro.showModal).toHaveBeenCalledWith(expect.objectContaining({ content: '入会礼已到账：100 积分、新人10元券' }));
  });
});
