import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import { pointEntry } from '../../../test/fixtures';
import * as taro from '../../../test/stubs/taro';
import PointsPage from './index';

let backend: FakeBackend;

beforeEach(() => {
  backend = createFakeBackend();
  backend.seedMember('wx-member');
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-member'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

afterEach(() => {
  jest.useRealTimers();
});

async function tap(testId: string) {
  await act(async () => {
    fireEvent.click(screen.getByTestId(testId));
  });
}

describe('points page', () => {
  it('shows balance, available, locked and expiring points, the expiring lots and the history with reasons', async () => {
    render(<PointsPage />);
    expect(screen.getByTestId('points-loading')).toBeTruthy();
    expect((await screen.findByTestId('points-balance')).textContent).toBe('1280');
    expect(screen.getByTestId('points-available').textContent).toBe('1080');
    expect(screen.getByTestId('points-locked').textContent).toBe('200');
    expect(screen.getByTestId('points-expiring-soon').textContent).toBe('300');
    expect(screen.getByTestId('points-expiring-note').textContent).toBe('300 积分将于 2026-12-01 起陆续过期，请尽快使用');
    expect(screen.getAllByTestId('points-expiring-item').map((el) => el.textContent)).toEqual(['2026-12-01 到期300 积分']);

    const titles = screen.getAllByTestId('points-entry-title').map((el) => el.textContent);
    expect(titles).toEqual(['每日签到', '积分商城兑换', '消费得积分', '积分过期']);
    expect(screen.getAllByTestId('points-entry-amount').map((el) => el.textContent)).toEqual(['+5', '-500', '+128', '-50']);
    expect(screen.getByText('积分商城兑换：保温杯 ×1')).toBeTruthy();
    expect(screen.getByText('消费 128.00 元')).toBeTruthy();
    expect(screen.queryByText('Daily check-in')).toBeNull();
    expect(backend.paths()).toEqual(
      expect.arrayContaining(['GET /members/me/points', 'GET /members/me/points/entries?limit=20&offset=0', 'GET /members/me/points/expiring?days=30']),
    );
  });

  it('checks in once with an Idempotency-Key and shows the new balance', async () => {
    render(<PointsPage />);
    await screen.findByTestId('points-checkin');
    expect(screen.getByTestId('points-checkin').textContent).toBe('签到');
    await tap('points-checkin');

    await waitFor(() => expect(screen.getByTestId('points-balance').textContent).toBe('1285'));
    const post = backend.calls.find((c) => c.method === 'POST' && c.url.endsWith('/members/me/checkins'))!;
    expect(post.header['Idempotency-Key']).toMatch(/^ml-/);
    expect(screen.getByTestId('points-checkin').textContent).toBe('今日已签到');
    expect((screen.getByTestId('points-checkin') as HTMLButtonElement).disabled).toBe(true);
    expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '签到成功 +5 积分' }));
  });

  it('shows 今日已签到 when the server answers ALREADY_CHECKED_IN', async () => {
    backend.world('wx-member').checkedInToday = true;
    render(<PointsPage />);
    await screen.findByTestId('points-checkin');
    await tap('points-checkin');
    await waitFor(() => expect(screen.getByTestId('points-checkin').textContent).toBe('今日已签到'));
    expect(screen.getByTestId('points-checkin-status').textContent).toBe('今日已签到，明天再来');
    expect(screen.queryByTestId('points-checkin-error')).toBeNull();
  });

  it('knows from today’s history that the member already checked in', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-24T02:00:00.000Z'), doNotFake: ['queueMicrotask', 'setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    backend.world('wx-member').entries.unshift(pointEntry({ type: 'earn', amount: 5, balanceAfter: 1285, reason: 'Daily check-in', sourceType: 'checkin', createdAt: '2026-11-24T00:30:00.000Z' }));
    render(<PointsPage />);
    expect((await screen.findByTestId('points-checkin')).textContent).toBe('今日已签到');
  });

  it('shows a check-in failure and lets the member try again', async () => {
    backend.failNext('POST /members/me/checkins', { status: 429, body: { code: 'RATE_LIMITED', message: 'slow' } });
    render(<PointsPage />);
    await screen.findByTestId('points-checkin');
    await tap('points-checkin');
    expect((await screen.findByTestId('points-checkin-error')).textContent).toBe('操作太频繁了，请稍后再试');
    await tap('points-checkin');
    await waitFor(() => expect(screen.getByTestId('points-checkin').textContent).toBe('今日已签到'));
  });

  it('pages through the history', async () => {
    const world = backend.world('wx-member');
    for (let i = 0; i < 30; i++) world.entries.push(pointEntry({ type: 'earn', amount: 1, balanceAfter: 1, reason: `消费 ${i}.00 元`, sourceType: 'order' }));
    render(<PointsPage />);
    await screen.findByTestId('points-history');
    expect(screen.getAllByTestId('points-entry')).toHaveLength(20);
    await tap('points-load-more');
    await waitFor(() => expect(screen.getAllByTestId('points-entry')).toHaveLength(34));
    expect(screen.queryByTestId('points-load-more')).toBeNull();
    expect(backend.paths()).toContain('GET /members/me/points/entries?limit=20&offset=20');
  });

  it('shows the empty history and no expiring lots', async () => {
    const world = backend.world('wx-member');
    world.entries = [];
    world.expiring = [];
    render(<PointsPage />);
    expect(await screen.findByTestId('points-history-empty')).toBeTruthy();
    expect(screen.getByTestId('points-expiring-empty').textContent).toBe('近 30 天没有积分过期');
  });

  it('asks for the points expiry reminder and says the result (H5: not available)', async () => {
    render(<PointsPage />);
    await screen.findByTestId('points-subscribe');
    await tap('points-subscribe');
    expect(taro.requestSubscribeMessage).not.toHaveBeenCalled();
    expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '消息提醒仅在微信小程序中可用' }));
  });

  it('shows an error with 重试', async () => {
    backend.failNext('GET /members/me/points', { status: 500, body: { code: 'INTERNAL', message: 'x' } });
    render(<PointsPage />);
    expect(await screen.findByTestId('points-error')).toBeTruthy();
    await tap('points-retry');
    expect((await screen.findByTestId('points-balance')).textContent).toBe('1280');
  });
});
