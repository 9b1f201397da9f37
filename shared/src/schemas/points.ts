import { Type, type Static } from '@sinclair/typebox';
import { CalendarDate, IdOf, Nullable, Page, Timestamp } from './common';


/** The largest number of points one adjustment may move, far below what a 32-bit balance holds. */
export const POINTS_ADJUSTMENT_MAX = 10_000_000;

export const PointEntryType = Type.Union([
  Type.Literal('earn'),
  Type.Literal('redeem'),
  Type.Literal('expire'),
  Type.Literal('adjust'),
  Type.Literal('reverse'),
]);
export type PointEntryType = Static<typeof PointEntryType>;

export const PointsSummary = Type.Object(
  {
    balance: Type.Integer({ minimum: 0, description: 'all points held: the sum of the ledger' }),
    available: Type.Integer({ minimum: 0, description: 'points that can be spent now (not locked, not expired)' }),
    locked: Type.Integer({ minimum: 0, description: 'points from recent purchases not spendable yet' }),
    expiringSoon: Type.Object(
      {
        points: Type.Integer({ minimum: 0, description: 'points that expire within 30 days' }),
        firstExpiresAt: Nullable(Timestamp),
      },
      { additionalProperties: false },
    ),
    debt: Type.Integer({ minimum: 0, description: 'points a refund could not take back; later earnings pay it off first' }),
  },
  { additionalProperties: false },
);
export type PointsSummary = Static<typeof PointsSummary>;

export const PointEntry = Type.Object(
  {
    id: IdOf('pointEntry'),
    type: PointEntryType,
    amount: Type.Integer({ description: 'signed: positive adds points, negative takes them' }),
    balanceAfter: Type.Integer({ minimum: 0 }),
    reason: Type.String(),
    sourceType: Type.String({ description: 'what caused it: order, refund, checkin, referral, mall_exchange, operator, lot (expiry), redemption, debt …' }),
    sourceId: Type.String(),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type PointEntry = Static<typeof PointEntry>;

export const PointEntriesPage = Page(PointEntry);
export type PointEntriesPage = Static<typeof PointEntriesPage>;

export const PointsExpiringQuery = Type.Object(
  { days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })) },
  { additionalProperties: false },
);
export type PointsExpiringQuery = Static<typeof PointsExpiringQuery>;

export const PointsExpiring = Type.Object(
  {
    days: Type.Integer(),
    total: Type.Integer({ minimum: 0 }),
    items: Type.Array(
      Type.Object(
        {
          date: CalendarDate,
          expiresAt: Timestamp,
          points: Type.Integer({ minimum: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type PointsExpiring = Static<typeof PointsExpiring>;

export const CheckinResponse = Type.Object(
  {
    points: Type.Integer({ minimum: 0 }),
    balance: Type.Integer({ minimum: 0 }),
    businessDate: CalendarDate,
  },
  { additionalProperties: false },
);
export type CheckinResponse = Static<typeof CheckinResponse>;

export const PointsAdjustmentBody = Type.Object(
  {
    amount: Type.Integer({
      minimum: -POINTS_ADJUSTMENT_MAX,
      maximum: POINTS_ADJUSTMENT_MAX,
      not: { const: 0 },
      description: 'points to add (positive) or take (negative, soonest-expiring first); never 0',
    }),
    reason: Type.String({ maxLength: 200, description: 'why, 2 to 200 characters; shown in the member’s history' }),
  },
  { additionalProperties: false },
);
export type PointsAdjustmentBody = Static<typeof PointsAdjustmentBody>;

export const PointsAdjustmentResponse = Type.Object(
  {
    entryId: IdOf('pointEntry'),
    amount: Type.Integer(),
    balance: Type.Integer({ minimum: 0 }),
    debt: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type PointsAdjustmentResponse = Static<typeof PointsAdjustmentResponse>;

export const PointExpiryMode = Type.Union([Type.Literal('never'), Type.Literal('rolling_days'), Type.Literal('year_end')]);
export type PointExpiryMode = Static<typeof PointExpiryMode>;

const pointRulesFields = {
  earnPoints: Type.Integer({ minimum: 0, maximum: 100_000, description: 'points earned per earnPerFen paid' }),
  earnPerFen: Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'fen paid for earnPoints points (10000 = ¥100)' }),
  expiryMode: PointExpiryMode,
  expiryDays: Type.Integer({
    minimum: 1,
    maximum: 3650,
    description: 'rolling_days: days after earning (to the end of that day); year_end: expiryDays/365 whole years on, 31 Dec',
  }),
  lockDays: Type.Integer({ minimum: 0, maximum: 365, description: 'purchase points stay locked this many days' }),
  checkinPoints: Type.Integer({ minimum: 0, maximum: 100_000 }),
  referralInviterPoints: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
  referralInviteePoints: Type.Integer({ minimum: 0, maximum: 1_000_000 }),
};

export const PointRules = Type.Object(
  {
    ...pointRulesFields,
    isDefault: Type.Boolean({ description: 'true while the brand has not set its own rules' }),
    updatedAt: Nullable(Timestamp),
  },
  { additionalProperties: false },
);
export type PointRules = Static<typeof PointRules>;

export const PutPointRulesBody = Type.Object(pointRulesFields, { additionalProperties: false });
export type PutPointRulesBody = Static<typeof PutPointRulesBody>;

export const PointMultiplierKind = Type.Union([Type.Literal('period'), Type.Literal('category'), Type.Literal('sku')]);
export type PointMultiplierKind = Static<typeof PointMultiplierKind>;

export const PointMultiplier = Type.Object(
  {
    id: IdOf('pointMultiplier'),
    name: Type.String(),
    kind: PointMultiplierKind,
    target: Nullable(Type.String()),
    startsAt: Nullable(Timestamp),
    endsAt: Nullable(Timestamp),
    multiplierPermille: Type.Integer(),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type PointMultiplier = Static<typeof PointMultiplier>;

export const CreatePointMultiplierBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    kind: PointMultiplierKind,
    target: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 100, description: 'the category or SKU; absent for a period' })),
    ),
    startsAt: Type.Optional(Nullable(Timestamp)),
    endsAt: Type.Optional(Nullable(Timestamp)),
    multiplierPermille: Type.Integer({ minimum: 1, maximum: 100_000, description: '2000 = ×2' }),
  },
  { additionalProperties: false },
);
export type CreatePointMultiplierBody = Static<typeof CreatePointMultiplierBody>;

export const PointMultiplierList = Type.Object({ items: Type.Array(PointMultiplier) }, { additionalProperties: false });
export type PointMultiplierList = Static<typeof PointMultiplierList>;
