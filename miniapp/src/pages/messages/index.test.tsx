import type { InboxMessage as ServerInboxMessage } from '@memberloop/shared';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { createFakeBackend, type FakeBackend } from '../../../test/fake-backend';
import * as taro from '../../../test/stubs/taro';
import { allRead, loadInbox, loadMore, markedRead } from '../../lib/inbox';
import MessagesPage from './index';

let backend: FakeBackend;

/** Seeds the member's inbox in the fake backend (newest first). */
function seedInbox(messages: ServerInboxMessage[]) {
  backend.world('wx-member').inbox = messages;
}
const inboxCalls = () => backend.paths().filter((p) => p.includes('/members/me/inbox'));

const serverMessage = (n: number, read = false): ServerInboxMessage => ({
  id: `inb_01JD3ZQ8W7X9K2M4N6P8R0T${String(n).padStart(3, '0')}`,
  title: `优惠券到账 ${n}`,
  body: `您的满100减20券已到账 ${n}`,
  link: null,
  createdAt: `2026-11-${String(24 - (n % 20)).padStart(2, '0')}T08:00:00.000Z`,
  readAt: read ? '2026-11-24T08:30:00.000Z' : null,
});

beforeEach(() => {
  backend = createFakeBackend();
  taro.login.mockImplementation(async () => ({ code: backend.issueCode('wx-member'), errMsg: 'login:ok' }));
  taro.request.mockImplementation((options) => backend.taroRequest(options));
});

describe('messages page', () => {
  it('shows the empty inbox and the reminder prompt', async () => {
    backend.seedMember('wx-member');
    render(<MessagesPage />);
    expect(screen.getByTestId('messages-loading')).toBeTruthy();
    expect((await screen.findByTestId('messages-empty')).textContent).toContain('暂无消息');
    await act(async () => {
      fireEvent.click(screen.getByTestId('messages-subscribe'));
    });
    expect(taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '消息提醒仅在微信小程序中可用' }));
  });

  it('lists messages newest first with the unread count; tapping one marks it read', async () => {
    backend.seedMember('wx-member');
    seedInbox([serverMessage(1), serverMessage(2), serverMessage(3, true)]);
    render(<MessagesPage />);
    const items = await screen.findAllByTestId('messages-item');
    expect(items.map((item) => item.textContent)).toEqual([
      expect.stringContaining('优惠券到账 1'),
      expect.stringContaining('优惠券到账 2'),
      expect.stringContaining('优惠券到账 3'),
    ]);
    expect(items.map((item) => item.getAttribute('data-read'))).toEqual(['no', 'no', 'yes']);
    expect(screen.getByTestId('messages-unread').textContent).toBe('2 条未读');

    await act(async () => {
      fireEvent.click(items[0]!);
    });
    await waitFor(() => expect(screen.getByTestId('messages-unread').textContent).toBe('1 条未读'));
    expect(inboxCalls()).toContain(`POST /members/me/inbox/${serverMessage(1).id}/read`);
    expect(screen.getAllByTestId('messages-item')[0]!.getAttribute('data-read')).toBe('yes');

    // a read message does not ask the server again
    const before = inboxCalls().length;
    await act(async () => {
      fireEvent.click(screen.getAllByTestId('messages-item')[2]!);
    });
    expect(inboxCalls()).toHaveLength(before);
  });

  it('marks everything read with 全部已读', async () => {
    backend.seedMember('wx-member');
    seedInbox([serverMessage(1), serverMessage(2)]);
    render(<MessagesPage />);
    await screen.findAllByTestId('messages-item');
    await act(async () => {
      fireEvent.click(screen.getByTestId('messages-read-all'));
    });
    await waitFor(() => expect(screen.getByTestId('messages-unread').textContent).toBe('全部已读'));
    expect(screen.queryByTestId('messages-read-all')).toBeNull();
    expect(screen.getAllByTestId('messages-item').every((item) => item.getAttribute('data-read') === 'yes')).toBe(true);
    expect(backend.world('wx-member').inbox.every((m) => m.readAt !== null)).toBe(true);
  });

  it('loads more when there are more messages than one page', async () => {
    backend.seedMember('wx-member');
    seedInbox(Array.from({ length: 25 }, (_, i) => serverMessage(i + 1)));
    render(<MessagesPage />);
    expect(await screen.findAllByTestId('messages-item')).toHaveLength(20);
    await act(async () => {
      fireEvent.click(screen.getByTestId('messages-more'));
    });
    await waitFor(() => expect(screen.getAllByTestId('messages-item')).toHaveLength(25));
    expect(screen.queryByTestId('messages-more')).toBeNull();
  });

  it('offers a non-member to join', async () => {
    render(<MessagesPage />);
    expect(await screen.findByTestId('messages-not-member')).toBeTruthy();
  });

  it('shows an error with 重试', async () => {
    backend.seedMember('wx-member');
    backend.failNext('GET /members/me/inbox', { status: 500, body: { code: 'INTERNAL', message: 'x' } });
    render(<MessagesPage />);
    expect((await screen.findByTestId('messages-error')).textContent).toContain('系统开小差了');
    await act(async () => {
      fireEvent.click(screen.getByTestId('messages-retry'));
    });
    expect(await screen.findByTestId('messages-empty')).toBeTruthy();
  });
});

describe('inbox helpers', () => {
  it('loads the first page and the next one without repeating messages', async () => {
    const pages = [
      { items: [serverMessage(1), serverMessage(2)], total: 3, unread: 3 },
      { items: [serverMessage(2), serverMessage(3)], total: 3, unread: 2 },
    ];
    const getInbox = jest.fn(async () => pages.shift()!);
    const first = await loadInbox({ getInbox }, 2);
    expect(getInbox).toHaveBeenCalledWith({ limit: 2, offset: 0 });
    expect(first).toMatchObject({ total: 3, unread: 3 });
    expect(first.messages[0]).toEqual({ id: serverMessage(1).id, title: '优惠券到账 1', body: '您的满100减20券已到账 1', link: null, sentAt: serverMessage(1).createdAt, read: false });
    const next = await loadMore({ getInbox }, first, 2);
    expect(getInbox).toHaveBeenLastCalledWith({ limit: 2, offset: 2 });
    expect(next.messages.map((m) => m.title)).toEqual(['优惠券到账 1', '优惠券到账 2', '优惠券到账 3']);
    expect(next.unread).toBe(2);
  });

  it('counts reads once', () => {
    const inboxView = { messages: [{ id: 'a', title: '', body: '', link: null, sentAt: '', read: false }], total: 1, unread: 1 };
    const once = markedRead(inboxView, 'a');
    expect(once.unread).toBe(0);
    expect(markedRead(once, 'a')).toBe(once);
    expect(markedRead(inboxView, 'missing')).toBe(inboxView);
    expect(allRead(inboxView)).toEqual({ messages: [{ ...inboxView.messages[0], read: true }], total: 1, unread: 0 });
  });
});
