import { and, asc, desc, eq, gt, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { memberTiers, tierHistory, tierSettings, tiers } from './tiers.tables';

export type TierRow = typeof tiers.$inferSelect;
export type TierSettingsRow = typeof tierSettings.$inferSelect;
export type MemberTierRow = typeof memberTiers.$inferSelect;
export type TierHistoryRow = typeof tierHistory.$inferSelect;

export async function listTiers(tx: Db, brandId: string): Promise<TierRow[]> {
  return tx.select().from(tiers).where(eq(tiers.brandId, brandId)).orderBy(asc(tiers.level));
}

/**
 * The brand's ladder lock, held to the end of the transaction: a ladder change takes it exclusively,
 * work that moves a member by the ladder takes it shared, so nobody is raised to a level being removed.
 */
export async function lockLadder(tx: Db, brandId: string, mode: 'exclusive' | 'shared'): Promise<void> {
  const key = `tiers:${brandId}`;
  if (mode === 'exclusive') await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
  else await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtextextended(${key}, 0))`);
}

/** Writes each level by its number (a level keeps its id), then drops the levels above the new top. */
export async function replaceTiers(tx: Db, brandId: string, rows: Omit<typeof tiers.$inferInsert, 'brandId'>[], at: Date): Promise<void> {
  for (const row of rows) {
    await tx
      .insert(tiers)
      .values({ ...row, brandId, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: [tiers.brandId, tiers.level],
        set: {
          name: row.name,
          threshold: row.threshold,
          pointsMultiplierPermille: row.pointsMultiplierPermille,
          discountPercent: row.discountPercent,
          birthdayCouponTemplateId: row.birthdayCouponTemplateId,
          freeShipping: row.freeShipping,
          updatedAt: at,
        },
      });
  }
  const top = Math.max(...rows.map((row) => row.level));
  await tx.delete(tiers).where(and(eq(tiers.brandId, brandId), gt(tiers.level, top)));
}

export async function findSettings(tx: Db, brandId: string): Promise<TierSettingsRow | undefined> {
  const [row] = await tx.select().from(tierSettings).where(eq(tierSettings.brandId, brandId));
  return row;
}

export async function upsertSettings(tx: Db, row: typeof tierSettings.$inferInsert): Promise<TierSettingsRow> {
  const { brandId, ...values } = row;
  const [saved] = await tx.insert(tierSettings).values(row).onConflictDoUpdate({ target: tierSettings.brandId, set: values }).returning();
  return saved!;
}

/** Creates the member's row at level 0 unless it exists; a member unknown to the brand fails the foreign key. */
export async function ensureMemberTiers(tx: Db, brandId: string, memberIds: string[], at: Date): Promise<void> {
  if (memberIds.length === 0) return;
  await tx
    .insert(memberTiers)
    .values(memberIds.map((memberId) => ({ brandId, memberId, level: 0, growthValue: 0, levelSince: at, updatedAt: at })))
    .onConflictDoNothing();
}

export async function findMemberTier(tx: Db, brandId: string, memberId: string): Promise<MemberTierRow | undefined> {
  const [row] = await tx.select().from(memberTiers).where(and(eq(memberTiers.brandId, brandId), eq(memberTiers.memberId, memberId)));
  return row;
}

/** Locks the member's row for the rest of the transaction, so purchases, evaluation and operators queue up. */
export async function lockMemberTier(tx: Db, brandId: string, memberId: string): Promise<MemberTierRow | undefined> {
  const [row] = await tx
    .select()
    .from(memberTiers)
    .where(and(eq(memberTiers.brandId, brandId), eq(memberTiers.memberId, memberId)))
    .for('update');
  return row;
}

/** Locks a batch in member id order, the same order every batch takes, so two evaluations cannot deadlock. */
export async function lockMemberTiers(tx: Db, brandId: string, memberIds: string[]): Promise<MemberTierRow[]> {
  if (memberIds.length === 0) return [];
  return tx
    .select()
    .from(memberTiers)
    .where(and(eq(memberTiers.brandId, brandId), inArray(memberTiers.memberId, memberIds)))
    .orderBy(asc(memberTiers.memberId))
    .for('update');
}

export async function updateMemberTier(
  tx: Db,
  brandId: string,
  memberId: string,
  values: Partial<Omit<MemberTierRow, 'brandId' | 'memberId'>>,
  at: Date,
): Promise<MemberTierRow> {
  const [row] = await tx
    .update(memberTiers)
    .set({ ...values, updatedAt: at })
    .where(and(eq(memberTiers.brandId, brandId), eq(memberTiers.memberId, memberId)))
    .returning();
  return row!;
}

/** Writes the new state of many members in one statement (evaluation writes a batch at a time). */
export async function updateMemberTiers(
  tx: Db,
  brandId: string,
  rows: Pick<MemberTierRow, 'memberId' | 'level' | 'manualLevel' | 'manualUntil' | 'graceUntil' | 'growthValue' | 'levelSince'>[],
  at: Date,
): Promise<void> {
  if (rows.length === 0) return;
  const ts = (value: Date | null) => (value ? value.toISOString() : null);
  const values = sql.join(
    rows.map(
      (row) =>
        sql`(${row.memberId}::text, ${row.level}::int, ${row.manualLevel}::int, ${ts(row.manualUntil)}::timestamptz, ${ts(row.graceUntil)}::timestamptz, ${row.growthValue}::int, ${ts(row.levelSince)}::timestamptz)`,
    ),
    sql`, `,
  );
  await tx.execute(sql`
    update member_tiers as m
    set level = v.level, manual_level = v.manual_level, manual_until = v.manual_until, grace_until = v.grace_until,
        growth_value = v.growth_value, level_since = v.level_since, updated_at = ${at.toISOString()}::timestamptz
    from (values ${values}) as v(member_id, level, manual_level, manual_until, grace_until, growth_value, level_since)
    where m.brand_id = ${brandId} and m.member_id = v.member_id`);
}

/** Members above the new top level (earned or manual), locked: a shorter ladder brings them down to its top. */
export async function lockMembersAbove(tx: Db, brandId: string, top: number): Promise<MemberTierRow[]> {
  return tx
    .select()
    .from(memberTiers)
    .where(and(eq(memberTiers.brandId, brandId), or(gt(memberTiers.level, top), gt(memberTiers.manualLevel, top))))
    .orderBy(asc(memberTiers.memberId))
    .for('update');
}

export async function clampMembersTo(tx: Db, brandId: string, top: number, at: Date): Promise<void> {
  await tx
    .update(memberTiers)
    .set({
      level: sql`least(${memberTiers.level}, ${top})`,
      levelSince: sql`case when ${memberTiers.level} > ${top} then ${at.toISOString()}::timestamptz else ${memberTiers.levelSince} end`,
      manualLevel: sql`case when ${memberTiers.manualLevel} is null then null else least(${memberTiers.manualLevel}, ${top}) end`,
      updatedAt: at,
    })
    .where(and(eq(memberTiers.brandId, brandId), or(gt(memberTiers.level, top), gt(memberTiers.manualLevel, top))));
}

export async function insertHistory(tx: Db, rows: (typeof tierHistory.$inferInsert)[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 1000) await tx.insert(tierHistory).values(rows.slice(i, i + 1000));
}

export async function listHistory(tx: Db, brandId: string, memberId: string, page: { limit: number; offset: number }) {
  const where = and(eq(tierHistory.brandId, brandId), eq(tierHistory.memberId, memberId));
  const [rows, [count]] = await Promise.all([
    tx.select().from(tierHistory).where(where).orderBy(desc(tierHistory.at), desc(tierHistory.id)).limit(page.limit).offset(page.offset),
    tx.select({ total: sql<number>`count(*)::int` }).from(tierHistory).where(where),
  ]);
  return { rows, total: count?.total ?? 0 };
}

/** Brands that have a ladder: without one everybody is at level 0 and there is nothing to evaluate. */
export async function brandsWithTiers(tx: Db): Promise<string[]> {
  const rows = await tx.selectDistinct({ brandId: tiers.brandId }).from(tiers).orderBy(asc(tiers.brandId));
  return rows.map((row) => row.brandId);
}

