import { sql } from 'drizzle-orm';
import { check, doublePrecision, foreignKey, index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';
import { brands } from '../brands/brands.tables';
import { members } from '../members/members.tables';

/** A brand's scoring settings; the value-segment rules are documented in the analytics README. */
export const analyticsSettings = pgTable('analytics_settings', {
  brandId: text('brand_id').primaryKey().references(() => brands.id),
  /** RFM looks at purchases in this many days before the scoring time */
  rfmWindowDays: integer('rfm_window_days').notNull().default(365),
  /** CLV horizon */
  clvHorizonDays: integer('clv_horizon_days').notNull().default(365),
  /** yearly discount rate for CLV, in permille (100 = 10 %) */
  discountRatePermille: integer('discount_rate_permille').notNull().default(100),
  /** value-segment thresholds (see analytics README): new_days, at_risk_p_alive, churned_p_alive, high_value_rfm_min … */
  segmentRules: jsonb('segment_rules').$type<Record<string, number>>().notNull().default({}),
  updatedAt: updatedAtColumn(),
});

/** The latest scores of each member, recomputed nightly and on demand. */
export const memberScores = pgTable(
  'member_scores',
  {
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    computedAt: timestamptz('computed_at').notNull(),
    recencyDays: integer('recency_days'),
    frequency: integer('frequency').notNull().default(0),
    monetaryFen: integer('monetary_fen').notNull().default(0),
    rScore: integer('r_score'),
    fScore: integer('f_score'),
    mScore: integer('m_score'),
    /** high_value, potential, normal, at_risk, churned, new */
    valueSegment: text('value_segment').notNull(),
    /** heavy_loyal, heavy_occasional, light_loyal, light_occasional */
    loyaltyQuadrant: text('loyalty_quadrant'),
    repeatShare: doublePrecision('repeat_share'),
    pAlive: doublePrecision('p_alive'),
    expectedPurchases: doublePrecision('expected_purchases'),
    expectedValueFen: integer('expected_value_fen'),
    churnRisk: doublePrecision('churn_risk'),
    avgIntervalDays: doublePrecision('avg_interval_days'),
    nextPurchaseAt: timestamptz('next_purchase_at'),
    /** per category: { category: { intervalDays, nextAt } } where there are enough purchases */
    categoryCycles: jsonb('category_cycles').$type<Record<string, { intervalDays: number; nextAt: string }>>(),
    /** [{ flag: 'rising_order_value' | 'rising_frequency' | 'engaged_not_buying' | 'clv_above_spend', reason }] */
    highPotential: jsonb('high_potential').$type<{ flag: string; reason: string }[]>().notNull().default([]),
  },
  (t) => [
    primaryKey({ columns: [t.brandId, t.memberId] }),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    // member_id last: segment conditions on the value segment or the RFM scores read the members from
    // the index alone (the table's rows are wide: category cycles, flags)
    index('member_scores_segment_idx').on(t.brandId, t.valueSegment, t.memberId),
    index('member_scores_rfm_idx').on(t.brandId, t.rScore, t.fScore, t.mScore, t.memberId),
    index('member_scores_next_purchase_idx').on(t.brandId, t.nextPurchaseAt),
    check('member_scores_rfm_check', sql`(${t.rScore} is null or ${t.rScore} between 1 and 5) and (${t.fScore} is null or ${t.fScore} between 1 and 5) and (${t.mScore} is null or ${t.mScore} between 1 and 5)`),
    check('member_scores_probability_check', sql`(${t.pAlive} is null or ${t.pAlive} between 0 and 1) and (${t.churnRisk} is null or ${t.churnRisk} between 0 and 1)`),
  ],
);

/** The CLV models fitted for a brand at its last scoring. */
export const clvModels = pgTable('clv_models', {
  brandId: text('brand_id').primaryKey().references(() => brands.id),
  fittedAt: timestamptz('fitted_at').notNull(),
  bgnbd: jsonb('bgnbd').$type<{ r: number; alpha: number; a: number; b: number; logLikelihood: number }>().notNull(),
  gammaGamma: jsonb('gamma_gamma').$type<{ p: number; q: number; v: number; logLikelihood: number } | null>(),
  customers: integer('customers').notNull(),
});

/** Saved segments: a validated JSON filter (shared/src/schemas/segments.ts) compiled to parameterized SQL. */
export const segments = pgTable(
  'segments',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    name: text('name').notNull(),
    filter: jsonb('filter').notNull(),
    lastCount: integer('last_count'),
    lastCountedAt: timestamptz('last_counted_at'),
    createdBy: text('created_by'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [index('segments_brand_idx').on(t.brandId)],
);

/** Each member's next-item recommendations from co-purchase patterns. */
export const recommendations = pgTable(
  'recommendations',
  {
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    items: jsonb('items').$type<{ sku: string; score: number }[]>().notNull(),
    computedAt: timestamptz('computed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.memberId] }), foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] })],
);
