import { and, asc, desc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { consentEvents, memberIdentities, members } from './members.tables';

export type MemberRow = typeof members.$inferSelect;
export type IdentityRow = typeof memberIdentities.$inferSelect;

export async function findMember(tx: Db, brandId: string, memberId: string): Promise<MemberRow | undefined> {
  const [row] = await tx.select().from(members).where(and(eq(members.brandId, brandId), eq(members.id, memberId)));
  return row;
}

/** Locks the member row for the rest of the transaction, so two changes to one member queue up. */
export async function lockMember(tx: Db, brandId: string, memberId: string): Promise<MemberRow | undefined> {
  const [row] = await tx.select().from(members).where(and(eq(members.brandId, brandId), eq(members.id, memberId))).for('update');
  return row;
}

export async function findMemberByNo(tx: Db, brandId: string, memberNo: number): Promise<MemberRow | undefined> {
  const [row] = await tx.select().from(members).where(and(eq(members.brandId, brandId), eq(members.memberNo, memberNo)));
  return row;
}

export async function findMemberByPhone(tx: Db, brandId: string, phone: string, exceptMemberId?: string) {
  const conditions = [eq(members.brandId, brandId), eq(members.phone, phone)];
  if (exceptMemberId) conditions.push(ne(members.id, exceptMemberId));
  const [row] = await tx.select().from(members).where(and(...conditions));
  return row;
}

export async function listMembers(tx: Db, brandId: string, filter: { phone?: string; limit: number; offset: number }) {
  const conditions = [eq(members.brandId, brandId)];
  if (filter.phone) conditions.push(eq(members.phone, filter.phone));
  const where = and(...conditions);
  const [rows, [count]] = await Promise.all([
    tx.select().from(members).where(where).orderBy(desc(members.joinedAt), desc(members.id)).limit(filter.limit).offset(filter.offset),
    tx.select({ total: sql<number>`count(*)::int` }).from(members).where(where),
  ]);
  return { rows, total: count?.total ?? 0 };
}

export async function insertMember(tx: Db, row: typeof members.$inferInsert): Promise<MemberRow> {
  const [inserted] = await tx.insert(members).values(row).returning();
  return inserted!;
}

export async function deleteMember(tx: Db, brandId: string, memberId: string): Promise<void> {
  await tx.delete(members).where(and(eq(members.brandId, brandId), eq(members.id, memberId)));
}

export async function updateMember(
  tx: Db,
  brandId: string,
  memberId: string,
  values: Partial<Omit<MemberRow, 'id' | 'brandId' | 'createdAt'>>,
  at: Date,
): Promise<MemberRow> {
  const [row] = await tx
    .update(members)
    .set({ ...values, updatedAt: at })
    .where(and(eq(members.brandId, brandId), eq(members.id, memberId)))
    .returning();
  return row!;
}

export async function findIdentityByOpenid(tx: Db, brandId: string, appId: string, openid: string) {
  const [row] = await tx
    .select()
    .from(memberIdentities)
    .where(and(eq(memberIdentities.brandId, brandId), eq(memberIdentities.appId, appId), eq(memberIdentities.openid, openid)));
  return row;
}

export async function findIdentityByUnionid(tx: Db, brandId: string, unionid: string) {
  const [row] = await tx
    .select()
    .from(memberIdentities)
    .where(and(eq(memberIdentities.brandId, brandId), eq(memberIdentities.unionid, unionid)))
    .orderBy(asc(memberIdentities.createdAt))
    .limit(1);
  return row;
}

/** Inserts the identity unless that openid already has one; returns whether this call inserted it. */
export async function insertIdentityIfAbsent(tx: Db, row: typeof memberIdentities.$inferInsert): Promise<boolean> {
  const inserted = await tx
    .insert(memberIdentities)
    .values(row)
    .onConflictDoNothing({ target: [memberIdentities.brandId, memberIdentities.appId, memberIdentities.openid] })
    .returning({ id: memberIdentities.id });
  return inserted.length === 1;
}

export async function touchIdentity(tx: Db, brandId: string, identityId: string, values: { sessionKey: string; unionid: string | null; at: Date }) {
  await tx
    .update(memberIdentities)
    .set({ sessionKey: values.sessionKey, lastLoginAt: values.at, ...(values.unionid ? { unionid: values.unionid } : {}) })
    .where(and(eq(memberIdentities.brandId, brandId), eq(memberIdentities.id, identityId)));
}

export async function insertConsentEvent(tx: Db, row: typeof consentEvents.$inferInsert): Promise<void> {
  await tx.insert(consentEvents).values(row);
}

export async function listConsentEvents(tx: Db, brandId: string, memberId: string) {
  return tx
    .select()
    .from(consentEvents)
    .where(and(eq(consentEvents.brandId, brandId), eq(consentEvents.memberId, memberId)))
    .orderBy(desc(consentEvents.at), desc(consentEvents.id));
}

export async function memberStatuses(tx: Db, brandId: string, memberIds: string[]): Promise<Map<string, 'active' | 'disabled'>> {
  if (memberIds.length === 0) return new Map();
  const rows = await tx.select({ id: members.id, status: members.status }).from(members).where(and(eq(members.brandId, brandId), inArray(members.id, memberIds)));
  return new Map(rows.map((row) => [row.id, row.status]));
}

/** The next batch of the brand's member ids after `after`, in id order (keyset pagination for batch jobs). */
export async function memberIdsAfter(tx: Db, brandId: string, after: string | null, limit: number): Promise<string[]> {
  const rows = await tx
    .select({ id: members.id })
    .from(members)
    .where(after === null ? eq(members.brandId, brandId) : and(eq(members.brandId, brandId), gt(members.id, after)))
    .orderBy(asc(members.id))
    .limit(limit);
  return rows.map((row) => row.id);
}
