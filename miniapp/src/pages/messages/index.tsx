import { Button, Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { api } from '../../api';
import { LoadGate } from '../../components/load-gate';
import { StatusView } from '../../components/status-view';
import { formatDateTime } from '../../lib/format';
import { loadInbox } from '../../lib/inbox';
import { requestSubscription, subscriptionMessage } from '../../lib/subscribe-message';
import { useLoader } from '../../lib/use-loader';

/** 消息中心: the in-app inbox (empty until the server has one), and the subscribe-message prompt. */
export default function MessagesPage() {
  const loader = useLoader(() => loadInbox(api), { refreshOnShow: true });

  async function remindMe() {
    const result = await requestSubscription(['couponArrival', 'pointsExpiry']);
    void Taro.showToast({ title: subscriptionMessage(result), icon: 'none' });
  }

  return (
    <LoadGate state={loader.state} testId="messages" loadingText="正在加载消息…" onRetry={() => void loader.reload()}>
      {(messages) => (
        <View className="page messages-page">
          {messages.length === 0 ? (
            <StatusView kind="empty" text="暂无消息。优惠券到账、积分到期等通知会出现在这里" testId="messages-empty" />
          ) : (
            <View className="card" data-testid="messages-list">
              {messages.map((message) => (
                <View className="list-item" key={message.id} data-testid="messages-item">
                  <View className="list-item__main">
                    <Text className="list-item__title">{message.title}</Text>
                    <Text className="muted">{message.body}</Text>
                    <Text className="muted">{formatDateTime(message.sentAt)}</Text>
                  </View>
                  {message.read ? null : <Text className="badge">未读</Text>}
                </View>
              ))}
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
