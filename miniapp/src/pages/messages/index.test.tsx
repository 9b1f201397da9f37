import { act, fireEvent, render, screen } from '@testing-library/react';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import * as taro from '../../../test/stubs/taro';
import { loadInbox } from '../../lib/inbox';
import MessagesPage from './index';

let backend: FakeBackend;

beforeEach(() => {
  backend = createFakeBackend();
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-member'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

describe('messages page', () => {
  it('shows the empty inbox (the server has no inbox yet) and the reminder prompt', async () => {
    backend.seedMember('wx-member');
    render(<MessagesPage />);
    expect(screen.getByTestId('messages-loading')).toBeTruthy();
    expect((await screen.findByTestId('messages-empty')).textContent).toContain('暂无消息');
    await act(async () => {
      fireEvent.click(screen.getByTestId('messages-subscribe'));
    });
    expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '消息提醒仅在微信小程序中可用' }));
  });

  it('offers a non-member to join, and shows errors', async () => {
    render(<MessagesPage />);
    expect(await screen.findByTestId('messages-not-member')).toBeTruthy();
  });

  it('shows an error with 重试', async () => {
    backend.seedMember('wx-member');
    backend.failNext('GET /members/me', { status: 500, body: { code: 'INTERNAL', message: 'x' } });
    render(<MessagesPage />);
    expect((await screen.findByTestId('messages-error')).textContent).toContain('系统开小差了');
    await act(async () => {
      fireEvent.click(screen.getByTestId('messages-retry'));
    });
    expect(await screen.findByTestId('messages-empty')).toBeTruthy();
  });
});

describe('loadInbox', () => {
  it('checks the member and answers no messages', async () => {
    const getMe = jest.fn(async () => ({}) as never);
    await expect(loadInbox({ getMe })).resolves.toEqual([]);
    expect(getMe).toHaveBeenCalledTimes(1);
  });
});
