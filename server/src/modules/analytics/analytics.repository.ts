import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { brands } from '../../db/schema';
import { analyticsSettings, clvModels, memberScores, segments } from './analytics.tables';

export type SettingsRow = typeof analyticsSettings.$inferSelect;
export type ScoresRow = typeof memberScores.$inferSelect;
export type ClvModelRow = typeof clvModels.$inferSelect;
export type SegmentRow = typeof segments.$inferSelect;

export async function findSettings(tx: Db, brandId: string): Promise<SettingsRow | undefined> {
  const [row] = await tx.select().from(analyticsSettings).where(eq(analyticsSettings.brandId, brandId));
  return row;
}

export async function upsertSettings(tx: Db, row: typeof analyticsSettings.$inferInsert): Promise<SettingsRow> {
  const { brandId, ...values } = row;
  const [saved] = await tx.insert(analyticsSettings).values(row).onConflictDoUpdate({ target: analyticsSettings.brandId, set: values }).returning();
  return saved!;
}

export async function findScores(tx: Db, brandId: string, memberId: string): Promise<ScoresRow | undefined> {
  const [row] = await tx.select().from(memberScores).where(and(eq(memberScores.brandId, brandId), eq(memberScores.memberId, memberId)));
  return row;
}

export async function findClvModel(tx: Db, brandId: string): Promise<ClvModelRow | undefined> {
  const [row] = await tx.select().from(clvModels).where(eq(clvModels.brandId, brandId));
  return row;
}

export async function upsertClvModel(tx: Db, row: typeof clvModels.$inferInsert): Promise<void> {
  const { brandId, ...values } = row;
  await tx.insert(clvModels).values(row).onConflictDoUpdate({ target: clvModels.brandId, set: values });
}

export async function deleteClvModel(tx: Db, brandId: string): Promise<void> {
  await tx.delete(clvModels).where(eq(clvModels.brandId, brandId));
}

/**
 * The brands the nightly scoring visits. Read straight from the brands table: analytics is the
 * read model, and a list of ids is all it needs.
 */
export async function activeBrandIds(tx: Db): Promise<string[]> {
  const rows = await tx.select({ id: brands.id }).from(brands).where(eq(brands.status, 'active')).orderBy(asc(brands.id));
  return rows.map((row) => row.id);
}

export async function insertSegment(tx: Db, row: typeof segments.$inferInsert): Promise<SegmentRow> {
  const [saved] = await tx.insert(segments).values(row).returning();
  return saved!;
}

export async function findSegment(tx: Db, brandId: string, segmentId: string): Promise<SegmentRow | undefined> {
  const [row] = await tx.select().from(segments).where(and(eq(segments.brandId, brandId), eq(segments.id, segmentId)));
  return row;
}

export async function listSegments(tx: Db, brandId: string, page: { limit: number; offset: number }) {
  const where = eq(segments.brandId, brandId);
  const [rows, [count]] = await Promise.all([
    tx.select().from(segments).where(where).orderBy(asc(segments.name), asc(segments.id)).limit(page.limit).offset(page.offset),
    tx.select({ total: sql<number>`count(*)::int` }).from(segments).where(where),
  ]);
  return { rows, total: count?.total ?? 0 };
}

export async function updateSegment(tx: Db, brandId: string, segmentId: string, values: Partial<Pick<SegmentRow, 'name' | 'filter' | 'lastCount' | 'lastCountedAt' | 'updatedAt'>>) {
  const [row] = await tx.update(segments).set(values).where(and(eq(segments.brandId, brandId), eq(segments.id, segmentId))).returning();
  return row;
}

export async function deleteSegment(tx: Db, brandId: string, segmentId: string): Promise<boolean> {
  const deleted = await tx.delete(segments).where(and(eq(segments.brandId, brandId), eq(segments.id, segmentId))).returning({ id: segments.id });
  return deleted.length > 0;
}
