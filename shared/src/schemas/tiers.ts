import { Type, type Static } from '@sinclair/typebox';
import { IdOf, Nullable, Timestamp } from './common';

/** The largest growth value or threshold the tables hold (a 32-bit integer). */
export const TIER_VALUE_MAX = 2_147_483_647;
export const TIER_LEVELS_MAX = 20;

export const TierBenefits = Type.Object(
  {
    pointsMultiplierPermille: Type.Integer({ minimum: 1, maximum: 100_000, description: 'points multiplier in permille: 1000 = ×1, 1500 = ×1.5' }),
    discountPercent: Type.Integer({ minimum: 0, maximum: 100, description: 'percent off at the counter (informational for POS)' }),
    birthdayCouponTemplateId: Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'coupon template given on the birthday' })),
    freeShipping: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type TierBenefits = Static<typeof TierBenefits>;

const TierLevel = Type.Integer({ minimum: 0, maximum: TIER_LEVELS_MAX - 1 });
const TierName = Type.String({ minLength: 1, maxLength: 50 });
const Threshold = Type.Integer({ minimum: 0, maximum: TIER_VALUE_MAX, description: 'growth value needed: fen for the spend basis, points for the points basis' });

export const Tier = Type.Object(
  { level: TierLevel, name: TierName, threshold: Threshold, benefits: TierBenefits },
  { additionalProperties: false },
);
export type Tier = Static<typeof Tier>;

export const TierLadder = Type.Object({ tiers: Type.Array(Tier) }, { additionalProperties: false });
export type TierLadder = Static<typeof TierLadder>;

/** The whole ladder at once: levels 0..n without gaps, level 0 at threshold 0, thresholds rising strictly. */
export const ReplaceTiersBody = Type.Object(
  { tiers: Type.Array(Tier, { minItems: 1, maxItems: TIER_LEVELS_MAX }) },
  { additionalProperties: false },
);
export type ReplaceTiersBody = Static<typeof ReplaceTiersBody>;

export const GrowthBasis = Type.Union([Type.Literal('spend'), Type.Literal('points')]);
export type GrowthBasis = Static<typeof GrowthBasis>;

export const DowngradePolicy = Type.Union([Type.Literal('none'), Type.Literal('one_level'), Type.Literal('to_supported')]);
export type DowngradePolicy = Static<typeof DowngradePolicy>;

export const TierSettings = Type.Object(
  {
    growthBasis: GrowthBasis,
    windowDays: Type.Integer({ minimum: 1, maximum: 3650, description: 'the growth value counts this many days back' }),
    downgradePolicy: DowngradePolicy,
    graceDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'how long a member keeps a level the value no longer supports' }),
  },
  { additionalProperties: false },
);
export type TierSettings = Static<typeof TierSettings>;

export const ManualTier = Type.Object({ level: TierLevel, until: Timestamp }, { additionalProperties: false });
export type ManualTier = Static<typeof ManualTier>;

export const NextTier = Type.Object(
  { level: TierLevel, name: TierName, threshold: Threshold, remaining: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export type NextTier = Static<typeof NextTier>;

/** A member's tier: the earned level, the effective one (a manual level while it lasts), progress and benefits. */
export const MemberTier = Type.Object(
  {
    memberId: IdOf('member'),
    level: Type.Integer({ minimum: 0, description: 'the level earned by growth value' }),
    name: Type.String({ description: 'name of the earned level' }),
    effectiveLevel: Type.Integer({ minimum: 0, description: 'the manual level while it lasts, else the earned level; benefits follow it' }),
    effectiveName: Type.String(),
    manual: Nullable(ManualTier),
    growthValue: Type.Integer({ minimum: 0, description: 'over the last windowDays, now' }),
    basis: GrowthBasis,
    windowDays: Type.Integer({ minimum: 1 }),
    nextLevel: Nullable(NextTier),
    graceUntil: Nullable(Timestamp),
    levelSince: Timestamp,
    benefits: TierBenefits,
    ladder: Type.Array(Tier),
  },
  { additionalProperties: false },
);
export type MemberTier = Static<typeof MemberTier>;

export const TierHistoryReason = Type.String({
  description:
    'purchase_upgrade, evaluation_upgrade, evaluation_downgrade, grace_started, grace_cleared, manual_set, manual_cleared, manual_expired, ladder_changed, manual_ladder_changed',
});

export const TierHistoryEntry = Type.Object(
  {
    id: Type.String(),
    fromLevel: Type.Integer({ minimum: 0 }),
    toLevel: Type.Integer({ minimum: 0 }),
    reason: TierHistoryReason,
    actor: Type.Object(
      { type: Type.Union([Type.Literal('staff'), Type.Literal('member'), Type.Literal('system')]), id: Nullable(Type.String()) },
      { additionalProperties: false },
    ),
    at: Timestamp,
  },
  { additionalProperties: false },
);
export type TierHistoryEntry = Static<typeof TierHistoryEntry>;

export const SetManualTierBody = Type.Object(
  {
    level: TierLevel,
    until: Type.String({ format: 'date-time', description: 'ISO instant in the future, at most two years ahead' }),
    reason: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type SetManualTierBody = Static<typeof SetManualTierBody>;

export const ClearManualTierQuery = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type ClearManualTierQuery = Static<typeof ClearManualTierQuery>;

/** The body is optional: without one the reason comes from the query. */
export const ClearManualTierBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
export type ClearManualTierBody = Static<typeof ClearManualTierBody>;
