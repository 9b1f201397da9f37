import { Type, type Static } from '@sinclair/typebox';
import { CouponStatus, CouponTemplateId } from './coupons';
import { IdOf, Nullable, Timestamp } from './common';
import { TIER_LEVELS_MAX } from './tiers';

/** Points and fen prices stay well inside the 32-bit columns even times the largest quantity. */
export const MALL_PRICE_MAX = 100_000_000;
export const MALL_STOCK_MAX = 10_000_000;
/** Units one exchange may take. */
export const MALL_QUANTITY_MAX = 10;
/** Pickup codes are this many decimal digits: easy to read out and to type on a till keypad. */
export const PICKUP_CODE_LENGTH = 8;

export const MallFulfilment = Type.Union([Type.Literal('pickup'), Type.Literal('shipping'), Type.Literal('coupon')], {
  description: 'pickup: collected at a store with a pickup code; shipping: sent to an address; coupon: the item is a coupon issued at once',
});
export type MallFulfilment = Static<typeof MallFulfilment>;
export const MallItemStatus = Type.Union([Type.Literal('active'), Type.Literal('inactive')]);
export type MallItemStatus = Static<typeof MallItemStatus>;
export const MALL_EXCHANGE_STATUSES = ['awaiting_pickup', 'picked_up', 'awaiting_shipment', 'shipped', 'delivered', 'issued', 'cancelled'] as const;
export const MallExchangeStatus = Type.Union(MALL_EXCHANGE_STATUSES.map((status) => Type.Literal(status)));
export type MallExchangeStatus = (typeof MALL_EXCHANGE_STATUSES)[number];

export const MallItemId = IdOf('mallItem', 'mall item id (itm_…)');
export const MallExchangeId = IdOf('mallExchange', 'mall exchange id (exc_…)');
/** As read out or typed: spaces and dashes are ignored; anything but 8 digits names no exchange. */
export const PickupCodeInput = Type.String({ pattern: '^[A-Za-z0-9 -]{1,40}$', description: 'the 8-digit pickup code as shown by the member' });

const Name = Type.String({ minLength: 1, maxLength: 100 });
const Description = Type.String({ maxLength: 2000 });
const ImageUrl = Type.String({ minLength: 1, maxLength: 1000, pattern: '^https?://[^\\s]+$', description: 'http(s) URL of the picture' });
const PointsPrice = Type.Integer({ minimum: 1, maximum: MALL_PRICE_MAX, description: 'points per unit' });
const CashPriceFen = Type.Integer({ minimum: 0, maximum: MALL_PRICE_MAX, description: 'cash part per unit, in fen (0 = points only)' });
const PerMemberLimit = Type.Integer({ minimum: 1, maximum: 100_000, description: 'units one member may hold (exchanged and not cancelled)' });
const TierLevel = Type.Integer({ minimum: 0, maximum: TIER_LEVELS_MAX - 1, description: 'members whose effective tier level is below this cannot exchange it' });
const Reason = Type.String({ minLength: 1, maxLength: 200 });

export const MallItem = Type.Object(
  {
    id: Type.String(),
    brandId: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    imageUrl: Nullable(Type.String()),
    pointsPrice: Type.Integer(),
    cashPriceFen: Type.Integer(),
    stock: Type.Integer({ minimum: 0 }),
    /** units exchanged and not cancelled */
    exchangedCount: Type.Integer({ minimum: 0 }),
    perMemberLimit: Nullable(Type.Integer({ description: 'null = no limit' })),
    availableFrom: Nullable(Timestamp),
    availableUntil: Nullable(Timestamp),
    minTierLevel: Type.Integer(),
    fulfilment: MallFulfilment,
    couponTemplateId: Nullable(Type.String()),
    status: MallItemStatus,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type MallItem = Static<typeof MallItem>;

export const CreateMallItemBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Nullable(Description)),
    imageUrl: Type.Optional(Nullable(ImageUrl)),
    pointsPrice: PointsPrice,
    cashPriceFen: Type.Optional(CashPriceFen),
    stock: Type.Integer({ minimum: 0, maximum: MALL_STOCK_MAX }),
    perMemberLimit: Type.Optional(Nullable(PerMemberLimit)),
    availableFrom: Type.Optional(Nullable(Type.String({ format: 'date-time', description: 'first instant it can be exchanged; null = now' }))),
    availableUntil: Type.Optional(Nullable(Type.String({ format: 'date-time', description: 'end of the exchange window (exclusive); null = open' }))),
    minTierLevel: Type.Optional(TierLevel),
    fulfilment: MallFulfilment,
    couponTemplateId: Type.Optional(Nullable(CouponTemplateId)),
    status: Type.Optional(MallItemStatus),
  },
  { additionalProperties: false },
);
export type CreateMallItemBody = Static<typeof CreateMallItemBody>;

/** Fulfilment, coupon template and stock are not changed here: stock moves through POST …/stock. */
export const UpdateMallItemBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Description)),
    imageUrl: Type.Optional(Nullable(ImageUrl)),
    pointsPrice: Type.Optional(PointsPrice),
    cashPriceFen: Type.Optional(CashPriceFen),
    perMemberLimit: Type.Optional(Nullable(PerMemberLimit)),
    availableFrom: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    availableUntil: Type.Optional(Nullable(Type.String({ format: 'date-time' }))),
    minTierLevel: Type.Optional(TierLevel),
    status: Type.Optional(MallItemStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateMallItemBody = Static<typeof UpdateMallItemBody>;

export const MallItemListQuery = Type.Object({ status: Type.Optional(MallItemStatus) }, { additionalProperties: false });
export type MallItemListQuery = Static<typeof MallItemListQuery>;

export const AdjustMallStockBody = Type.Object(
  {
    delta: Type.Integer({ minimum: -MALL_STOCK_MAX, maximum: MALL_STOCK_MAX, description: 'units added (positive) or taken away (negative); not 0' }),
    reason: Reason,
  },
  { additionalProperties: false },
);
export type AdjustMallStockBody = Static<typeof AdjustMallStockBody>;

/** An item as a member sees it in the catalogue, with what they personally may still do. */
export const MallCatalogueItem = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    imageUrl: Nullable(Type.String()),
    pointsPrice: Type.Integer(),
    cashPriceFen: Type.Integer(),
    fulfilment: MallFulfilment,
    stock: Type.Integer({ minimum: 0 }),
    availableFrom: Nullable(Timestamp),
    availableUntil: Nullable(Timestamp),
    perMemberLimit: Nullable(Type.Integer({ description: 'null = no limit' })),
    exchangedByMe: Type.Integer({ minimum: 0, description: 'units I hold (exchanged and not cancelled)' }),
    remainingForMe: Nullable(Type.Integer({ minimum: 0, description: 'units I may still exchange; null = no limit' })),
    minTierLevel: Type.Integer(),
    tierAllowed: Type.Boolean(),
    canExchange: Type.Boolean({ description: 'points aside: available now, in stock, my tier and my limit allow it' }),
    /** why not, as an error code: MALL_ITEM_UNAVAILABLE, MALL_TIER_TOO_LOW, MALL_LIMIT_REACHED, MALL_OUT_OF_STOCK */
    reason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type MallCatalogueItem = Static<typeof MallCatalogueItem>;

export const ShippingAddress = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50, description: 'recipient' }),
    phone: Type.String({ minLength: 1, maxLength: 20, description: 'mainland China mobile number' }),
    province: Type.String({ minLength: 1, maxLength: 50 }),
    city: Type.String({ minLength: 1, maxLength: 50 }),
    district: Type.String({ minLength: 1, maxLength: 50 }),
    detail: Type.String({ minLength: 1, maxLength: 200, description: 'street, building, room' }),
  },
  { additionalProperties: false },
);
export type ShippingAddress = Static<typeof ShippingAddress>;

export const CreateMallExchangeBody = Type.Object(
  {
    itemId: MallItemId,
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: MALL_QUANTITY_MAX, default: 1 })),
    pickupStoreId: Type.Optional(IdOf('store', 'pickup items: the store to collect at (any store of the brand when absent)')),
    shippingAddress: Type.Optional(ShippingAddress),
  },
  { additionalProperties: false },
);
export type CreateMallExchangeBody = Static<typeof CreateMallExchangeBody>;

export const MallExchangeCoupon = Type.Object(
  { id: Type.String(), code: Type.String(), status: CouponStatus, validUntil: Timestamp },
  { additionalProperties: false },
);
export type MallExchangeCoupon = Static<typeof MallExchangeCoupon>;

export const MallExchange = Type.Object(
  {
    id: Type.String(),
    memberId: Type.String(),
    itemId: Type.String(),
    item: Type.Object({ name: Type.String(), imageUrl: Nullable(Type.String()) }, { additionalProperties: false }),
    quantity: Type.Integer(),
    pointsSpent: Type.Integer(),
    cashFen: Type.Integer(),
    fulfilment: MallFulfilment,
    status: MallExchangeStatus,
    /** pickup items: the code the member shows at the counter */
    pickupCode: Nullable(Type.String()),
    pickupStoreId: Nullable(Type.String()),
    pickedUpAt: Nullable(Timestamp),
    pickedUpByStaffId: Nullable(Type.String()),
    shippingAddress: Nullable(ShippingAddress),
    trackingNo: Nullable(Type.String()),
    /** coupon goods: one coupon per unit */
    coupons: Type.Array(MallExchangeCoupon),
    cancellable: Type.Boolean(),
    cancelledAt: Nullable(Timestamp),
    cancelReason: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type MallExchange = Static<typeof MallExchange>;

export const MallExchangePage = Type.Object({ items: Type.Array(MallExchange), total: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type MallExchangePage = Static<typeof MallExchangePage>;

export const MallExchangeResult = Type.Object(
  { exchange: MallExchange, pointsSpent: Type.Integer(), pointsBalance: Type.Integer() },
  { additionalProperties: false },
);
export type MallExchangeResult = Static<typeof MallExchangeResult>;

export const CancelMallExchangeResult = Type.Object(
  {
    exchange: MallExchange,
    /** less than pointsSpent when some of the points' lots expired meanwhile */
    pointsRestored: Type.Integer(),
    pointsBalance: Type.Integer(),
  },
  { additionalProperties: false },
);
export type CancelMallExchangeResult = Static<typeof CancelMallExchangeResult>;

const pageFields = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};

export const MyMallExchangesQuery = Type.Object({ status: Type.Optional(MallExchangeStatus), ...pageFields }, { additionalProperties: false });
export type MyMallExchangesQuery = Static<typeof MyMallExchangesQuery>;

export const MallExchangeListQuery = Type.Object(
  { status: Type.Optional(MallExchangeStatus), itemId: Type.Optional(MallItemId), memberId: Type.Optional(IdOf('member')), ...pageFields },
  { additionalProperties: false },
);
export type MallExchangeListQuery = Static<typeof MallExchangeListQuery>;

export const CancelMallExchangeBody = Type.Object({ reason: Reason }, { additionalProperties: false });
export type CancelMallExchangeBody = Static<typeof CancelMallExchangeBody>;

export const ShipMallExchangeBody = Type.Object(
  { trackingNo: Type.String({ pattern: '^[A-Za-z0-9-]{4,40}$', description: "the carrier's tracking number" }) },
  { additionalProperties: false },
);
export type ShipMallExchangeBody = Static<typeof ShipMallExchangeBody>;

export const VerifyPickupBody = Type.Object(
  { pickupCode: PickupCodeInput, storeId: Type.Optional(IdOf('store', 'the store handing it over (a clerk of several stores)')) },
  { additionalProperties: false },
);
export type VerifyPickupBody = Static<typeof VerifyPickupBody>;

export const PickupLookupQuery = Type.Object({ storeId: Type.Optional(IdOf('store')) }, { additionalProperties: false });
export type PickupLookupQuery = Static<typeof PickupLookupQuery>;

export const PickupLookup = Type.Object(
  {
    exchange: MallExchange,
    /** the store the answer is for (null: any) */
    storeId: Nullable(Type.String()),
    canPickUp: Type.Boolean(),
    /** why not, as an error code: STORE_NOT_ASSIGNED, EXCHANGE_STATUS_INVALID */
    reason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type PickupLookup = Static<typeof PickupLookup>;
