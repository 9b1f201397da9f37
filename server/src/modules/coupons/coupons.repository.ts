import { and, arrayOverlaps, asc, desc, eq, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { couponMemberCounts, coupons, couponTemplates } from './coupons.tables';

export type TemplateRow = typeof couponTemplates.$inferSelect;
export type CouponRow = typeof coupons.$inferSelect;
export type CouponWithTemplate = { coupon: CouponRow; template: TemplateRow };

// Every function takes the database or the caller's transaction first, and every query names the brand.

export async function insertTemplate(tx: Db, row: typeof couponTemplates.$inferInsert): Promise<TemplateRow> {
  const [inserted] = await tx.insert(couponTemplates).values(row).returning();
  return inserted!;
}

export async function findTemplate(tx: Db, brandId: string, templateId: string): Promise<TemplateRow | undefined> {
  const [row] = await tx.select().from(couponTemplates).where(and(eq(couponTemplates.brandId, brandId), eq(couponTemplates.id, templateId)));
  return row;
}

export async function listTemplates(tx: Db, brandId: string, status?: TemplateRow['status']): Promise<TemplateRow[]> {
  const conditions = [eq(couponTemplates.brandId, brandId)];
  if (status) conditions.push(eq(couponTemplates.status, status));
  return tx.select().from(couponTemplates).where(and(...conditions)).orderBy(desc(couponTemplates.createdAt), desc(couponTemplates.id));
}

export type TemplateChanges = Partial<Pick<TemplateRow, 'name' | 'description' | 'status' | 'totalQuantity' | 'budgetFen' | 'claimable' | 'storeIds' | 'perMemberLimit'>>;

/**
 * Applies `changes` only if they keep the counters valid at the moment of writing: quantity not below what was
 * issued, budget not below what was spent, an ended template not reopened. No row = one of those failed.
 */
export async function updateTemplateGuarded(tx: Db, brandId: string, templateId: string, changes: TemplateChanges, at: Date) {
  const conditions: SQL[] = [eq(couponTemplates.brandId, brandId), eq(couponTemplates.id, templateId)];
  if (changes.totalQuantity !== undefined && changes.totalQuantity !== null) conditions.push(lte(couponTemplates.issuedCount, changes.totalQuantity));
  if (changes.budgetFen !== undefined && changes.budgetFen !== null) conditions.push(lte(couponTemplates.spentFen, changes.budgetFen));
  if (changes.status !== undefined && changes.status !== 'ended') conditions.push(sql`${couponTemplates.status} <> 'ended'`);
  const [row] = await tx
    .update(couponTemplates)
    .set({ ...changes, updatedAt: at })
    .where(and(...conditions))
    .returning();
  return row;
}

/** Claimable templates still open at `at`, with how many of each the member holds. */
export async function listClaimableTemplates(tx: Db, brandId: string, memberId: string, at: Date) {
  return tx
    .select({ template: couponTemplates, claimedByMe: sql<number>`coalesce(${couponMemberCounts.issued}, 0)`.mapWith(Number) })
    .from(couponTemplates)
    .leftJoin(
      couponMemberCounts,
      and(eq(couponMemberCounts.templateId, couponTemplates.id), eq(couponMemberCounts.brandId, brandId), eq(couponMemberCounts.memberId, memberId)),
    )
    .where(
      and(
        eq(couponTemplates.brandId, brandId),
        eq(couponTemplates.status, 'active'),
        eq(couponTemplates.claimable, true),
        or(isNull(couponTemplates.validUntil), sql`${couponTemplates.validUntil} > ${at}`),
      ),
    )
    .orderBy(desc(couponTemplates.createdAt), desc(couponTemplates.id));
}

// ---- issuing ----

/**
 * Counts one more coupon of the template for the member, unless they already hold `limit`:
 * the row lock of the upsert serializes one member's concurrent claims. Null = limit reached.
 */
export async function incrementMemberCount(tx: Db, brandId: string, templateId: string, memberId: string, limit: number): Promise<number | null> {
  const [row] = await tx
    .insert(couponMemberCounts)
    .values({ brandId, templateId, memberId, issued: 1 })
    .onConflictDoUpdate({
      target: [couponMemberCounts.templateId, couponMemberCounts.memberId],
      set: { issued: sql`${couponMemberCounts.issued} + 1` },
      setWhere: sql`${couponMemberCounts.issued} < ${limit}`,
    })
    .returning({ issued: couponMemberCounts.issued });
  return row ? row.issued : null;
}

export async function decrementMemberCount(tx: Db, brandId: string, templateId: string, memberId: string): Promise<void> {
  await tx
    .update(couponMemberCounts)
    .set({ issued: sql`${couponMemberCounts.issued} - 1` })
    .where(
      and(
        eq(couponMemberCounts.brandId, brandId),
        eq(couponMemberCounts.templateId, templateId),
        eq(couponMemberCounts.memberId, memberId),
        sql`${couponMemberCounts.issued} > 0`,
      ),
    );
}

/** One more issued, only while the template is active and below its quantity. No row = not issued. */
export async function takeFromQuantity(tx: Db, brandId: string, templateId: string): Promise<TemplateRow | undefined> {
  const [row] = await tx
    .update(couponTemplates)
    .set({ issuedCount: sql`${couponTemplates.issuedCount} + 1` })
    .where(
      and(
        eq(couponTemplates.brandId, brandId),
        eq(couponTemplates.id, templateId),
        eq(couponTemplates.status, 'active'),
        sql`(${couponTemplates.totalQuantity} is null or ${couponTemplates.issuedCount} < ${couponTemplates.totalQuantity})`,
      ),
    )
    .returning();
  return row;
}

export async function giveBackQuantity(tx: Db, brandId: string, templateId: string): Promise<void> {
  await tx
    .update(couponTemplates)
    .set({ issuedCount: sql`${couponTemplates.issuedCount} - 1` })
    .where(and(eq(couponTemplates.brandId, brandId), eq(couponTemplates.id, templateId), sql`${couponTemplates.issuedCount} > 0`));
}

/** Inserts the coupon unless its code is taken (then undefined: the caller draws another code). */
export async function insertCouponUnlessCodeTaken(tx: Db, row: typeof coupons.$inferInsert): Promise<CouponRow | undefined> {
  const [inserted] = await tx.insert(coupons).values(row).onConflictDoNothing({ target: coupons.code }).returning();
  return inserted;
}

// ---- reading coupons ----

const withTemplate = (tx: Db) =>
  tx
    .select({ coupon: coupons, template: couponTemplates })
    .from(coupons)
    .innerJoin(couponTemplates, and(eq(couponTemplates.brandId, coupons.brandId), eq(couponTemplates.id, coupons.templateId)));

export async function findCoupon(tx: Db, brandId: string, couponId: string): Promise<CouponWithTemplate | undefined> {
  const [row] = await withTemplate(tx).where(and(eq(coupons.brandId, brandId), eq(coupons.id, couponId)));
  return row;
}

export async function findCouponByCode(tx: Db, brandId: string, code: string): Promise<CouponWithTemplate | undefined> {
  const [row] = await withTemplate(tx).where(and(eq(coupons.brandId, brandId), eq(coupons.code, code)));
  return row;
}

/** Locks the coupons with these codes (in id order, so two orders naming the same coupons cannot deadlock). */
export async function lockCouponsByCode(tx: Db, brandId: string, codes: string[]): Promise<CouponWithTemplate[]> {
  if (codes.length === 0) return [];
  const locked = await tx
    .select()
    .from(coupons)
    .where(and(eq(coupons.brandId, brandId), inArray(coupons.code, codes)))
    .orderBy(asc(coupons.id))
    .for('update');
  return attachTemplates(tx, brandId, locked);
}

export async function lockCouponsOfOrder(tx: Db, brandId: string, orderId: string): Promise<CouponWithTemplate[]> {
  const locked = await tx
    .select()
    .from(coupons)
    .where(and(eq(coupons.brandId, brandId), eq(coupons.redeemedOrderId, orderId), eq(coupons.status, 'redeemed')))
    .orderBy(asc(coupons.id))
    .for('update');
  return attachTemplates(tx, brandId, locked);
}

export async function lockCoupon(tx: Db, brandId: string, couponId: string): Promise<CouponWithTemplate | undefined> {
  const [row] = await tx.select().from(coupons).where(and(eq(coupons.brandId, brandId), eq(coupons.id, couponId))).for('update');
  return row ? (await attachTemplates(tx, brandId, [row]))[0] : undefined;
}

async function attachTemplates(tx: Db, brandId: string, rows: CouponRow[]): Promise<CouponWithTemplate[]> {
  if (rows.length === 0) return [];
  const templateIds = [...new Set(rows.map((row) => row.templateId))];
  const templates = await tx.select().from(couponTemplates).where(and(eq(couponTemplates.brandId, brandId), inArray(couponTemplates.id, templateIds)));
  const byId = new Map(templates.map((t) => [t.id, t]));
  return rows.map((coupon) => ({ coupon, template: byId.get(coupon.templateId)! }));
}

export type CouponFilter = 'available' | 'used' | 'expired' | 'revoked' | 'all' | { usableAtStores: string[] | null };

/** A member's coupons. `usableAtStores`: usable now at one of those stores (null: at any store). */
export async function listMemberCoupons(tx: Db, brandId: string, memberId: string, filter: CouponFilter, at: Date, page: { limit: number; offset: number }) {
  const conditions: SQL[] = [eq(coupons.brandId, brandId), eq(coupons.memberId, memberId)];
  let order: SQL[] = [desc(coupons.createdAt), desc(coupons.id)];
  if (filter === 'available') {
    conditions.push(eq(coupons.status, 'available'), sql`${coupons.validUntil} > ${at}`);
    order = [asc(coupons.validUntil), asc(coupons.id)];
  } else if (filter === 'used') {
    conditions.push(eq(coupons.status, 'redeemed'));
    order = [desc(coupons.redeemedAt), desc(coupons.id)];
  } else if (filter === 'expired') {
    conditions.push(sql`(${coupons.status} = 'expired' or (${coupons.status} = 'available' and ${coupons.validUntil} <= ${at}))`);
    order = [desc(coupons.validUntil), desc(coupons.id)];
  } else if (filter === 'revoked') {
    conditions.push(eq(coupons.status, 'revoked'));
  } else if (filter !== 'all') {
    conditions.push(eq(coupons.status, 'available'), sql`${coupons.validFrom} <= ${at}`, sql`${coupons.validUntil} > ${at}`);
    if (filter.usableAtStores) {
      conditions.push(or(isNull(couponTemplates.storeIds), arrayOverlaps(couponTemplates.storeIds, filter.usableAtStores))!);
    }
    order = [asc(coupons.validUntil), asc(coupons.id)];
  }
  const where = and(...conditions);
  const items = await withTemplate(tx).where(where).orderBy(...order).limit(page.limit).offset(page.offset);
  const [count] = await tx
    .select({ total: sql<number>`count(*)`.mapWith(Number) })
    .from(coupons)
    .innerJoin(couponTemplates, and(eq(couponTemplates.brandId, coupons.brandId), eq(couponTemplates.id, coupons.templateId)))
    .where(where);
  return { items, total: count?.total ?? 0 };
}

// ---- redeeming ----

/** Marks an available coupon redeemed; no row = it was not available any more (someone else won). */
export async function markRedeemed(
  tx: Db,
  brandId: string,
  couponId: string,
  values: { at: Date; orderId: string | null; storeId: string | null; staffId: string | null; discountFen: number },
): Promise<CouponRow | undefined> {
  const [row] = await tx
    .update(coupons)
    .set({
      status: 'redeemed',
      redeemedAt: values.at,
      redeemedOrderId: values.orderId,
      redeemedStoreId: values.storeId,
      redeemedByStaffId: values.staffId,
      discountFen: values.discountFen,
      updatedAt: values.at,
    })
    .where(and(eq(coupons.brandId, brandId), eq(coupons.id, couponId), eq(coupons.status, 'available')))
    .returning();
  return row;
}

/** Spends `discountFen` of the template's budget and counts the redemptions; no row = the budget would be exceeded. */
export async function spendBudget(tx: Db, brandId: string, templateId: string, discountFen: number, redemptions: number): Promise<TemplateRow | undefined> {
  const [row] = await tx
    .update(couponTemplates)
    .set({ spentFen: sql`${couponTemplates.spentFen} + ${discountFen}`, redeemedCount: sql`${couponTemplates.redeemedCount} + ${redemptions}` })
    .where(
      and(
        eq(couponTemplates.brandId, brandId),
        eq(couponTemplates.id, templateId),
        sql`(${couponTemplates.budgetFen} is null or ${couponTemplates.spentFen} + ${discountFen} <= ${couponTemplates.budgetFen})`,
      ),
    )
    .returning();
  return row;
}

export async function giveBackBudget(tx: Db, brandId: string, templateId: string, discountFen: number, redemptions: number): Promise<void> {
  await tx
    .update(couponTemplates)
    .set({
      spentFen: sql`greatest(${couponTemplates.spentFen} - ${discountFen}, 0)`,
      redeemedCount: sql`greatest(${couponTemplates.redeemedCount} - ${redemptions}, 0)`,
    })
    .where(and(eq(couponTemplates.brandId, brandId), eq(couponTemplates.id, templateId)));
}

/** Undoes a redemption: available again while valid, else expired. */
export async function unredeem(tx: Db, brandId: string, couponId: string, at: Date): Promise<CouponRow | undefined> {
  const [row] = await tx
    .update(coupons)
    .set({
      status: sql`case when ${coupons.validUntil} > ${at} then 'available' else 'expired' end`,
      redeemedAt: null,
      redeemedOrderId: null,
      redeemedStoreId: null,
      redeemedByStaffId: null,
      discountFen: null,
      updatedAt: at,
    })
    .where(and(eq(coupons.brandId, brandId), eq(coupons.id, couponId), eq(coupons.status, 'redeemed')))
    .returning();
  return row;
}

export async function markRevoked(tx: Db, brandId: string, couponId: string, at: Date): Promise<CouponRow | undefined> {
  const [row] = await tx
    .update(coupons)
    .set({ status: 'revoked', updatedAt: at })
    .where(and(eq(coupons.brandId, brandId), eq(coupons.id, couponId), inArray(coupons.status, ['available', 'expired'])))
    .returning();
  return row;
}

/**
 * Marks up to `batch` available coupons past their validity as expired, across brands. Rows another transaction
 * holds (a redemption in flight) are skipped and picked up next time.
 */
export async function expireDueBatch(tx: Db, at: Date, batch: number): Promise<number> {
  const result = await tx.execute(sql`
    with due as (
      select id from ${coupons}
      where status = 'available' and valid_until <= ${at}
      limit ${batch}
      for update skip locked
    )
    update ${coupons} set status = 'expired', updated_at = ${at}
    from due where ${coupons}.id = due.id
    returning ${coupons}.id`);
  // counted from the returned rows: node-postgres and PGlite report affected rows under different names
  return (result as unknown as { rows: unknown[] }).rows.length;
}

export interface IssuedCouponRow {
  id: string;
  ref: string;
  code: string;
  status: 'available' | 'redeemed' | 'expired' | 'revoked';
  validUntil: Date;
}

/** The coupons issued through `via` for each of `refs` (e.g. the units of mall exchanges), grouped by ref. */
export async function couponsIssuedFor(tx: Db, brandId: string, via: CouponRow['issuedVia'], refs: string[]): Promise<Map<string, IssuedCouponRow[]>> {
  const byRef = new Map<string, IssuedCouponRow[]>();
  if (refs.length === 0) return byRef;
  const rows = await tx
    .select({ id: coupons.id, ref: coupons.issuedRef, code: coupons.code, status: coupons.status, validUntil: coupons.validUntil })
    .from(coupons)
    .where(and(eq(coupons.brandId, brandId), eq(coupons.issuedVia, via), inArray(coupons.issuedRef, refs)))
    .orderBy(asc(coupons.id));
  for (const row of rows) {
    const list = byRef.get(row.ref!) ?? [];
    list.push(row as IssuedCouponRow);
    byRef.set(row.ref!, list);
  }
  return byRef;
}
