import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import * as taro from '../../../test/stubs/taro';
import CardPage from './index';

let backend: FakeBackend;

beforeEach(() => {
  backend = createFakeBackend();
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-member'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

afterEach(() => {
  jest.useRealTimers();
});

function seed() {
  return backend.seedMember('wx-member', { nickname: '小林', phone: '13812341234', phoneBoundAt: '2026-11-20T02:00:00.000Z' });
}

describe('member card page', () => {
  it('shows the tier, points, the member number, the phone in full and the code as barcode and QR', async () => {
    const member = seed();
    render(<CardPage />);
    expect(screen.getByTestId('card-loading')).toBeTruthy();

    const code = await screen.findByTestId('card-code');
    const card = backend.calls.find((c) => c.url.endsWith('/members/me/card'));
    expect(card).toBeTruthy();
    const issued = backend.world('wx-member').cardCodes.at(-1)!;
    expect(code.textContent?.replace(/\s/g, '')).toBe(issued);
    expect(screen.getByTestId('card-qr').getAttribute('data-value')).toBe(issued);
    expect(screen.getByTestId('card-barcode').getAttribute('data-value')).toBe(issued);
    expect(screen.getByTestId('card-tier-name').textContent).toBe('普通会员');
    expect(screen.getByTestId('card-points-balance').textContent).toBe('1280');
    expect(screen.getByTestId('card-member-no').textContent).toBe(`NO. ${member.memberNo}`);
    expect(screen.getByTestId('card-phone').textContent).toBe('13812341234');
    expect(screen.queryByTestId('card-bind-phone')).toBeNull();
    expect(screen.getByText('小林')).toBeTruthy();
  });

  it('draws the QR code as rows of dark and light runs, and the barcode as bars', async () => {
    seed();
    render(<CardPage />);
    const qr = await screen.findByTestId('card-qr');
    expect(qr.getAttribute('data-version')).toBe('1');
    expect(qr.children).toHaveLength(21);
    expect(qr.querySelectorAll('.qr__run--dark').length).toBeGreaterThan(21);
    const barcode = screen.getByTestId('card-barcode');
    // start, 7 pairs, checksum: 9 symbols of 6 elements, and the stop of 7
    expect(barcode.children).toHaveLength(9 * 6 + 7);
  });

  it('fetches the next code at refreshAt, and pauses while hidden', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-24T02:00:10.000Z'), doNotFake: ['queueMicrotask'] });
    seed();
    render(<CardPage />);
    await screen.findByTestId('card-code');
    const first = screen.getByTestId('card-qr').getAttribute('data-value');
    const cardCalls = () => backend.paths().filter((p) => p === 'GET /members/me/card').length;
    expect(cardCalls()).toBe(1);

    // refreshAt is 5 s before the 30-second window ends at 02:00:30
    await act(async () => {
      jest.advanceTimersByTime(14_000);
    });
    expect(cardCalls()).toBe(1);
    await act(async () => {
      jest.advanceTimersByTime(2_000);
    });
    await waitFor(() => expect(cardCalls()).toBe(2));
    // Still the same window: the server hands out the same code, its refreshAt already passed,
    // so the page asks again 5 s later, in the next window.
    expect(screen.getByTestId('card-qr').getAttribute('data-value')).toBe(first);
    await act(async () => {
      jest.advanceTimersByTime(5_000);
    });
    await waitFor(() => expect(cardCalls()).toBe(3));
    await waitFor(() => expect(screen.getByTestId('card-qr').getAttribute('data-value')).not.toBe(first));
    expect(screen.getByTestId('card-barcode').getAttribute('data-value')).toBe(screen.getByTestId('card-qr').getAttribute('data-value'));

    act(() => taro.triggerDidHide());
    await act(async () => {
      jest.advanceTimersByTime(120_000);
    });
    expect(cardCalls()).toBe(3);
    act(() => taro.triggerDidShow());
    await act(async () => {
      jest.advanceTimersByTime(5_000);
    });
    await waitFor(() => expect(cardCalls()).toBeGreaterThan(3));
  });

  it('says when the code could not be refreshed, and refreshes on tap', async () => {
    seed();
    render(<CardPage />);
    await screen.findByTestId('card-code');
    backend.failNext('GET /members/me/card', { status: 500, body: { code: 'INTERNAL', message: 'boom' } });
    await act(async () => {
      fireEvent.click(screen.getByTestId('card-refresh'));
    });
    expect(await screen.findByTestId('card-code-error')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByTestId('card-refresh'));
    });
    await waitFor(() => expect(screen.queryByTestId('card-code-error')).toBeNull());
  });

  it('offers to bind a phone when none is bound', async () => {
    backend.seedMember('wx-member');
    render(<CardPage />);
    expect((await screen.findByTestId('card-phone')).textContent).toBe('未绑定');
    fireEvent.click(screen.getByTestId('card-bind-phone'));
    expect(taro.switchTab).toHaveBeenCalledWith({ url: '/pages/profile/index' });
  });

  it('still shows the card when points and tier cannot be loaded', async () => {
    seed();
    backend.failNext('GET /members/me/points', { status: 500, body: { code: 'INTERNAL', message: 'x' } });
    backend.failNext('GET /members/me/tier', { status: 500, body: { code: 'INTERNAL', message: 'x' } });
    render(<CardPage />);
    await screen.findByTestId('card-code');
    expect(screen.getByTestId('card-points-balance').textContent).toBe('—');
    expect(screen.getByTestId('card-tier-name').textContent).toBe('会员');
  });

  it('welcomes a member who just joined', async () => {
    seed();
    taro.setRouterParams({ welcome: '1' });
    render(<CardPage />);
    expect(await screen.findByTestId('card-welcome')).toBeTruthy();
  });

  it('offers a visitor who is not a member to join', async () => {
    render(<CardPage />);
    expect(await screen.findByTestId('card-not-member')).toBeTruthy();
    expect(backend.members.size).toBe(0);
    fireEvent.click(screen.getByTestId('card-join'));
    expect(taro.navigateTo).toHaveBeenCalledWith({ url: '/pages/join/index' });
  });

  it('shows an error with 重试', async () => {
    seed();
    backend.failNext('GET /members/me', { status: 403, body: { code: 'MEMBER_DISABLED', message: 'closed' } });
    render(<CardPage />);
    expect(await screen.findByText('您的会员资格已关闭，如有疑问请联系门店')).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByTestId('card-retry'));
    });
    expect(await screen.findByTestId('card-code')).toBeTruthy();
  });
});
