/**
 * What the operator puts on offer before the journey, through the API as the demo `admin` (the
 * operators' console is not part of the mini-program): a pickup item in the points mall and a free
 * coupon in the coupon centre.
 */
import type { CouponTemplate, MallItem } from '@memberloop/shared';
import type { Api } from './harness';

export const MALL_ITEM = {
  name: '鹿鸣随行杯',
  description: '不锈钢保温随行杯，到店自提',
  pointsPrice: 100,
  stock: 20,
  perMemberLimit: 1,
  fulfilment: 'pickup',
} as const;

export const COUPON = {
  name: '到店立减20元',
  description: '会员专享，到店消费可用',
  kind: 'cash_off',
  valueFen: 2000,
  thresholdFen: 0,
  validityMode: 'relative',
  validDays: 30,
  perMemberLimit: 1,
  claimable: true,
} as const;

/** A purchase that earns more points than the mall item costs (10 points per ¥100 pro rata by default: 128). */
export const PURCHASE = { amountFen: 128_800, shown: '1288' } as const;

export interface Offers {
  adminToken: string;
  item: MallItem;
  template: CouponTemplate;
}

export async function putOffersOnSale(api: Api): Promise<Offers> {
  const adminToken = await api.staffToken('admin');
  const template = await api.ok<CouponTemplate>('POST', '/coupon-templates', { token: adminToken, body: COUPON, expect: 201 });
  const item = await api.ok<MallItem>('POST', '/mall/items', { token: adminToken, body: MALL_ITEM, expect: 201 });
  return { adminToken, item, template };
}
