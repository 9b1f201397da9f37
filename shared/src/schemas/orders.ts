import { Type, type Static } from '@sinclair/typebox';
import { IdOf, Nullable, Timestamp } from './common';

export const ORDER_CHANNELS = ['store', 'pos', 'online', 'miniapp'] as const;
export const OrderChannel = Type.Union(ORDER_CHANNELS.map((channel) => Type.Literal(channel)));
export type OrderChannel = Static<typeof OrderChannel>;

const Fen = (description: string) => Type.Integer({ minimum: 0, maximum: 1_000_000_000, description });
const ExternalId = Type.String({ pattern: '^[A-Za-z0-9._:/#-]{1,64}$', description: "the channel's own order or refund number" });

export const OrderItemInput = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    category: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    quantity: Type.Integer({ minimum: 1, maximum: 10_000 }),
    unitPriceFen: Fen('price of one unit, in fen'),
  },
  { additionalProperties: false },
);
export type OrderItemInput = Static<typeof OrderItemInput>;

export const RecordPurchaseBody = Type.Object(
  {
    memberId: Type.Optional(IdOf('member')),
    cardCode: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'the scanned member card code' })),
    phone: Type.Optional(Type.String({ minLength: 11, maxLength: 20 })),
    channel: Type.Optional(OrderChannel),
    externalId: Type.Optional(ExternalId),
    storeId: Type.Optional(IdOf('store')),
    amountFen: Fen('the order amount before coupons, in fen'),
    items: Type.Optional(Type.Array(OrderItemInput, { minItems: 1, maxItems: 200 })),
    couponCodes: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 5, uniqueItems: true })),
    occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type RecordPurchaseBody = Static<typeof RecordPurchaseBody>;

export const OrderItem = Type.Object(
  {
    sku: Type.String(),
    name: Nullable(Type.String()),
    category: Nullable(Type.String()),
    quantity: Type.Integer(),
    unitPriceFen: Type.Integer(),
    amountFen: Type.Integer(),
    refundedQuantity: Type.Integer(),
  },
  { additionalProperties: false },
);

export const Refund = Type.Object(
  {
    id: Type.String(),
    orderId: Type.String(),
    externalId: Type.String(),
    amountFen: Type.Integer(),
    pointsReversed: Type.Integer(),
    couponsRestored: Type.Integer(),
    reason: Nullable(Type.String()),
    occurredAt: Timestamp,
  },
  { additionalProperties: false },
);
export type Refund = Static<typeof Refund>;

export const Order = Type.Object(
  {
    id: Type.String(),
    memberId: Type.String(),
    storeId: Nullable(Type.String()),
    channel: OrderChannel,
    externalId: Type.String(),
    grossFen: Type.Integer(),
    discountFen: Type.Integer(),
    paidFen: Type.Integer(),
    refundedFen: Type.Integer(),
    status: Type.Union([Type.Literal('completed'), Type.Literal('partially_refunded'), Type.Literal('refunded')]),
    pointsEarned: Type.Integer(),
    couponCodes: Type.Array(Type.String()),
    items: Type.Array(OrderItem),
    refunds: Type.Array(Refund),
    occurredAt: Timestamp,
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type Order = Static<typeof Order>;

/** What recording a purchase did, beside the order itself. */
export const PurchaseResult = Type.Object(
  {
    order: Order,
    pointsBalance: Type.Integer(),
    pointsLockedUntil: Nullable(Timestamp),
    tier: Type.Object({ level: Type.Integer(), upgraded: Type.Boolean() }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);
export type PurchaseResult = Static<typeof PurchaseResult>;

export const RecordRefundBody = Type.Object(
  {
    externalId: Type.Optional(ExternalId),
    amountFen: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'money returned; default: all that is left' })),
    items: Type.Optional(
      Type.Array(Type.Object({ sku: Type.String({ minLength: 1, maxLength: 64 }), quantity: Type.Integer({ minimum: 1, maximum: 10_000 }) }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: 200,
      }),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    occurredAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type RecordRefundBody = Static<typeof RecordRefundBody>;

export const RefundResult = Type.Object(
  { refund: Refund, order: Order, pointsBalance: Type.Integer() },
  { additionalProperties: false },
);
export type RefundResult = Static<typeof RefundResult>;

export const OrderListQuery = Type.Object(
  {
    memberId: Type.Optional(IdOf('member')),
    storeId: Type.Optional(IdOf('store')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type OrderListQuery = Static<typeof OrderListQuery>;
