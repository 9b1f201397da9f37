import { sql } from 'drizzle-orm';
import { bigint, check, foreignKey, index, integer, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';
import { stores } from '../brands/brands.tables';
import { members } from '../members/members.tables';

/** A purchase, from a clerk at the counter, a POS, the online shop or the mini-program. */
export const orders = pgTable(
  'orders',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    storeId: text('store_id'),
    channel: text('channel', { enum: ['store', 'pos', 'online', 'miniapp'] }).notNull(),
    /** the channel's own order number: the same one never records twice */
    externalId: text('external_id').notNull(),
    /** before discounts */
    grossFen: integer('gross_fen').notNull(),
    /** taken off by coupons */
    discountFen: integer('discount_fen').notNull().default(0),
    /** what the member paid: gross − discount */
    paidFen: integer('paid_fen').notNull(),
    refundedFen: integer('refunded_fen').notNull().default(0),
    status: text('status', { enum: ['completed', 'partially_refunded', 'refunded'] }).notNull().default('completed'),
    pointsEarned: integer('points_earned').notNull().default(0),
    /** the coupons redeemed on this order, as the clerk scanned them */
    couponCodes: text('coupon_codes').array().notNull().default(sql`'{}'::text[]`),
    recordedByStaffId: text('recorded_by_staff_id'),
    occurredAt: timestamptz('occurred_at').notNull(),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    unique('orders_brand_id_unique').on(t.brandId, t.id),
    unique('orders_external_unique').on(t.brandId, t.channel, t.externalId),
    index('orders_member_idx').on(t.brandId, t.memberId, t.occurredAt),
    index('orders_brand_time_idx').on(t.brandId, t.occurredAt),
    // analytics (segment counts): "did this member buy in the period" and their count and amount in it,
    // answered from the index alone, without visiting the table
    index('orders_member_paid_idx').on(t.brandId, t.memberId, t.occurredAt, t.paidFen, t.refundedFen).where(sql`${t.status} <> 'refunded'`),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    foreignKey({ columns: [t.brandId, t.storeId], foreignColumns: [stores.brandId, stores.id] }),
    check('orders_amounts_check', sql`${t.grossFen} >= 0 and ${t.discountFen} >= 0 and ${t.discountFen} <= ${t.grossFen} and ${t.paidFen} = ${t.grossFen} - ${t.discountFen}`),
    check('orders_refunded_check', sql`${t.refundedFen} >= 0 and ${t.refundedFen} <= ${t.paidFen}`),
    check('orders_points_check', sql`${t.pointsEarned} >= 0`),
  ],
);

export const orderItems = pgTable(
  'order_items',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    orderId: text('order_id').notNull(),
    sku: text('sku').notNull(),
    name: text('name'),
    category: text('category'),
    quantity: integer('quantity').notNull(),
    unitPriceFen: integer('unit_price_fen').notNull(),
    amountFen: integer('amount_fen').notNull(),
    refundedQuantity: integer('refunded_quantity').notNull().default(0),
  },
  (t) => [
    index('order_items_order_idx').on(t.brandId, t.orderId),
    index('order_items_sku_idx').on(t.brandId, t.sku),
    foreignKey({ columns: [t.brandId, t.orderId], foreignColumns: [orders.brandId, orders.id] }),
    check('order_items_check', sql`${t.quantity} > 0 and ${t.unitPriceFen} >= 0 and ${t.amountFen} >= 0 and ${t.refundedQuantity} between 0 and ${t.quantity}`),
  ],
);

export const refunds = pgTable(
  'refunds',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    orderId: text('order_id').notNull(),
    /** the channel's refund number: the same one never refunds twice */
    externalId: text('external_id').notNull(),
    amountFen: integer('amount_fen').notNull(),
    pointsReversed: integer('points_reversed').notNull().default(0),
    reason: text('reason'),
    recordedByStaffId: text('recorded_by_staff_id'),
    occurredAt: timestamptz('occurred_at').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [
    unique('refunds_external_unique').on(t.brandId, t.orderId, t.externalId),
    index('refunds_order_idx').on(t.brandId, t.orderId),
    foreignKey({ columns: [t.brandId, t.orderId], foreignColumns: [orders.brandId, orders.id] }),
    check('refunds_amount_check', sql`${t.amountFen} > 0 and ${t.pointsReversed} >= 0`),
  ],
);

/**
 * One row per member who ever had an order: their purchases (orders not fully refunded) in sum.
 * A read model for segment counts ("bought in the last 90 days" is a column test here instead of an
 * index probe per member). It is kept by statement-level triggers on `orders` (migration
 * 0007_purchase_summaries), so every writer — the orders service, bulk COPY, imports, fixtures —
 * keeps it exact; nothing in the application writes it.
 */
export const memberPurchaseSummaries = pgTable(
  'member_purchase_summaries',
  {
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    /** orders whose status is not 'refunded' */
    orderCount: integer('order_count').notNull().default(0),
    /** paid − refunded over those orders */
    netPaidFen: bigint('net_paid_fen', { mode: 'number' }).notNull().default(0),
    firstPurchaseAt: timestamptz('first_purchase_at'),
    lastPurchaseAt: timestamptz('last_purchase_at'),
  },
  (t) => [
    primaryKey({ columns: [t.brandId, t.memberId] }),
    index('member_purchase_summaries_last_idx').on(t.brandId, t.lastPurchaseAt, t.memberId),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
  ],
);
