import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { brands, joinScenes, staff, staffStores, stores } from './brands.tables';

export type BrandRow = typeof brands.$inferSelect;
export type StoreRow = typeof stores.$inferSelect;
export type StaffRow = typeof staff.$inferSelect;
export type JoinSceneRow = typeof joinScenes.$inferSelect;
export type StaffWithStores = StaffRow & { storeIds: string[] };

// Every function takes the database or the caller's transaction first, and every query names the brand.

export async function findBrandById(tx: Db, brandId: string): Promise<BrandRow | undefined> {
  const [row] = await tx.select().from(brands).where(eq(brands.id, brandId));
  return row;
}

export async function findBrandByCode(tx: Db, code: string): Promise<BrandRow | undefined> {
  const [row] = await tx.select().from(brands).where(eq(brands.code, code));
  return row;
}

export async function updateBrand(tx: Db, brandId: string, values: Partial<Pick<BrandRow, 'name' | 'timeZone'>>, at: Date) {
  const [row] = await tx.update(brands).set({ ...values, updatedAt: at }).where(eq(brands.id, brandId)).returning();
  return row;
}

export async function listStores(tx: Db, brandId: string, onlyIds?: string[]): Promise<StoreRow[]> {
  const conditions = [eq(stores.brandId, brandId)];
  if (onlyIds) conditions.push(inArray(stores.id, onlyIds.length ? onlyIds : ['']));
  return tx.select().from(stores).where(and(...conditions)).orderBy(asc(stores.code));
}

export async function findStore(tx: Db, brandId: string, storeId: string): Promise<StoreRow | undefined> {
  const [row] = await tx.select().from(stores).where(and(eq(stores.brandId, brandId), eq(stores.id, storeId)));
  return row;
}

export async function insertStore(tx: Db, row: typeof stores.$inferInsert): Promise<StoreRow> {
  const [inserted] = await tx.insert(stores).values(row).returning();
  return inserted!;
}

export async function updateStore(tx: Db, brandId: string, storeId: string, values: Partial<Pick<StoreRow, 'name' | 'address' | 'status'>>, at: Date) {
  const [row] = await tx
    .update(stores)
    .set({ ...values, updatedAt: at })
    .where(and(eq(stores.brandId, brandId), eq(stores.id, storeId)))
    .returning();
  return row;
}

async function storeIdsByStaff(tx: Db, brandId: string, staffIds: string[]): Promise<Map<string, string[]>> {
  const byStaff = new Map<string, string[]>(staffIds.map((id) => [id, []]));
  if (staffIds.length === 0) return byStaff;
  const rows = await tx
    .select({ staffId: staffStores.staffId, storeId: staffStores.storeId })
    .from(staffStores)
    .where(and(eq(staffStores.brandId, brandId), inArray(staffStores.staffId, staffIds)))
    .orderBy(asc(staffStores.storeId));
  for (const row of rows) byStaff.get(row.staffId)?.push(row.storeId);
  return byStaff;
}

async function withStoreIds(tx: Db, row: StaffRow | undefined): Promise<StaffWithStores | undefined> {
  if (!row) return undefined;
  const storeIds = (await storeIdsByStaff(tx, row.brandId, [row.id])).get(row.id) ?? [];
  return { ...row, storeIds };
}

export async function findStaff(tx: Db, brandId: string, staffId: string): Promise<StaffWithStores | undefined> {
  const [row] = await tx.select().from(staff).where(and(eq(staff.brandId, brandId), eq(staff.id, staffId)));
  return withStoreIds(tx, row);
}

export async function findStaffByUsername(tx: Db, brandId: string, username: string): Promise<StaffWithStores | undefined> {
  const [row] = await tx.select().from(staff).where(and(eq(staff.brandId, brandId), eq(staff.username, username)));
  return withStoreIds(tx, row);
}

export async function listStaff(tx: Db, brandId: string): Promise<StaffWithStores[]> {
  const rows = await tx.select().from(staff).where(eq(staff.brandId, brandId)).orderBy(asc(staff.username));
  const storeIds = await storeIdsByStaff(tx, brandId, rows.map((row) => row.id));
  return rows.map((row) => ({ ...row, storeIds: storeIds.get(row.id) ?? [] }));
}

export async function insertStaff(tx: Db, row: typeof staff.$inferInsert): Promise<StaffRow> {
  const [inserted] = await tx.insert(staff).values(row).returning();
  return inserted!;
}

export async function updateStaff(
  tx: Db,
  brandId: string,
  staffId: string,
  values: Partial<Pick<StaffRow, 'displayName' | 'passwordHash' | 'role' | 'status' | 'lastLoginAt'>>,
  at: Date,
) {
  const [row] = await tx
    .update(staff)
    .set({ ...values, updatedAt: at })
    .where(and(eq(staff.brandId, brandId), eq(staff.id, staffId)))
    .returning();
  return row;
}

export async function replaceStaffStores(tx: Db, brandId: string, staffId: string, storeIds: string[]): Promise<void> {
  await tx.delete(staffStores).where(and(eq(staffStores.brandId, brandId), eq(staffStores.staffId, staffId)));
  if (storeIds.length) await tx.insert(staffStores).values(storeIds.map((storeId) => ({ brandId, staffId, storeId })));
}

export async function findJoinSceneByScene(tx: Db, scene: string): Promise<JoinSceneRow | undefined> {
  const [row] = await tx.select().from(joinScenes).where(eq(joinScenes.scene, scene));
  return row;
}

export async function findJoinScene(tx: Db, brandId: string, joinSceneId: string): Promise<JoinSceneRow | undefined> {
  const [row] = await tx.select().from(joinScenes).where(and(eq(joinScenes.brandId, brandId), eq(joinScenes.id, joinSceneId)));
  return row;
}

/** Inserts the scene unless the target already has one; returns the target's scene either way. */
export async function upsertJoinScene(tx: Db, row: typeof joinScenes.$inferInsert): Promise<JoinSceneRow> {
  await tx.insert(joinScenes).values(row).onConflictDoNothing({ target: [joinScenes.brandId, joinScenes.targetKey] });
  const [existing] = await tx
    .select()
    .from(joinScenes)
    .where(and(eq(joinScenes.brandId, row.brandId), eq(joinScenes.targetKey, row.targetKey)));
  return existing!;
}

export async function listJoinScenes(tx: Db, brandId: string): Promise<JoinSceneRow[]> {
  return tx.select().from(joinScenes).where(eq(joinScenes.brandId, brandId)).orderBy(asc(joinScenes.createdAt));
}

export async function countStoresInBrand(tx: Db, brandId: string, storeIds: string[]): Promise<number> {
  if (storeIds.length === 0) return 0;
  const [row] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(stores)
    .where(and(eq(stores.brandId, brandId), inArray(stores.id, storeIds), eq(stores.status, 'active')));
  return row?.count ?? 0;
}

/** The ids among `storeIds` that are stores of the brand. */
export async function existingStoreIds(tx: Db, brandId: string, storeIds: string[]): Promise<Set<string>> {
  if (storeIds.length === 0) return new Set();
  const rows = await tx.select({ id: stores.id }).from(stores).where(and(eq(stores.brandId, brandId), inArray(stores.id, storeIds)));
  return new Set(rows.map((row) => row.id));
}
