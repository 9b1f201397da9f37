import type { MallCatalogueItem, MallExchangeStatus, MallFulfilment, ShippingAddress, Tier } from '@memberloop/shared';
import { normalizeCnMobile } from '@memberloop/shared';
import { shortYuan } from './coupons';

/**
 * Units one exchange may take: MALL_QUANTITY_MAX of @memberloop/shared (mall.test.ts checks they
 * agree). Not imported, because importing it pulls the TypeBox schemas into the bundle.
 */
export const MALL_QUANTITY_MAX = 10;

export const EXCHANGE_STATUS_LABEL: Record<MallExchangeStatus, string> = {
  awaiting_pickup: '待提货',
  picked_up: '已提货',
  awaiting_shipment: '待发货',
  shipped: '已发货',
  delivered: '已签收',
  issued: '已发放',
  cancelled: '已取消',
};

export const FULFILMENT_LABEL: Record<MallFulfilment, string> = {
  pickup: '门店自提',
  shipping: '快递到家',
  coupon: '优惠券，兑换后直接发放到券包',
};

/** "200 积分" or "800 积分 + ¥10". */
export function priceText(item: Pick<MallCatalogueItem, 'pointsPrice' | 'cashPriceFen'>, quantity = 1): string {
  const points = `${item.pointsPrice * quantity} 积分`;
  return item.cashPriceFen > 0 ? `${points} + ¥${shortYuan(item.cashPriceFen * quantity)}` : points;
}

/** The tier an item needs, by name when the ladder is known. */
export function tierLabel(level: number, ladder: readonly Tier[] | null): string {
  return ladder?.find((tier) => tier.level === level)?.name ?? `等级 ${level}`;
}

/** Why an item cannot be exchanged now, in words; null when it can. */
export function unavailableText(item: MallCatalogueItem, ladder: readonly Tier[] | null): string | null {
  if (item.canExchange) return null;
  switch (item.reason) {
    case 'MALL_TIER_TOO_LOW':
      return `${tierLabel(item.minTierLevel, ladder)}及以上可兑换`;
    case 'MALL_OUT_OF_STOCK':
      return '已兑完';
    case 'MALL_LIMIT_REACHED':
      return '已达兑换上限';
    default:
      return '暂不可兑换';
  }
}

/** The most units the member can take in one exchange: stock, their limit, their points and the per-exchange cap. */
export function maxQuantity(item: MallCatalogueItem, availablePoints: number | null): number {
  let max = Math.min(MALL_QUANTITY_MAX, item.stock);
  if (item.remainingForMe !== null) max = Math.min(max, item.remainingForMe);
  if (availablePoints !== null && item.pointsPrice > 0) max = Math.min(max, Math.floor(availablePoints / item.pointsPrice));
  return Math.max(0, max);
}

export interface AddressDraft {
  name: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
}

export const EMPTY_ADDRESS: AddressDraft = { name: '', phone: '', province: '', city: '', district: '', detail: '' };

const ADDRESS_LIMITS: Record<keyof AddressDraft, [string, number]> = {
  name: ['收货人', 50],
  phone: ['手机号', 20],
  province: ['省份', 50],
  city: ['城市', 50],
  district: ['区县', 50],
  detail: ['详细地址', 200],
};

/** A shipping address as the server takes it, or the first problem with it. */
export function validateAddress(draft: AddressDraft): { ok: true; value: ShippingAddress } | { ok: false; field: keyof AddressDraft; error: string } {
  const trimmed = Object.fromEntries(Object.entries(draft).map(([k, v]) => [k, v.trim()])) as unknown as AddressDraft;
  for (const field of Object.keys(ADDRESS_LIMITS) as Array<keyof AddressDraft>) {
    const [label, max] = ADDRESS_LIMITS[field];
    if (!trimmed[field]) return { ok: false, field, error: `请填写${label}` };
    if (trimmed[field].length > max) return { ok: false, field, error: `${label}最多 ${max} 个字` };
  }
  const phone = normalizeCnMobile(trimmed.phone);
  if (!phone) return { ok: false, field: 'phone', error: '请输入正确的 11 位手机号' };
  return { ok: true, value: { ...trimmed, phone } };
}
