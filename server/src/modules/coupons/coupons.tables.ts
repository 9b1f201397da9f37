import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';
import { brands } from '../brands/brands.tables';
import { members } from '../members/members.tables';

/**
 * What a coupon is worth and who may have it. Kinds: cash_off (满减: `value_fen` off when the order reaches
 * `threshold_fen`), percent_off (`percent_off` % with a `cap_fen`), gift (a free item), and any of them may
 * carry a `points_price` for which members exchange points (e.g. 500 points → ¥50 voucher).
 */
export const couponTemplates = pgTable(
  'coupon_templates',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    name: text('name').notNull(),
    description: text('description'),
    kind: text('kind', { enum: ['cash_off', 'percent_off', 'gift'] }).notNull(),
    valueFen: integer('value_fen'),
    thresholdFen: integer('threshold_fen').notNull().default(0),
    percentOff: integer('percent_off'),
    capFen: integer('cap_fen'),
    giftSku: text('gift_sku'),
    giftName: text('gift_name'),
    /** fixed: valid_from..valid_until; relative: valid_days from issue (optionally not past valid_until) */
    validityMode: text('validity_mode', { enum: ['fixed', 'relative'] }).notNull(),
    validFrom: timestamptz('valid_from'),
    validUntil: timestamptz('valid_until'),
    validDays: integer('valid_days'),
    /** how many may ever be issued; null = no limit */
    totalQuantity: integer('total_quantity'),
    issuedCount: integer('issued_count').notNull().default(0),
    perMemberLimit: integer('per_member_limit').notNull().default(1),
    /** total discount the brand will give through this template; null = no limit */
    budgetFen: integer('budget_fen'),
    spentFen: integer('spent_fen').notNull().default(0),
    redeemedCount: integer('redeemed_count').notNull().default(0),
    /** null = every store of the brand */
    storeIds: text('store_ids').array(),
    stackable: boolean('stackable').notNull().default(false),
    claimable: boolean('claimable').notNull().default(false),
    pointsPrice: integer('points_price'),
    status: text('status', { enum: ['active', 'paused', 'ended'] }).notNull().default('active'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    unique('coupon_templates_brand_id_unique').on(t.brandId, t.id),
    index('coupon_templates_brand_idx').on(t.brandId, t.status),
    check('coupon_templates_quantity_check', sql`${t.issuedCount} >= 0 and (${t.totalQuantity} is null or ${t.issuedCount} <= ${t.totalQuantity})`),
    check('coupon_templates_budget_check', sql`${t.spentFen} >= 0 and (${t.budgetFen} is null or ${t.spentFen} <= ${t.budgetFen})`),
    check('coupon_templates_limit_check', sql`${t.perMemberLimit} >= 1 and ${t.redeemedCount} >= 0`),
    check(
      'coupon_templates_kind_check',
      sql`(${t.kind} = 'cash_off' and ${t.valueFen} > 0) or (${t.kind} = 'percent_off' and ${t.percentOff} between 1 and 99) or (${t.kind} = 'gift' and ${t.giftSku} is not null)`,
    ),
    check(
      'coupon_templates_validity_check',
      sql`(${t.validityMode} = 'fixed' and ${t.validFrom} is not null and ${t.validUntil} is not null and ${t.validFrom} < ${t.validUntil}) or (${t.validityMode} = 'relative' and ${t.validDays} > 0)`,
    ),
    check('coupon_templates_points_price_check', sql`${t.pointsPrice} is null or ${t.pointsPrice} > 0`),
  ],
);

/** How many coupons of a template a member has been issued: the per-member limit is enforced on this row. */
export const couponMemberCounts = pgTable(
  'coupon_member_counts',
  {
    brandId: brandIdColumn(),
    templateId: text('template_id').notNull(),
    memberId: text('member_id').notNull(),
    issued: integer('issued').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.templateId, t.memberId] }),
    foreignKey({ columns: [t.brandId, t.templateId], foreignColumns: [couponTemplates.brandId, couponTemplates.id] }),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    check('coupon_member_counts_check', sql`${t.issued} >= 0`),
  ],
);

export const coupons = pgTable(
  'coupons',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    templateId: text('template_id').notNull(),
    memberId: text('member_id').notNull(),
    /** what the clerk scans: random, unguessable, unique */
    code: text('code').notNull().unique(),
    status: text('status', { enum: ['available', 'redeemed', 'expired', 'revoked'] }).notNull().default('available'),
    validFrom: timestamptz('valid_from').notNull(),
    validUntil: timestamptz('valid_until').notNull(),
    issuedVia: text('issued_via', { enum: ['claim', 'grant', 'campaign', 'points_exchange', 'tier_benefit', 'mall'] }).notNull(),
    /** what issued it: campaign id, mall exchange id, staff id … */
    issuedRef: text('issued_ref'),
    redeemedAt: timestamptz('redeemed_at'),
    redeemedOrderId: text('redeemed_order_id'),
    redeemedStoreId: text('redeemed_store_id'),
    redeemedByStaffId: text('redeemed_by_staff_id'),
    discountFen: integer('discount_fen'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    index('coupons_member_idx').on(t.brandId, t.memberId, t.status),
    index('coupons_template_idx').on(t.brandId, t.templateId),
    index('coupons_order_idx').on(t.brandId, t.redeemedOrderId),
    foreignKey({ columns: [t.brandId, t.templateId], foreignColumns: [couponTemplates.brandId, couponTemplates.id] }),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    check('coupons_redeemed_check', sql`(${t.status} = 'redeemed') = (${t.redeemedAt} is not null)`),
    check('coupons_validity_check', sql`${t.validFrom} < ${t.validUntil}`),
  ],
);
