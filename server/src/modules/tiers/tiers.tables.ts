import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';
import { brands } from '../brands/brands.tables';
import { members } from '../members/members.tables';

/** How a brand's tiers move: what the growth value counts, and how far a member falls at evaluation. */
export const tierSettings = pgTable(
  'tier_settings',
  {
    brandId: text('brand_id').primaryKey().references(() => brands.id),
    /** spend: paid minus refunded, in fen, over the window; points: points earned over the window */
    growthBasis: text('growth_basis', { enum: ['spend', 'points'] }).notNull().default('spend'),
    windowDays: integer('window_days').notNull().default(365),
    downgradePolicy: text('downgrade_policy', { enum: ['none', 'one_level', 'to_supported'] }).notNull().default('one_level'),
    /** after the value stops supporting the level, the member keeps it this long before evaluation lowers it */
    graceDays: integer('grace_days').notNull().default(30),
    updatedAt: updatedAtColumn(),
  },
  (t) => [check('tier_settings_days_check', sql`${t.windowDays} > 0 and ${t.graceDays} >= 0`)],
);

/** Levels: 0 is the entry level every member has; thresholds rise with the level. */
export const tiers = pgTable(
  'tiers',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    level: integer('level').notNull(),
    name: text('name').notNull(),
    /** growth value needed (fen for spend, points for points) */
    threshold: integer('threshold').notNull(),
    pointsMultiplierPermille: integer('points_multiplier_permille').notNull().default(1000),
    /** percent off at the counter, 0–100 (informational for POS) */
    discountPercent: integer('discount_percent').notNull().default(0),
    birthdayCouponTemplateId: text('birthday_coupon_template_id'),
    freeShipping: boolean('free_shipping').notNull().default(false),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    unique('tiers_brand_level_unique').on(t.brandId, t.level),
    check('tiers_values_check', sql`${t.level} >= 0 and ${t.threshold} >= 0 and ${t.pointsMultiplierPermille} between 1 and 100000 and ${t.discountPercent} between 0 and 100`),
  ],
);

/** A member's current level, the manual level an operator set (with its end), and the grace period if one runs. */
export const memberTiers = pgTable(
  'member_tiers',
  {
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    /** the level earned by growth value */
    level: integer('level').notNull().default(0),
    /** an operator's level, effective until `manual_until`; never a floor after it */
    manualLevel: integer('manual_level'),
    manualUntil: timestamptz('manual_until'),
    /** set when evaluation found the value below the level; the level drops at evaluation after this */
    graceUntil: timestamptz('grace_until'),
    growthValue: integer('growth_value').notNull().default(0),
    levelSince: timestamptz('level_since').notNull(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    primaryKey({ columns: [t.brandId, t.memberId] }),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    check('member_tiers_manual_check', sql`(${t.manualLevel} is null) = (${t.manualUntil} is null)`),
    check('member_tiers_level_check', sql`${t.level} >= 0 and (${t.manualLevel} is null or ${t.manualLevel} >= 0)`),
  ],
);

export const tierHistory = pgTable(
  'tier_history',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    fromLevel: integer('from_level').notNull(),
    toLevel: integer('to_level').notNull(),
    /** purchase_upgrade, evaluation_downgrade, grace_started, manual_set, manual_expired, manual_cleared … */
    reason: text('reason').notNull(),
    actorType: text('actor_type', { enum: ['staff', 'member', 'system'] }).notNull(),
    actorId: text('actor_id'),
    at: timestamptz('at').notNull(),
  },
  (t) => [
    index('tier_history_member_idx').on(t.brandId, t.memberId, t.at),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
  ],
);
