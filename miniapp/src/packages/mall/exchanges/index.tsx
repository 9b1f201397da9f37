import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { api } from '../../../api';
import { LoadGate } from '../../../components/load-gate';
import { StatusView } from '../../../components/status-view';
import { formatDateTime } from '../../../lib/format';
import { EXCHANGE_STATUS_LABEL } from '../../../lib/mall';
import { useLoader } from '../../../lib/use-loader';
import { ROUTES, withQuery } from '../../../routes';
import '../mall.scss';

/** My mall exchanges, newest first, with the pickup code or shipping status of each. */
export default function MallExchangesPage() {
  const loader = useLoader(() => api.getMyExchanges({ limit: 50 }), { refreshOnShow: true });
  return (
    <LoadGate state={loader.state} testId="mall-exchanges" loadingText="正在加载兑换记录…" onRetry={() => void loader.reload()}>
      {(page) =>
        page.items.length === 0 ? (
          <View className="page">
            <StatusView
              kind="empty"
              text="还没有兑换记录，用积分换点好礼吧"
              testId="mall-exchanges-empty"
              action={{ label: '去积分商城', onClick: () => void Taro.switchTab({ url: ROUTES.mall }), testId: 'mall-exchanges-browse' }}
            />
          </View>
        ) : (
          <View className="page">
            <View className="card" data-testid="mall-exchanges-list">
              {page.items.map((exchange) => (
                <View
                  className="mall-exchange"
                  key={exchange.id}
                  data-testid="mall-exchange-item"
                  onClick={() => void Taro.navigateTo({ url: withQuery(ROUTES.mallExchange, { id: exchange.id }) })}
                >
                  <View className="mall-exchange__top">
                    <Text className="list-item__title">
                      {exchange.item.name} ×{exchange.quantity}
                    </Text>
                    <Text className={exchange.status === 'cancelled' ? 'badge badge--muted' : 'badge'} data-testid="mall-exchange-status">
                      {EXCHANGE_STATUS_LABEL[exchange.status]}
                    </Text>
                  </View>
                  <Text className="muted">
                    {exchange.pointsSpent} 积分 · {formatDateTime(exchange.createdAt)}
                  </Text>
                  {exchange.status === 'awaiting_pickup' && exchange.pickupCode ? (
                    <Text className="muted">
                      提货码 <Text data-testid="mall-exchange-pickup-code">{exchange.pickupCode}</Text>
                    </Text>
                  ) : null}
                  {exchange.trackingNo ? <Text className="muted">运单号 {exchange.trackingNo}</Text> : null}
                </View>
              ))}
            </View>
          </View>
        )
      }
    </LoadGate>
  );
}
