/**
 * Data the fake backend starts with: one brand's tier ladder, coupons, mall items, stores and
 * staff, and what each new member holds. Values follow the shapes of @memberloop/shared.
 */
import type {
  ClaimableCoupon,
  Coupon,
  CouponTemplateSummary,
  MallCatalogueItem,
  PointEntry,
  PointsSummary,
  Store,
  Tier,
} from '@memberloop/shared';

export const FIXED_NOW = '2026-11-24T02:00:00.000Z';
export const BRAND_ID = 'brd_01JD3ZQ8W7X9K2M4N6P8R0T2V0';
export const STORE_A = 'sto_01JD3ZQ8W7X9K2M4N6P8R0T2V4';
export const STORE_B = 'sto_01JD3ZQ8W7X9K2M4N6P8R0T2V6';

export const STORES: Store[] = [
  { id: STORE_A, brandId: BRAND_ID, code: 'jingan', name: '静安嘉里中心店', address: '上海市静安区南京西路1515号', status: 'active', createdAt: FIXED_NOW },
  { id: STORE_B, brandId: BRAND_ID, code: 'xujiahui', name: '徐家汇港汇店', address: '上海市徐汇区虹桥路1号', status: 'active', createdAt: FIXED_NOW },
];

export interface FakeStaff {
  id: string;
  username: string;
  password: string;
  displayName: string;
  role: 'clerk' | 'operator' | 'admin';
  storeIds: string[];
}

export const STAFF: FakeStaff[] = [
  { id: 'stf_01JD3ZQ8W7X9K2M4N6P8R0T2V5', username: 'clerk1', password: 'password123', displayName: '王小明', role: 'clerk', storeIds: [STORE_A] },
  { id: 'stf_01JD3ZQ8W7X9K2M4N6P8R0T2V7', username: 'clerk2', password: 'password123', displayName: '李娜', role: 'clerk', storeIds: [STORE_A, STORE_B] },
];

export const LADDER: Tier[] = [
  { level: 0, name: '普通会员', threshold: 0, benefits: { pointsMultiplierPermille: 1000, discountPercent: 0, birthdayCouponTemplateId: null, freeShipping: false } },
  { level: 1, name: '银卡会员', threshold: 100_000, benefits: { pointsMultiplierPermille: 1200, discountPercent: 2, birthdayCouponTemplateId: null, freeShipping: false } },
  { level: 2, name: '金卡会员', threshold: 500_000, benefits: { pointsMultiplierPermille: 1500, discountPercent: 5, birthdayCouponTemplateId: 'cpt_birthday', freeShipping: true } },
];

const offer = (patch: Partial<CouponTemplateSummary> & Pick<CouponTemplateSummary, 'id' | 'name' | 'kind'>): CouponTemplateSummary => ({
  description: null,
  valueFen: null,
  thresholdFen: 0,
  percentOff: null,
  capFen: null,
  giftSku: null,
  giftName: null,
  validityMode: 'relative',
  validFrom: null,
  validUntil: null,
  validDays: 30,
  storeIds: null,
  stackable: false,
  pointsPrice: null,
  ...patch,
});

export const TEMPLATES = {
  cash20: offer({ id: 'cpt_cash20', name: '满200减20', kind: 'cash_off', valueFen: 2000, thresholdFen: 20_000, description: '全场通用' }),
  off20: offer({ id: 'cpt_off20', name: '会员8折券', kind: 'percent_off', percentOff: 20, capFen: 5000, stackable: true }),
  gift: offer({ id: 'cpt_gift', name: '生日礼', kind: 'gift', giftSku: 'GIFT-01', giftName: '香氛小样' }),
  free10: offer({ id: 'cpt_free10', name: '新人10元券', kind: 'cash_off', valueFen: 1000, description: '无门槛' }),
  points30: offer({ id: 'cpt_points30', name: '满300减30', kind: 'cash_off', valueFen: 3000, thresholdFen: 30_000, pointsPrice: 300 }),
  gone: offer({ id: 'cpt_gone', name: '限量50元券', kind: 'cash_off', valueFen: 5000, thresholdFen: 50_000 }),
};

let couponSeq = 0;
/** A coupon of a template; codes are 16 symbols of the coupon alphabet. */
export function couponOf(template: CouponTemplateSummary, memberId: string, patch: Partial<Coupon> = {}): Coupon {
  couponSeq += 1;
  const n = String(couponSeq).padStart(4, '0');
  return {
    id: `cpn_01JD3ZQ8W7X9K2M4N6P8R0${n}`,
    templateId: template.id,
    memberId,
    code: `K7Q2ABCD${'EFGH'}${n.replace(/0/g, 'Z').replace(/1/g, 'W')}`,
    status: 'available',
    validFrom: '2026-11-01T00:00:00.000Z',
    validUntil: '2026-12-31T15:59:59.000Z',
    issuedVia: 'claim',
    issuedAt: '2026-11-01T00:00:00.000Z',
    redeemedAt: null,
    redeemedOrderId: null,
    redeemedStoreId: null,
    discountFen: null,
    template,
    ...patch,
  };
}

export function initialCoupons(memberId: string): Coupon[] {
  return [
    couponOf(TEMPLATES.cash20, memberId),
    couponOf(TEMPLATES.off20, memberId, { issuedVia: 'campaign' }),
    couponOf(TEMPLATES.gift, memberId, { status: 'redeemed', redeemedAt: '2026-11-10T04:00:00.000Z', redeemedStoreId: STORE_A, discountFen: 0 }),
    couponOf(TEMPLATES.free10, memberId, { status: 'expired', validUntil: '2026-11-20T15:59:59.000Z' }),
  ];
}

export function initialClaimable(): Array<ClaimableCoupon & { stock: number | null }> {
  return [
    { template: TEMPLATES.free10, perMemberLimit: 1, remainingQuantity: 120, claimedByMe: 0, canClaim: true, reason: null, stock: 120 },
    { template: TEMPLATES.points30, perMemberLimit: 2, remainingQuantity: null, claimedByMe: 0, canClaim: true, reason: null, stock: null },
    { template: TEMPLATES.gone, perMemberLimit: 1, remainingQuantity: 0, claimedByMe: 0, canClaim: false, reason: 'COUPON_OUT_OF_STOCK', stock: 0 },
  ];
}

export function initialPoints(): PointsSummary {
  return {
    balance: 1280,
    available: 1080,
    locked: 200,
    expiringSoon: { points: 300, firstExpiresAt: '2026-12-01T15:59:59.999Z' },
    debt: 0,
  };
}

let entrySeq = 0;
export function pointEntry(patch: Partial<PointEntry> & Pick<PointEntry, 'type' | 'amount' | 'balanceAfter' | 'reason' | 'sourceType'>): PointEntry {
  entrySeq += 1;
  return {
    id: `pte_01JD3ZQ8W7X9K2M4N6P8R0${String(entrySeq).padStart(4, '0')}`,
    sourceId: `src_${entrySeq}`,
    createdAt: FIXED_NOW,
    ...patch,
  };
}

/** Newest first, as the server lists them. */
export function initialEntries(): PointEntry[] {
  return [
    pointEntry({ type: 'earn', amount: 5, balanceAfter: 1280, reason: 'Daily check-in', sourceType: 'checkin', createdAt: '2026-11-22T01:00:00.000Z' }),
    pointEntry({ type: 'redeem', amount: -500, balanceAfter: 1275, reason: '积分商城兑换：保温杯 ×1', sourceType: 'mall_exchange', createdAt: '2026-11-21T06:00:00.000Z' }),
    pointEntry({ type: 'earn', amount: 128, balanceAfter: 1775, reason: '消费 128.00 元', sourceType: 'order', createdAt: '2026-11-20T08:00:00.000Z' }),
    pointEntry({ type: 'expire', amount: -50, balanceAfter: 1647, reason: 'Points expired', sourceType: 'lot', createdAt: '2026-11-01T16:00:00.000Z' }),
  ];
}

const item = (patch: Partial<MallCatalogueItem> & Pick<MallCatalogueItem, 'id' | 'name' | 'pointsPrice' | 'fulfilment'>): MallCatalogueItem => ({
  description: null,
  imageUrl: null,
  cashPriceFen: 0,
  stock: 20,
  availableFrom: null,
  availableUntil: null,
  perMemberLimit: null,
  exchangedByMe: 0,
  remainingForMe: null,
  minTierLevel: 0,
  tierAllowed: true,
  canExchange: true,
  reason: null,
  ...patch,
});

export const ITEM_IDS = {
  bag: 'itm_01JD3ZQ8W7X9K2M4N6P8R0T001',
  cup: 'itm_01JD3ZQ8W7X9K2M4N6P8R0T002',
  voucher: 'itm_01JD3ZQ8W7X9K2M4N6P8R0T003',
  giftBox: 'itm_01JD3ZQ8W7X9K2M4N6P8R0T004',
  soldOut: 'itm_01JD3ZQ8W7X9K2M4N6P8R0T005',
};

export function initialCatalogue(): MallCatalogueItem[] {
  return [
    item({ id: ITEM_IDS.bag, name: '品牌帆布袋', description: '门店自提，环保帆布材质', pointsPrice: 200, fulfilment: 'pickup', stock: 50, perMemberLimit: 2, remainingForMe: 2 }),
    item({ id: ITEM_IDS.cup, name: '保温杯', description: '快递到家', pointsPrice: 800, cashPriceFen: 1000, fulfilment: 'shipping', stock: 10 }),
    item({ id: ITEM_IDS.voucher, name: '50元代金券', pointsPrice: 500, fulfilment: 'coupon', stock: 100 }),
    item({ id: ITEM_IDS.giftBox, name: '限量香氛礼盒', pointsPrice: 3000, fulfilment: 'pickup', stock: 5, minTierLevel: 2, tierAllowed: false, canExchange: false, reason: 'MALL_TIER_TOO_LOW' }),
    item({ id: ITEM_IDS.soldOut, name: '联名徽章', pointsPrice: 100, fulfilment: 'pickup', stock: 0, canExchange: false, reason: 'MALL_OUT_OF_STOCK' }),
  ];
}
