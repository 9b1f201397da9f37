import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { api, messageOf } from '../../api';
import { LoadGate } from '../../components/load-gate';
import { StatusView } from '../../components/status-view';
import { formatDateTime } from '../../lib/format';
import { allRead, loadInbox, loadMore, markedRead, type Inbox, type InboxMessage } from '../../lib/inbox';
import { requestSubscription, subscriptionMessage } from '../../lib/subscribe-message';
import { useLoader } from '../../lib/use-loader';

/** 消息中心: the in-app inbox (tap a message to mark it read) and the subscribe-message prompt. */
export default function MessagesPage() {
  const loader = useLoader(() => loadInbox(api), { refreshOnShow: true });
  const [busy, setBusy] = useState(false);

  async function remindMe() {
    const result = await requestSubscription(['couponArrival', 'pointsExpiry']);
    void Taro.showToast({ title: subscriptionMessage(result), icon: 'none' });
  }

  async function open(message: InboxMessage) {
    if (message.read) return;
    // shown as read at once; the server keeps the first read time, so a repeat is harmless
    loader.update((inbox) => markedRead(inbox, message.id));
    try {
      await api.markInboxRead(message.id);
    } catch {
      // stays read on screen; the next load shows what the server has
    }
  }

  async function readAll() {
    setBusy(true);
    try {
      await api.markAllInboxRead();
      loader.update(allRead);
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' });
    } finally {
      setBusy(false);
    }
  }

  async function more(inbox: Inbox) {
    setBusy(true);
    try {
      const next = await loadMore(api, inbox);
      loader.update(() => next);
    } catch (error) {
      void Taro.showToast({ title: messageOf(error), icon: 'none' });
    } finally {
      setBusy(false);
    }
  }

  return (
    <LoadGate state={loader.state} testId="messages" loadingText="正在加载消息…" onRetry={() => void loader.reload()}>
      {(inbox) => (
        <View className="page messages-page">
          {inbox.messages.length === 0 ? (
            <StatusView kind="empty" text="暂无消息。优惠券到账、积分到期等通知会出现在这里" testId="messages-empty" />
          ) : (
            <View className="card" data-testid="messages-list">
              <View className="row">
                <Text className="row__label-strong" data-testid="messages-unread">
                  {inbox.unread > 0 ? `${inbox.unread} 条未读` : '全部已读'}
                </Text>
                {inbox.unread > 0 ? (
                  <Button className="btn btn--plain btn--small" disabled={busy} onClick={() => void readAll()} data-testid="messages-read-all">
                    全部已读
                  </Button>
                ) : null}
              </View>
              {inbox.messages.map((message) => (
                <View className="list-item" key={message.id} data-testid="messages-item" data-read={message.read ? 'yes' : 'no'} onClick={() => void open(message)}>
                  <View className="list-item__main">
                    <Text className="list-item__title">{message.title}</Text>
                    <Text className="muted">{message.body}</Text>
                    <Text className="muted">{formatDateTime(message.sentAt)}</Text>
                  </View>
                  {message.read ? null : <Text className="badge">未读</Text>}
                </View>
              ))}
              {inbox.messages.length < inbox.total ? (
                <Button className="btn btn--plain" disabled={busy} onClick={() => void more(inbox)} data-testid="messages-more">
                  加载更多
                </Button>
              ) : null}
            </View>
          )}
          <View className="card">
            <Text className="row__label-strong">微信消息提醒</Text>
            <Text className="muted" style={{ display: 'block', margin: '8px 0 24px' }}>
              开启后，优惠券到账和积分即将过期时通过微信服务通知提醒您
            </Text>
            <Button className="btn btn--plain" onClick={() => void remindMe()} data-testid="messages-subscribe">
              开启消息提醒
            </Button>
          </View>
        </View>
      )}
    </LoadGate>
  );
}
