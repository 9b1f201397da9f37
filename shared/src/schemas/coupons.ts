import { Type, type Static } from '@sinclair/typebox';
import { IdOf, Nullable, Timestamp } from './common';

/** Prefixes of coupon ids; kept here (not in ID_PREFIXES) because ids.ts belongs to another change. */

/** Coupon codes: 16 symbols of this alphabet (no 0/O, 1/I/L) ≈ 79 random bits, read aloud or typed when a scan fails. */
export const COUPON_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const COUPON_CODE_LENGTH = 16;

/** Largest money amount a coupon field takes (¥10,000,000), well inside the 32-bit columns. */
export const COUPON_FEN_MAX = 1_000_000_000;

/**
 * Ids in paths are matched loosely (letters, digits, underscore) so that an unknown or malformed id is a 404
 * of the resource rather than a validation error; the lookup is what decides.
 */
export const CouponTemplateId = Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: 'coupon template id (cpt_…)' });
export const CouponId = Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: 'coupon id (cpn_…)' });
/** As scanned or typed: case, spaces and dashes are ignored. */
export const CouponCodeInput = Type.String({ pattern: '^[A-Za-z0-9 -]{1,40}$', description: 'the coupon code as scanned or typed' });

export const CouponKind = Type.Union([Type.Literal('cash_off'), Type.Literal('percent_off'), Type.Literal('gift')]);
export type CouponKind = Static<typeof CouponKind>;
export const ValidityMode = Type.Union([Type.Literal('fixed'), Type.Literal('relative')]);
export type ValidityMode = Static<typeof ValidityMode>;
export const CouponTemplateStatus = Type.Union([Type.Literal('active'), Type.Literal('paused'), Type.Literal('ended')]);
export type CouponTemplateStatus = Static<typeof CouponTemplateStatus>;
/** `expired` also covers coupons still marked available in the database whose validity has passed. */
export const CouponStatus = Type.Union([Type.Literal('available'), Type.Literal('redeemed'), Type.Literal('expired'), Type.Literal('revoked')]);
export type CouponStatus = Static<typeof CouponStatus>;
export const COUPON_ISSUE_VIAS = ['claim', 'grant', 'campaign', 'points_exchange', 'tier_benefit', 'mall'] as const;
export const CouponIssueVia = Type.Union(COUPON_ISSUE_VIAS.map((via) => Type.Literal(via)));
export type CouponIssueVia = (typeof COUPON_ISSUE_VIAS)[number];

const Fen = (description: string) => Type.Integer({ minimum: 0, maximum: COUPON_FEN_MAX, description });
const PositiveFen = (description: string) => Type.Integer({ minimum: 1, maximum: COUPON_FEN_MAX, description });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const Description = Type.String({ maxLength: 1000 });
const StoreIds = Type.Array(IdOf('store'), { minItems: 1, maxItems: 200, uniqueItems: true, description: 'stores where it may be used; null = every store' });

/** The fields of a template that say what a coupon is worth and where and when it can be used. */
const offerFields = {
  name: Name,
  description: Nullable(Description),
  kind: CouponKind,
  valueFen: Nullable(Type.Integer({ description: 'cash_off: amount taken off, in fen' })),
  thresholdFen: Type.Integer({ description: 'the order (before discounts) must reach this, in fen; 0 = no threshold' }),
  percentOff: Nullable(Type.Integer({ description: 'percent_off: 1–99 percent off' })),
  capFen: Nullable(Type.Integer({ description: 'percent_off: at most this much off, in fen; null = no cap' })),
  giftSku: Nullable(Type.String()),
  giftName: Nullable(Type.String()),
  validityMode: ValidityMode,
  validFrom: Nullable(Timestamp),
  validUntil: Nullable(Timestamp),
  validDays: Nullable(Type.Integer()),
  storeIds: Nullable(Type.Array(Type.String())),
  stackable: Type.Boolean(),
  pointsPrice: Nullable(Type.Integer({ description: 'points a member pays to exchange for one; null = not for points' })),
};

export const CouponTemplate = Type.Object(
  {
    id: Type.String(),
    brandId: IdOf('brand'),
    ...offerFields,
    totalQuantity: Nullable(Type.Integer({ description: 'null = no limit' })),
    perMemberLimit: Type.Integer(),
    budgetFen: Nullable(Type.Integer({ description: 'total discount this template may give; null = no limit' })),
    claimable: Type.Boolean(),
    status: CouponTemplateStatus,
    issuedCount: Type.Integer(),
    redeemedCount: Type.Integer(),
    spentFen: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type CouponTemplate = Static<typeof CouponTemplate>;

/** What members and clerks see of a template next to a coupon. */
export const CouponTemplateSummary = Type.Object({ id: Type.String(), ...offerFields }, { additionalProperties: false });
export type CouponTemplateSummary = Static<typeof CouponTemplateSummary>;

export const CreateCouponTemplateBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Nullable(Description)),
    kind: CouponKind,
    valueFen: Type.Optional(PositiveFen('cash_off: amount taken off')),
    thresholdFen: Type.Optional(Fen('minimum order amount before discounts; default 0')),
    percentOff: Type.Optional(Type.Integer({ minimum: 1, maximum: 99, description: 'percent_off: percent taken off' })),
    capFen: Type.Optional(Nullable(PositiveFen('percent_off: at most this much off'))),
    giftSku: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    giftName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    validityMode: ValidityMode,
    validFrom: Type.Optional(Type.String({ format: 'date-time', description: 'fixed: first instant of validity' })),
    validUntil: Type.Optional(
      Type.String({ format: 'date-time', description: 'fixed: end of validity (exclusive); relative: optional latest end' }),
    ),
    validDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650, description: 'relative: valid this many days from issue' })),
    totalQuantity: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'null = no limit' }))),
    perMemberLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'default 1' })),
    budgetFen: Type.Optional(Nullable(PositiveFen('total discount this template may give; null = no limit'))),
    storeIds: Type.Optional(Nullable(StoreIds)),
    stackable: Type.Optional(Type.Boolean({ description: 'may be combined with other stackable coupons; default false' })),
    claimable: Type.Optional(Type.Boolean({ description: 'members may take it themselves (free, or for pointsPrice); default false' })),
    pointsPrice: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000_000 }))),
    status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('paused')], { description: 'default active' })),
  },
  { additionalProperties: false },
);
export type CreateCouponTemplateBody = Static<typeof CreateCouponTemplateBody>;

export const UpdateCouponTemplateBody = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Description)),
    status: Type.Optional(CouponTemplateStatus),
    totalQuantity: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 100_000_000, description: 'not below the number issued' }))),
    budgetFen: Type.Optional(Nullable(PositiveFen('not below what was spent'))),
    claimable: Type.Optional(Type.Boolean()),
    storeIds: Type.Optional(Nullable(StoreIds)),
    perMemberLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCouponTemplateBody = Static<typeof UpdateCouponTemplateBody>;

export const CouponTemplateListQuery = Type.Object({ status: Type.Optional(CouponTemplateStatus) }, { additionalProperties: false });
export type CouponTemplateListQuery = Static<typeof CouponTemplateListQuery>;

export const Coupon = Type.Object(
  {
    id: Type.String(),
    templateId: Type.String(),
    memberId: Type.String(),
    /** what the clerk scans or types at the counter */
    code: Type.String(),
    status: CouponStatus,
    validFrom: Timestamp,
    validUntil: Timestamp,
    issuedVia: CouponIssueVia,
    issuedAt: Timestamp,
    redeemedAt: Nullable(Timestamp),
    redeemedOrderId: Nullable(Type.String()),
    redeemedStoreId: Nullable(Type.String()),
    discountFen: Nullable(Type.Integer()),
    template: CouponTemplateSummary,
  },
  { additionalProperties: false },
);
export type Coupon = Static<typeof Coupon>;

export const CouponPage = Type.Object({ items: Type.Array(Coupon), total: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type CouponPage = Static<typeof CouponPage>;

const pageFields = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};

export const MyCouponsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('available'), Type.Literal('used'), Type.Literal('expired')], {
        description: 'available (default): usable until a future instant; used; expired (including unused past validity)',
      }),
    ),
    ...pageFields,
  },
  { additionalProperties: false },
);
export type MyCouponsQuery = Static<typeof MyCouponsQuery>;

export const MemberCouponsQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union([Type.Literal('usable'), Type.Literal('available'), Type.Literal('used'), Type.Literal('expired'), Type.Literal('revoked'), Type.Literal('all')], {
        description: 'usable (default, and always for clerks): can be used now at one of your stores',
      }),
    ),
    ...pageFields,
  },
  { additionalProperties: false },
);
export type MemberCouponsQuery = Static<typeof MemberCouponsQuery>;

export const ClaimableCoupon = Type.Object(
  {
    template: CouponTemplateSummary,
    perMemberLimit: Type.Integer(),
    /** null = no limit */
    remainingQuantity: Nullable(Type.Integer()),
    claimedByMe: Type.Integer(),
    canClaim: Type.Boolean(),
    /** why not: COUPON_OUT_OF_STOCK or COUPON_LIMIT_REACHED */
    reason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type ClaimableCoupon = Static<typeof ClaimableCoupon>;

export const GrantCouponsBody = Type.Object(
  { memberIds: Type.Array(IdOf('member'), { minItems: 1, maxItems: 1000, uniqueItems: true }) },
  { additionalProperties: false },
);
export type GrantCouponsBody = Static<typeof GrantCouponsBody>;

export const GrantOutcome = Type.Object(
  {
    memberId: Type.String(),
    /** the coupon issued, or null when it failed */
    couponId: Nullable(Type.String()),
    /** the error code when it failed */
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export const GrantCouponsResult = Type.Object(
  { issued: Type.Integer(), failed: Type.Integer(), results: Type.Array(GrantOutcome) },
  { additionalProperties: false },
);
export type GrantCouponsResult = Static<typeof GrantCouponsResult>;

export const RedeemCouponBody = Type.Object(
  {
    code: CouponCodeInput,
    storeId: Type.Optional(IdOf('store')),
    orderId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._:/#-]{1,64}$', description: "the POS's own ticket number, if any" })),
    grossFen: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: COUPON_FEN_MAX,
        description: 'the order amount before discounts, when known: the threshold is checked and the discount computed on it (required for percent_off)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RedeemCouponBody = Static<typeof RedeemCouponBody>;

/** One coupon used on an order, as the orders module keeps it. */
export const RedeemedCoupon = Type.Object(
  {
    id: Type.String(),
    code: Type.String(),
    templateId: Type.String(),
    name: Type.String(),
    kind: CouponKind,
    discountFen: Type.Integer(),
    giftSku: Nullable(Type.String()),
    giftName: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type RedeemedCoupon = Static<typeof RedeemedCoupon>;

export const CouponLookup = Type.Object(
  {
    coupon: Coupon,
    /** the store the answer is for (null: any of your stores) */
    storeId: Nullable(Type.String()),
    usable: Type.Boolean(),
    /** why not, as an error code (COUPON_EXPIRED, COUPON_STORE_NOT_ALLOWED, …) */
    reason: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type CouponLookup = Static<typeof CouponLookup>;

export const CouponLookupQuery = Type.Object({ storeId: Type.Optional(IdOf('store')) }, { additionalProperties: false });
export type CouponLookupQuery = Static<typeof CouponLookupQuery>;

export const ExchangeCouponResult = Type.Object(
  { coupon: Coupon, pointsSpent: Type.Integer(), pointsBalance: Type.Integer() },
  { additionalProperties: false },
);
export type ExchangeCouponResult = Static<typeof ExchangeCouponResult>;
