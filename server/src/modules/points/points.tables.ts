import { sql } from 'drizzle-orm';
import { check, date, foreignKey, index, integer, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';
import { brands } from '../brands/brands.tables';
import { members } from '../members/members.tables';

/** A brand's earning rules. Points per fen as a ratio of integers: `earn_points` per `earn_per_fen` paid. */
export const pointRules = pgTable(
  'point_rules',
  {
    brandId: text('brand_id').primaryKey().references(() => brands.id),
    earnPoints: integer('earn_points').notNull().default(10),
    earnPerFen: integer('earn_per_fen').notNull().default(10000),
    /** never: points never expire; rolling_days: `expiry_days` after earning; year_end: 31 Dec of the year `expiry_days`/365 years on */
    expiryMode: text('expiry_mode', { enum: ['never', 'rolling_days', 'year_end'] }).notNull().default('rolling_days'),
    expiryDays: integer('expiry_days').notNull().default(365),
    /** points from a purchase stay locked this many days, so a quick refund cannot have spent them */
    lockDays: integer('lock_days').notNull().default(0),
    checkinPoints: integer('checkin_points').notNull().default(5),
    referralInviterPoints: integer('referral_inviter_points').notNull().default(100),
    referralInviteePoints: integer('referral_invitee_points').notNull().default(50),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    check('point_rules_ratio_check', sql`${t.earnPoints} >= 0 and ${t.earnPerFen} > 0`),
    check('point_rules_days_check', sql`${t.expiryDays} > 0 and ${t.lockDays} >= 0`),
    check('point_rules_bonus_check', sql`${t.checkinPoints} >= 0 and ${t.referralInviterPoints} >= 0 and ${t.referralInviteePoints} >= 0`),
  ],
);

/** Extra multipliers: a date range (double-points days), a category or a SKU; in permille (2000 = ×2). */
export const pointMultipliers = pgTable(
  'point_multipliers',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['period', 'category', 'sku'] }).notNull(),
    /** the category or SKU; null for a period */
    target: text('target'),
    startsAt: timestamptz('starts_at'),
    endsAt: timestamptz('ends_at'),
    multiplierPermille: integer('multiplier_permille').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [
    index('point_multipliers_brand_idx').on(t.brandId, t.kind),
    check('point_multipliers_kind_check', sql`${t.kind} in ('period', 'category', 'sku')`),
    check('point_multipliers_value_check', sql`${t.multiplierPermille} between 1 and 100000`),
    check('point_multipliers_target_check', sql`(${t.kind} = 'period') = (${t.target} is null)`),
    check('point_multipliers_period_check', sql`${t.kind} <> 'period' or (${t.startsAt} is not null and ${t.endsAt} is not null and ${t.startsAt} < ${t.endsAt})`),
  ],
);

/** The cached balance of a member's ledger; updated in the same transaction as every entry. */
export const pointAccounts = pgTable(
  'point_accounts',
  {
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    balance: integer('balance').notNull().default(0),
    /** points a reversal could not take back because they were already spent; paid off by later earnings */
    debt: integer('debt').notNull().default(0),
    lifetimeEarned: integer('lifetime_earned').notNull().default(0),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    primaryKey({ columns: [t.brandId, t.memberId] }),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    check('point_accounts_balance_check', sql`${t.balance} >= 0`),
    check('point_accounts_debt_check', sql`${t.debt} >= 0`),
  ],
);

/** Append-only ledger: every change of a balance is one entry; a correction is a new entry. */
export const pointEntries = pgTable(
  'point_entries',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    type: text('type', { enum: ['earn', 'redeem', 'expire', 'adjust', 'reverse'] }).notNull(),
    /** signed: earn > 0, redeem/expire < 0, adjust and reverse either way */
    amount: integer('amount').notNull(),
    balanceAfter: integer('balance_after').notNull(),
    reason: text('reason').notNull(),
    /** what caused it: order, refund, checkin, referral, mall_exchange, coupon_exchange, operator, lot (expiry) … */
    sourceType: text('source_type').notNull(),
    sourceId: text('source_id').notNull(),
    actorType: text('actor_type', { enum: ['staff', 'member', 'system'] }).notNull(),
    actorId: text('actor_id'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    // one entry of a type per source: an order earns once, a lot expires once, a refund reverses once
    unique('point_entries_source_unique').on(t.brandId, t.sourceType, t.sourceId, t.type),
    index('point_entries_member_idx').on(t.brandId, t.memberId, t.createdAt),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    check('point_entries_amount_check', sql`${t.amount} <> 0`),
    check('point_entries_sign_check', sql`(${t.type} = 'earn' and ${t.amount} > 0) or (${t.type} in ('redeem', 'expire') and ${t.amount} < 0) or ${t.type} in ('adjust', 'reverse')`),
    check('point_entries_balance_check', sql`${t.balanceAfter} >= 0`),
  ],
);

/** Earn lots: what an earn (or a positive adjustment) added, what is left of it, and when it expires. */
export const pointLots = pgTable(
  'point_lots',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    entryId: text('entry_id').notNull().references(() => pointEntries.id),
    amount: integer('amount').notNull(),
    remaining: integer('remaining').notNull(),
    earnedAt: timestamptz('earned_at').notNull(),
    /** null: never expires */
    expiresAt: timestamptz('expires_at'),
    /** not spendable before this time */
    lockedUntil: timestamptz('locked_until'),
  },
  (t) => [
    index('point_lots_member_open_idx').on(t.brandId, t.memberId, t.expiresAt).where(sql`${t.remaining} > 0`),
    index('point_lots_expiry_idx').on(t.expiresAt).where(sql`${t.remaining} > 0`),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    check('point_lots_amounts_check', sql`${t.amount} > 0 and ${t.remaining} >= 0 and ${t.remaining} <= ${t.amount}`),
  ],
);

/** Which lots a redemption (or expiry or reversal) took points from, so a cancellation can put them back. */
export const pointAllocations = pgTable(
  'point_allocations',
  {
    brandId: brandIdColumn(),
    entryId: text('entry_id').notNull().references(() => pointEntries.id),
    lotId: text('lot_id').notNull().references(() => pointLots.id),
    amount: integer('amount').notNull(),
  },
  (t) => [primaryKey({ columns: [t.entryId, t.lotId] }), index('point_allocations_lot_idx').on(t.lotId), check('point_allocations_amount_check', sql`${t.amount} > 0`)],
);

/** One check-in per member per business day in the brand's time zone. */
export const checkins = pgTable(
  'checkins',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    businessDate: date('business_date', { mode: 'string' }).notNull(),
    points: integer('points').notNull(),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [
    unique('checkins_member_day_unique').on(t.brandId, t.memberId, t.businessDate),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
  ],
);

