import { Image, Text, View } from '@tarojs/components';
import type { MallCatalogueItem, PointsSummary, Tier } from '@memberloop/shared';
import Taro from '@tarojs/taro';
import { api } from '../../api';
import { LoadGate } from '../../components/load-gate';
import { StatusView } from '../../components/status-view';
import { priceText, tierLabel, unavailableText } from '../../lib/mall';
import { useLoader } from '../../lib/use-loader';
import { ROUTES, withQuery } from '../../routes';
import './index.scss';

interface MallPageData {
  items: MallCatalogueItem[];
  points: PointsSummary;
  /** For tier names; the catalogue works without it. */
  ladder: Tier[] | null;
}

async function loadMall(): Promise<MallPageData> {
  const [items, points, ladder] = await Promise.all([
    api.getCatalogue(),
    api.getPoints(),
    api.getTier().then(
      (tier) => tier.ladder,
      () => null,
    ),
  ]);
  return { items, points, ladder };
}

/** 积分商城: the catalogue, in the main package because it is a tab; details and exchanges are in packages/mall. */
export default function MallPage() {
  const loader = useLoader(loadMall, { refreshOnShow: true });
  return (
    <LoadGate state={loader.state} testId="mall" loadingText="正在加载积分商城…" onRetry={() => void loader.reload()}>
      {({ items, points, ladder }) => (
        <View className="page mall-page">
          <View className="card mall-head">
            <View className="mall-head__points">
              <Text className="muted">可用积分</Text>
              <Text className="stats__value" data-testid="mall-points-available">
                {points.available}
              </Text>
            </View>
            <Text className="row__chevron" onClick={() => void Taro.navigateTo({ url: ROUTES.mallExchanges })} data-testid="mall-my-exchanges">
              我的兑换 ›
            </Text>
          </View>
          {items.length === 0 ? (
            <StatusView kind="empty" text="积分商城正在上新，敬请期待" testId="mall-empty" />
          ) : (
            <View className="mall-grid" data-testid="mall-catalogue">
              {items.map((item) => {
                const off = unavailableText(item, ladder);
                return (
                  <View
                    key={item.id}
                    className={off ? 'mall-item mall-item--off' : 'mall-item'}
                    data-testid="mall-item"
                    data-item-id={item.id}
                    onClick={() => void Taro.navigateTo({ url: withQuery(ROUTES.mallItem, { id: item.id }) })}
                  >
                    {item.imageUrl ? (
                      <Image className="mall-item__image" src={item.imageUrl} mode="aspectFill" />
                    ) : (
                      <View className="mall-item__image">
                        <Text>礼</Text>
                      </View>
                    )}
                    <View className="mall-item__body">
                      <Text className="mall-item__name" data-testid="mall-item-name">
                        {item.name}
                      </Text>
                      <Text className="mall-item__price" data-testid="mall-item-price">
                        {priceText(item)}
                      </Text>
                      <Text className="muted" data-testid="mall-item-stock">
                        库存 {item.stock}
                      </Text>
                      <View className="mall-item__tags">
                        {item.minTierLevel > 0 ? (
                          <Text className="badge" data-testid="mall-item-tier">
                            {tierLabel(item.minTierLevel, ladder)}专享
                          </Text>
                        ) : null}
                        {item.perMemberLimit !== null ? <Text className="badge badge--muted">每人限兑 {item.perMemberLimit}</Text> : null}
                        {off ? (
                          <Text className="badge badge--warn" data-testid="mall-item-unavailable">
                            {off}
                          </Text>
                        ) : null}
                      </View>
                    </View>
                  </View>
                );
              })}
            </View>
          )}
        </View>
      )}
    </LoadGate>
  );
}
