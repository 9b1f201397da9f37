import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { orderItems, orders, refunds } from './orders.tables';

export type OrderRow = typeof orders.$inferSelect;
export type OrderItemRow = typeof orderItems.$inferSelect;
export type RefundRow = typeof refunds.$inferSelect;

/** What a member paid, net of refunds, for orders that happened in [from, to). */
export async function netSpendBetween(tx: Db, brandId: string, memberId: string, from: Date, to: Date): Promise<number> {
  const [row] = await tx
    .select({ total: sql<number>`coalesce(sum(${orders.paidFen} - ${orders.refundedFen}), 0)::bigint` })
    .from(orders)
    .where(and(eq(orders.brandId, brandId), eq(orders.memberId, memberId), gte(orders.occurredAt, from), lt(orders.occurredAt, to)));
  return Number(row?.total ?? 0);
}

/** Inserts the order unless the channel already has this external id; returns the row only when this call inserted it. */
export async function insertOrderIfNew(tx: Db, row: typeof orders.$inferInsert): Promise<OrderRow | undefined> {
  const [inserted] = await tx.insert(orders).values(row).onConflictDoNothing({ target: [orders.brandId, orders.channel, orders.externalId] }).returning();
  return inserted;
}

export async function findOrderByExternalId(tx: Db, brandId: string, channel: OrderRow['channel'], externalId: string) {
  const [row] = await tx.select().from(orders).where(and(eq(orders.brandId, brandId), eq(orders.channel, channel), eq(orders.externalId, externalId)));
  return row;
}

export async function findOrder(tx: Db, brandId: string, orderId: string, lock = false): Promise<OrderRow | undefined> {
  const query = tx.select().from(orders).where(and(eq(orders.brandId, brandId), eq(orders.id, orderId)));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function updateOrder(tx: Db, brandId: string, orderId: string, values: Partial<Omit<OrderRow, 'id' | 'brandId'>>): Promise<OrderRow> {
  const [row] = await tx.update(orders).set(values).where(and(eq(orders.brandId, brandId), eq(orders.id, orderId))).returning();
  return row!;
}

export async function insertItems(tx: Db, rows: (typeof orderItems.$inferInsert)[]): Promise<void> {
  if (rows.length) await tx.insert(orderItems).values(rows);
}

export async function itemsOf(tx: Db, brandId: string, orderIds: string[]): Promise<OrderItemRow[]> {
  if (orderIds.length === 0) return [];
  return tx.select().from(orderItems).where(and(eq(orderItems.brandId, brandId), inArray(orderItems.orderId, orderIds))).orderBy(asc(orderItems.id));
}

export async function addRefundedQuantity(tx: Db, brandId: string, itemId: string, quantity: number): Promise<boolean> {
  const updated = await tx
    .update(orderItems)
    .set({ refundedQuantity: sql`${orderItems.refundedQuantity} + ${quantity}` })
    .where(and(eq(orderItems.brandId, brandId), eq(orderItems.id, itemId), sql`${orderItems.refundedQuantity} + ${quantity} <= ${orderItems.quantity}`))
    .returning({ id: orderItems.id });
  return updated.length === 1;
}

export async function refundsOf(tx: Db, brandId: string, orderIds: string[]): Promise<RefundRow[]> {
  if (orderIds.length === 0) return [];
  return tx.select().from(refunds).where(and(eq(refunds.brandId, brandId), inArray(refunds.orderId, orderIds))).orderBy(asc(refunds.createdAt), asc(refunds.id));
}

export async function findRefundByExternalId(tx: Db, brandId: string, orderId: string, externalId: string) {
  const [row] = await tx.select().from(refunds).where(and(eq(refunds.brandId, brandId), eq(refunds.orderId, orderId), eq(refunds.externalId, externalId)));
  return row;
}

export async function insertRefund(tx: Db, row: typeof refunds.$inferInsert): Promise<RefundRow> {
  const [inserted] = await tx.insert(refunds).values(row).returning();
  return inserted!;
}

export async function countOrdersOf(tx: Db, brandId: string, memberId: string): Promise<number> {
  const [row] = await tx.select({ n: sql<number>`count(*)::int` }).from(orders).where(and(eq(orders.brandId, brandId), eq(orders.memberId, memberId)));
  return row?.n ?? 0;
}

export async function listOrders(tx: Db, brandId: string, filter: { memberId?: string; storeIds?: string[]; limit: number; offset: number }) {
  const conditions: SQL[] = [eq(orders.brandId, brandId)];
  if (filter.memberId) conditions.push(eq(orders.memberId, filter.memberId));
  if (filter.storeIds) conditions.push(inArray(orders.storeId, filter.storeIds.length ? filter.storeIds : ['']));
  const where = and(...conditions);
  const [rows, [count]] = await Promise.all([
    tx.select().from(orders).where(where).orderBy(desc(orders.occurredAt), desc(orders.id)).limit(filter.limit).offset(filter.offset),
    tx.select({ total: sql<number>`count(*)::int` }).from(orders).where(where),
  ]);
  return { rows, total: count?.total ?? 0 };
}
