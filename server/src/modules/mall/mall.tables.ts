import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';
import { brands } from '../brands/brands.tables';
import { members } from '../members/members.tables';

export const mallItems = pgTable(
  'mall_items',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    name: text('name').notNull(),
    description: text('description'),
    imageUrl: text('image_url'),
    pointsPrice: integer('points_price').notNull(),
    /** optional cash part, paid at pickup or online */
    cashPriceFen: integer('cash_price_fen').notNull().default(0),
    stock: integer('stock').notNull(),
    /** null = no limit */
    perMemberLimit: integer('per_member_limit'),
    availableFrom: timestamptz('available_from'),
    availableUntil: timestamptz('available_until'),
    /** members below this tier level cannot exchange it */
    minTierLevel: integer('min_tier_level').notNull().default(0),
    fulfilment: text('fulfilment', { enum: ['pickup', 'shipping', 'coupon'] }).notNull(),
    couponTemplateId: text('coupon_template_id'),
    status: text('status', { enum: ['active', 'inactive'] }).notNull().default('active'),
    exchangedCount: integer('exchanged_count').notNull().default(0),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    unique('mall_items_brand_id_unique').on(t.brandId, t.id),
    index('mall_items_brand_idx').on(t.brandId, t.status),
    check('mall_items_stock_check', sql`${t.stock} >= 0`),
    check('mall_items_price_check', sql`${t.pointsPrice} > 0 and ${t.cashPriceFen} >= 0`),
    check('mall_items_limit_check', sql`${t.perMemberLimit} is null or ${t.perMemberLimit} >= 1`),
    check('mall_items_coupon_check', sql`(${t.fulfilment} = 'coupon') = (${t.couponTemplateId} is not null)`),
  ],
);

/** Units of an item a member holds (exchanged and not cancelled): the per-member limit is enforced on this row. */
export const mallMemberCounts = pgTable(
  'mall_member_counts',
  {
    brandId: brandIdColumn(),
    itemId: text('item_id').notNull(),
    memberId: text('member_id').notNull(),
    quantity: integer('quantity').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.itemId, t.memberId] }),
    foreignKey({ columns: [t.brandId, t.itemId], foreignColumns: [mallItems.brandId, mallItems.id] }),
    check('mall_member_counts_check', sql`${t.quantity} >= 0`),
  ],
);

export const mallExchanges = pgTable(
  'mall_exchanges',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    itemId: text('item_id').notNull(),
    quantity: integer('quantity').notNull(),
    pointsSpent: integer('points_spent').notNull(),
    cashFen: integer('cash_fen').notNull().default(0),
    fulfilment: text('fulfilment', { enum: ['pickup', 'shipping', 'coupon'] }).notNull(),
    status: text('status', { enum: ['awaiting_pickup', 'picked_up', 'awaiting_shipment', 'shipped', 'delivered', 'issued', 'cancelled'] }).notNull(),
    /** the code a clerk verifies at pickup */
    pickupCode: text('pickup_code'),
    pickupStoreId: text('pickup_store_id'),
    pickedUpAt: timestamptz('picked_up_at'),
    pickedUpByStaffId: text('picked_up_by_staff_id'),
    shippingAddress: jsonb('shipping_address').$type<{ name: string; phone: string; province: string; city: string; district: string; detail: string }>(),
    trackingNo: text('tracking_no'),
    couponId: text('coupon_id'),
    /** the ledger entry that took the points, so a cancellation can return them to their lots */
    pointsEntryId: text('points_entry_id'),
    cancelledAt: timestamptz('cancelled_at'),
    cancelReason: text('cancel_reason'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    unique('mall_exchanges_pickup_unique').on(t.brandId, t.pickupCode),
    index('mall_exchanges_member_idx').on(t.brandId, t.memberId, t.createdAt),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    foreignKey({ columns: [t.brandId, t.itemId], foreignColumns: [mallItems.brandId, mallItems.id] }),
    check('mall_exchanges_amounts_check', sql`${t.quantity} > 0 and ${t.pointsSpent} > 0 and ${t.cashFen} >= 0`),
  ],
);
