import { and, asc, desc, eq, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { mallExchanges, mallItems, mallMemberCounts } from './mall.tables';

export type ItemRow = typeof mallItems.$inferSelect;
export type ExchangeRow = typeof mallExchanges.$inferSelect;
export type ItemSummary = { name: string; imageUrl: string | null };
export type ExchangeWithItem = { exchange: ExchangeRow; item: ItemSummary };

// Every function takes the database or the caller's transaction first, and every query names the brand.

// ---- items ----

export async function insertItem(tx: Db, row: typeof mallItems.$inferInsert): Promise<ItemRow> {
  const [inserted] = await tx.insert(mallItems).values(row).returning();
  return inserted!;
}

export async function findItem(tx: Db, brandId: string, itemId: string): Promise<ItemRow | undefined> {
  const [row] = await tx.select().from(mallItems).where(and(eq(mallItems.brandId, brandId), eq(mallItems.id, itemId)));
  return row;
}

export async function lockItem(tx: Db, brandId: string, itemId: string): Promise<ItemRow | undefined> {
  const [row] = await tx.select().from(mallItems).where(and(eq(mallItems.brandId, brandId), eq(mallItems.id, itemId))).for('update');
  return row;
}

export async function listItems(tx: Db, brandId: string, status?: ItemRow['status']): Promise<ItemRow[]> {
  const conditions = [eq(mallItems.brandId, brandId)];
  if (status) conditions.push(eq(mallItems.status, status));
  return tx.select().from(mallItems).where(and(...conditions)).orderBy(desc(mallItems.createdAt), desc(mallItems.id));
}

export type ItemChanges = Partial<
  Pick<ItemRow, 'name' | 'description' | 'imageUrl' | 'pointsPrice' | 'cashPriceFen' | 'perMemberLimit' | 'availableFrom' | 'availableUntil' | 'minTierLevel' | 'status'>
>;

export async function updateItem(tx: Db, brandId: string, itemId: string, changes: ItemChanges, at: Date): Promise<ItemRow> {
  const [row] = await tx
    .update(mallItems)
    .set({ ...changes, updatedAt: at })
    .where(and(eq(mallItems.brandId, brandId), eq(mallItems.id, itemId)))
    .returning();
  return row!;
}

/** Adds `delta` (±) to the stock unless that would take it below zero. No row = refused (or no such item). */
export async function adjustStock(tx: Db, brandId: string, itemId: string, delta: number, at: Date): Promise<ItemRow | undefined> {
  const [row] = await tx
    .update(mallItems)
    .set({ stock: sql`${mallItems.stock} + ${delta}`, updatedAt: at })
    .where(and(eq(mallItems.brandId, brandId), eq(mallItems.id, itemId), sql`${mallItems.stock} + ${delta} >= 0`))
    .returning();
  return row;
}

const openAt = (at: Date): SQL =>
  and(
    eq(mallItems.status, 'active'),
    or(isNull(mallItems.availableFrom), lte(mallItems.availableFrom, at)),
    or(isNull(mallItems.availableUntil), sql`${mallItems.availableUntil} > ${at}`),
  )!;

/**
 * Takes `quantity` units from the stock, only while the item is offered at `at` and has that many: the row lock
 * this takes is what every exchanger of the item waits for, so callers run it as their last statement before
 * commit. No row = not taken.
 */
export async function takeStock(tx: Db, brandId: string, itemId: string, quantity: number, at: Date): Promise<ItemRow | undefined> {
  const [row] = await tx
    .update(mallItems)
    .set({ stock: sql`${mallItems.stock} - ${quantity}`, exchangedCount: sql`${mallItems.exchangedCount} + ${quantity}`, updatedAt: at })
    .where(and(eq(mallItems.brandId, brandId), eq(mallItems.id, itemId), sql`${mallItems.stock} >= ${quantity}`, openAt(at)))
    .returning();
  return row;
}

/** A cancelled exchange's units go back to the stock (whatever the item's status: they exist again). */
export async function giveBackStock(tx: Db, brandId: string, itemId: string, quantity: number, at: Date): Promise<void> {
  await tx
    .update(mallItems)
    .set({ stock: sql`${mallItems.stock} + ${quantity}`, exchangedCount: sql`greatest(${mallItems.exchangedCount} - ${quantity}, 0)`, updatedAt: at })
    .where(and(eq(mallItems.brandId, brandId), eq(mallItems.id, itemId)));
}

/** Active items open at `at`, with the units the member holds of each. */
export async function catalogue(tx: Db, brandId: string, memberId: string, at: Date) {
  return tx
    .select({ item: mallItems, held: sql<number>`coalesce(${mallMemberCounts.quantity}, 0)`.mapWith(Number) })
    .from(mallItems)
    .leftJoin(mallMemberCounts, and(eq(mallMemberCounts.brandId, brandId), eq(mallMemberCounts.itemId, mallItems.id), eq(mallMemberCounts.memberId, memberId)))
    .where(and(eq(mallItems.brandId, brandId), openAt(at)))
    .orderBy(desc(mallItems.createdAt), desc(mallItems.id));
}

export async function heldByMember(tx: Db, brandId: string, itemId: string, memberId: string): Promise<number> {
  const [row] = await tx
    .select({ quantity: mallMemberCounts.quantity })
    .from(mallMemberCounts)
    .where(and(eq(mallMemberCounts.brandId, brandId), eq(mallMemberCounts.itemId, itemId), eq(mallMemberCounts.memberId, memberId)));
  return row?.quantity ?? 0;
}

// ---- per-member counts ----

/**
 * Counts `quantity` more units for the member unless that passes `limit` (null: no limit). The row lock of the
 * upsert serializes one member's concurrent exchanges of the item. Null = limit reached. The caller checks
 * quantity <= limit first, since a first insert is not guarded by the update's condition.
 */
export async function incrementMemberCount(tx: Db, brandId: string, itemId: string, memberId: string, quantity: number, limit: number | null): Promise<number | null> {
  const [row] = await tx
    .insert(mallMemberCounts)
    .values({ brandId, itemId, memberId, quantity })
    .onConflictDoUpdate({
      target: [mallMemberCounts.itemId, mallMemberCounts.memberId],
      set: { quantity: sql`${mallMemberCounts.quantity} + ${quantity}` },
      setWhere: limit === null ? sql`true` : sql`${mallMemberCounts.quantity} + ${quantity} <= ${limit}`,
    })
    .returning({ quantity: mallMemberCounts.quantity });
  return row ? row.quantity : null;
}

export async function decrementMemberCount(tx: Db, brandId: string, itemId: string, memberId: string, quantity: number): Promise<void> {
  await tx
    .update(mallMemberCounts)
    .set({ quantity: sql`greatest(${mallMemberCounts.quantity} - ${quantity}, 0)` })
    .where(and(eq(mallMemberCounts.brandId, brandId), eq(mallMemberCounts.itemId, itemId), eq(mallMemberCounts.memberId, memberId)));
}

// ---- exchanges ----

/** Inserts the exchange unless its pickup code is taken in the brand (then undefined: the caller draws another). */
export async function insertExchangeUnlessCodeTaken(tx: Db, row: typeof mallExchanges.$inferInsert): Promise<ExchangeRow | undefined> {
  const [inserted] = await tx
    .insert(mallExchanges)
    .values(row)
    .onConflictDoNothing({ target: [mallExchanges.brandId, mallExchanges.pickupCode] })
    .returning();
  return inserted;
}

const withItem = (tx: Db) =>
  tx
    .select({ exchange: mallExchanges, item: { name: mallItems.name, imageUrl: mallItems.imageUrl } })
    .from(mallExchanges)
    .innerJoin(mallItems, and(eq(mallItems.brandId, mallExchanges.brandId), eq(mallItems.id, mallExchanges.itemId)));

export async function findExchange(tx: Db, brandId: string, exchangeId: string): Promise<ExchangeWithItem | undefined> {
  const [row] = await withItem(tx).where(and(eq(mallExchanges.brandId, brandId), eq(mallExchanges.id, exchangeId)));
  return row;
}

export async function findExchangeByPickupCode(tx: Db, brandId: string, pickupCode: string): Promise<ExchangeWithItem | undefined> {
  const [row] = await withItem(tx).where(and(eq(mallExchanges.brandId, brandId), eq(mallExchanges.pickupCode, pickupCode)));
  return row;
}

/** The exchange row, locked against a concurrent cancel, pickup or shipment. */
export async function lockExchange(tx: Db, brandId: string, exchangeId: string): Promise<ExchangeRow | undefined> {
  const [row] = await tx.select().from(mallExchanges).where(and(eq(mallExchanges.brandId, brandId), eq(mallExchanges.id, exchangeId))).for('update');
  return row;
}

export async function lockExchangeByPickupCode(tx: Db, brandId: string, pickupCode: string): Promise<ExchangeRow | undefined> {
  const [row] = await tx
    .select()
    .from(mallExchanges)
    .where(and(eq(mallExchanges.brandId, brandId), eq(mallExchanges.pickupCode, pickupCode)))
    .for('update');
  return row;
}

/** Moves an exchange on from `from`; no row = it was no longer in that status. */
export async function updateExchange(
  tx: Db,
  brandId: string,
  exchangeId: string,
  from: ExchangeRow['status'],
  changes: Partial<Pick<ExchangeRow, 'status' | 'pickedUpAt' | 'pickedUpByStaffId' | 'pickupStoreId' | 'trackingNo' | 'cancelledAt' | 'cancelReason'>>,
  at: Date,
): Promise<ExchangeRow | undefined> {
  const [row] = await tx
    .update(mallExchanges)
    .set({ ...changes, updatedAt: at })
    .where(and(eq(mallExchanges.brandId, brandId), eq(mallExchanges.id, exchangeId), eq(mallExchanges.status, from)))
    .returning();
  return row;
}

export interface ExchangeFilter {
  memberId?: string;
  itemId?: string;
  status?: ExchangeRow['status'];
}

export async function listExchanges(tx: Db, brandId: string, filter: ExchangeFilter, page: { limit: number; offset: number }) {
  const conditions: SQL[] = [eq(mallExchanges.brandId, brandId)];
  if (filter.memberId) conditions.push(eq(mallExchanges.memberId, filter.memberId));
  if (filter.itemId) conditions.push(eq(mallExchanges.itemId, filter.itemId));
  if (filter.status) conditions.push(eq(mallExchanges.status, filter.status));
  const where = and(...conditions);
  const items = await withItem(tx).where(where).orderBy(desc(mallExchanges.createdAt), desc(mallExchanges.id)).limit(page.limit).offset(page.offset);
  const [count] = await tx.select({ total: sql<number>`count(*)`.mapWith(Number) }).from(mallExchanges).where(where);
  return { items, total: count?.total ?? 0 };
}
