import { Button, Image, Input, Picker, Text, View } from '@tarojs/components';
import type { CreateMallExchangeBody, MallCatalogueItem, MallExchangeResult, MemberProfile, PointsSummary, Tier } from '@memberloop/shared';
import Taro, { useRouter } from '@tarojs/taro';
import { useRef, useState } from 'react';
import { api, createActionKey, runKeyed } from '../../../api';
import { LoadGate } from '../../../components/load-gate';
import { formatDateTime } from '../../../lib/format';
import { EMPTY_ADDRESS, FULFILMENT_LABEL, maxQuantity, priceText, tierLabel, unavailableText, validateAddress, type AddressDraft } from '../../../lib/mall';
import { useConfirmedAction } from '../../../lib/use-confirmed-action';
import { useLoader } from '../../../lib/use-loader';
import { ROUTES, withQuery } from '../../../routes';
import '../mall.scss';

interface ItemPageData {
  item: MallCatalogueItem;
  points: PointsSummary;
  member: MemberProfile;
  ladder: Tier[] | null;
}

const ADDRESS_FIELDS: Array<{ key: keyof AddressDraft; label: string; placeholder: string }> = [
  { key: 'name', label: '收货人', placeholder: '姓名' },
  { key: 'phone', label: '手机号', placeholder: '11 位手机号' },
  { key: 'province', label: '省份', placeholder: '如 上海市' },
  { key: 'city', label: '城市', placeholder: '如 上海市' },
  { key: 'district', label: '区县', placeholder: '如 静安区' },
  { key: 'detail', label: '详细地址', placeholder: '街道、楼栋、门牌号' },
];

/** Members have no store list of their own; they may collect anywhere, or at the store they joined at. */
function pickupOptions(member: MemberProfile): Array<{ label: string; storeId: string | undefined }> {
  const options: Array<{ label: string; storeId: string | undefined }> = [{ label: '任意门店均可提货', storeId: undefined }];
  if (member.joinSource.storeId) options.push({ label: '我的入会门店', storeId: member.joinSource.storeId });
  return options;
}

export default function MallItemPage() {
  const id = useRouter().params.id ?? '';
  const loader = useLoader(async (): Promise<ItemPageData> => {
    const [item, points, member, ladder] = await Promise.all([
      api.getCatalogueItem(id),
      api.getPoints(),
      api.getMe(),
      api.getTier().then(
        (tier) => tier.ladder,
        () => null,
      ),
    ]);
    return { item, points, member, ladder };
  });
  return (
    <LoadGate state={loader.state} testId="mall-detail" loadingText="正在加载商品…" onRetry={() => void loader.reload()}>
      {(data) => <ItemView data={data} />}
    </LoadGate>
  );
}

function ItemView({ data }: { data: ItemPageData }) {
  const { item, points, member, ladder } = data;
  const max = maxQuantity(item, points.available);
  const [quantity, setQuantity] = useState(1);
  const [pickupIndex, setPickupIndex] = useState(0);
  const [address, setAddress] = useState<AddressDraft>(EMPTY_ADDRESS);
  const [formError, setFormError] = useState<string | null>(null);
  const action = useConfirmedAction<MallExchangeResult>();
  const key = useRef(createActionKey());
  const off = unavailableText(item, ladder);
  const options = pickupOptions(member);
  const short = !off && max < 1;

  async function exchange() {
    if (off || short) return;
    const body: CreateMallExchangeBody = { itemId: item.id, quantity };
    if (item.fulfilment === 'pickup') {
      const storeId = options[pickupIndex]?.storeId;
      if (storeId) body.pickupStoreId = storeId;
    }
    if (item.fulfilment === 'shipping') {
      const checked = validateAddress(address);
      if (!checked.ok) {
        setFormError(checked.error);
        return;
      }
      body.shippingAddress = checked.value;
    }
    setFormError(null);
    const result = await action.run(
      {
        title: '确认兑换',
        content: `使用 ${priceText(item, quantity)} 兑换「${item.name}」×${quantity}？${item.fulfilment === 'pickup' ? '兑换后凭提货码到店领取。' : ''}`,
        confirmText: '兑换',
      },
      () => runKeyed(key.current, body, (idempotencyKey) => api.createExchange(body, idempotencyKey)),
    );
    if (result) {
      void Taro.showToast({ title: '兑换成功', icon: 'success' });
      await Taro.redirectTo({ url: withQuery(ROUTES.mallExchange, { id: result.exchange.id }) });
    }
  }

  const { state } = action;
  return (
    <View className="page mall-detail" data-testid="mall-detail">
      {item.imageUrl ? (
        <Image className="mall-detail__image" src={item.imageUrl} mode="aspectFill" />
      ) : (
        <View className="mall-detail__image">
          <Text>礼</Text>
        </View>
      )}
      <View className="card">
        <Text className="mall-detail__name" data-testid="mall-detail-name">
          {item.name}
        </Text>
        <Text className="mall-detail__price" data-testid="mall-detail-price">
          {priceText(item)}
        </Text>
        {item.description ? <Text className="muted">{item.description}</Text> : null}
        <View className="row">
          <Text className="row__label">库存</Text>
          <Text className="row__value" data-testid="mall-detail-stock">
            {item.stock}
          </Text>
        </View>
        <View className="row">
          <Text className="row__label">兑换方式</Text>
          <Text className="row__value" data-testid="mall-detail-fulfilment">
            {FULFILMENT_LABEL[item.fulfilment]}
          </Text>
        </View>
        {item.minTierLevel > 0 ? (
          <View className="row">
            <Text className="row__label">等级要求</Text>
            <Text className="row__value" data-testid="mall-detail-tier">
              {tierLabel(item.minTierLevel, ladder)}及以上
            </Text>
          </View>
        ) : null}
        {item.perMemberLimit !== null ? (
          <View className="row">
            <Text className="row__label">限兑</Text>
            <Text className="row__value" data-testid="mall-detail-limit">
              每人 {item.perMemberLimit} 件，已兑 {item.exchangedByMe} 件
            </Text>
          </View>
        ) : null}
        {item.availableUntil ? (
          <View className="row">
            <Text className="row__label">兑换截止</Text>
            <Text className="row__value">{formatDateTime(new Date(Date.parse(item.availableUntil) - 1))}</Text>
          </View>
        ) : null}
        <View className="row">
          <Text className="row__label">我的可用积分</Text>
          <Text className="row__value" data-testid="mall-detail-points">
            {points.available}
          </Text>
        </View>
      </View>

      {!off ? (
        <View className="card">
          <View className="row">
            <Text className="row__label">数量</Text>
            <View className="stepper">
              <Text className={quantity > 1 ? 'stepper__button' : 'stepper__button stepper__button--off'} onClick={() => setQuantity((q) => Math.max(1, q - 1))} data-testid="mall-qty-minus">
                −
              </Text>
              <Text className="stepper__value" data-testid="mall-qty-value">
                {quantity}
              </Text>
              <Text className={quantity < max ? 'stepper__button' : 'stepper__button stepper__button--off'} onClick={() => setQuantity((q) => Math.min(Math.max(1, max), q + 1))} data-testid="mall-qty-plus">
                +
              </Text>
            </View>
          </View>

          {item.fulfilment === 'pickup' ? (
            <View className="row">
              <Text className="row__label">提货门店</Text>
              <Picker mode="selector" range={options.map((o) => o.label)} value={pickupIndex} onChange={(e) => setPickupIndex(Number(e.detail.value))} data-testid="mall-pickup-store">
                <Text className="row__chevron" data-testid="mall-pickup-store-name">
                  {options[pickupIndex]?.label} ›
                </Text>
              </Picker>
            </View>
          ) : null}

          {item.fulfilment === 'shipping' ? (
            <View data-testid="mall-address">
              <Text className="section-title">收货地址</Text>
              {ADDRESS_FIELDS.map((field) => (
                <View className="field" key={field.key}>
                  <Text className="field__label">{field.label}</Text>
                  <Input
                    className="field__input"
                    value={address[field.key]}
                    placeholder={field.placeholder}
                    type={field.key === 'phone' ? 'number' : 'text'}
                    onInput={(e) => setAddress((current) => ({ ...current, [field.key]: e.detail.value }))}
                    data-testid={`mall-address-${field.key}`}
                  />
                </View>
              ))}
            </View>
          ) : null}

          {item.fulfilment === 'coupon' ? <Text className="muted">兑换后优惠券直接发放到「我的优惠券」</Text> : null}
          <View className="row">
            <Text className="row__label">合计</Text>
            <Text className="row__value" data-testid="mall-detail-total">
              {priceText(item, quantity)}
            </Text>
          </View>
        </View>
      ) : null}

      {formError ? (
        <View className="notice" role="alert" data-testid="mall-address-error">
          <Text>{formError}</Text>
        </View>
      ) : null}
      {state.kind === 'error' ? (
        <View className="notice" role="alert" data-testid="mall-exchange-error">
          <Text>{state.message}</Text>
        </View>
      ) : null}

      <Button
        className="btn btn--primary"
        disabled={Boolean(off) || short}
        loading={state.kind === 'busy'}
        onClick={() => void exchange()}
        data-testid="mall-exchange-submit"
      >
        {off ?? (short ? '积分不足' : '立即兑换')}
      </Button>
    </View>
  );
}
