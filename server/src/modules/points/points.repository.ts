import { and, asc, desc, eq, gt, gte, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { checkins, pointAccounts, pointAllocations, pointEntries, pointLots, pointMultipliers, pointRules } from './points.tables';
import type { Allocation } from './lots';

export type AccountRow = typeof pointAccounts.$inferSelect;
export type EntryRow = typeof pointEntries.$inferSelect;
export type LotRow = typeof pointLots.$inferSelect;
export type RulesRow = typeof pointRules.$inferSelect;
export type MultiplierRow = typeof pointMultipliers.$inferSelect;
export type EntryType = EntryRow['type'];

/** Creates the member's account row if it is missing; a member that does not exist in the brand fails the foreign key. */
export async function ensureAccount(tx: Db, brandId: string, memberId: string): Promise<void> {
  await tx.insert(pointAccounts).values({ brandId, memberId }).onConflictDoNothing();
}

/**
 * Locks the member's account for the rest of the transaction (all of a member's point moves queue up
 * here) and reads the brand's rules in the same round trip; rules are null while the brand has none.
 */
export async function lockAccount(tx: Db, brandId: string, memberId: string): Promise<LockedAccount | undefined> {
  // fixed SQL text: this runs first in every point move (see the note on the hot path below)
  const row = firstRow(
    await tx.execute(sql`
      select a.balance, a.debt, a.lifetime_earned, r.brand_id is not null as has_rules,
             r.earn_points, r.earn_per_fen, r.expiry_mode, r.expiry_days, r.lock_days,
             r.checkin_points, r.referral_inviter_points, r.referral_invitee_points
      from point_accounts a left join point_rules r on r.brand_id = a.brand_id
      where a.brand_id = ${brandId} and a.member_id = ${memberId}
      for update of a`),
  );
  if (!row) return undefined;
  return {
    brandId,
    memberId,
    balance: Number(row.balance),
    debt: Number(row.debt),
    lifetimeEarned: Number(row.lifetime_earned),
    rules: row.has_rules
      ? {
          earnPoints: Number(row.earn_points),
          earnPerFen: Number(row.earn_per_fen),
          expiryMode: row.expiry_mode as RulesRow['expiryMode'],
          expiryDays: Number(row.expiry_days),
          lockDays: Number(row.lock_days),
          checkinPoints: Number(row.checkin_points),
          referralInviterPoints: Number(row.referral_inviter_points),
          referralInviteePoints: Number(row.referral_invitee_points),
        }
      : null,
  };
}

export interface LockedAccount {
  brandId: string;
  memberId: string;
  balance: number;
  debt: number;
  lifetimeEarned: number;
  rules: Omit<RulesRow, 'brandId' | 'updatedAt'> | null;
}

export async function findAccount(tx: Db, brandId: string, memberId: string): Promise<AccountRow | undefined> {
  const [row] = await tx.select().from(pointAccounts).where(and(eq(pointAccounts.brandId, brandId), eq(pointAccounts.memberId, memberId)));
  return row;
}

/** Moves the cached balance and debt by deltas; the check constraints refuse a negative result. */
export async function moveAccount(
  tx: Db,
  brandId: string,
  memberId: string,
  delta: { balance?: number; debt?: number; lifetimeEarned?: number },
  at: Date,
): Promise<AccountRow> {
  const [row] = await tx
    .update(pointAccounts)
    .set({
      balance: sql`${pointAccounts.balance} + ${delta.balance ?? 0}`,
      debt: sql`${pointAccounts.debt} + ${delta.debt ?? 0}`,
      lifetimeEarned: sql`greatest(${pointAccounts.lifetimeEarned} + ${delta.lifetimeEarned ?? 0}, 0)`,
      updatedAt: at,
    })
    .where(and(eq(pointAccounts.brandId, brandId), eq(pointAccounts.memberId, memberId)))
    .returning();
  return row!;
}

export async function findRules(tx: Db, brandId: string): Promise<RulesRow | undefined> {
  const [row] = await tx.select().from(pointRules).where(eq(pointRules.brandId, brandId));
  return row;
}

export async function upsertRules(tx: Db, row: typeof pointRules.$inferInsert): Promise<RulesRow> {
  const { brandId: _brandId, ...values } = row;
  const [saved] = await tx.insert(pointRules).values(row).onConflictDoUpdate({ target: pointRules.brandId, set: values }).returning();
  return saved!;
}

export async function listMultipliers(tx: Db, brandId: string): Promise<MultiplierRow[]> {
  return tx.select().from(pointMultipliers).where(eq(pointMultipliers.brandId, brandId)).orderBy(asc(pointMultipliers.createdAt), asc(pointMultipliers.id));
}

/** Multipliers that may apply at `at`: those without a window and those whose window holds `at`. */
export async function multipliersAt(tx: Db, brandId: string, at: Date): Promise<MultiplierRow[]> {
  return tx
    .select()
    .from(pointMultipliers)
    .where(
      and(
        eq(pointMultipliers.brandId, brandId),
        sql`(${pointMultipliers.startsAt} is null or ${pointMultipliers.startsAt} <= ${at})`,
        sql`(${pointMultipliers.endsAt} is null or ${pointMultipliers.endsAt} > ${at})`,
      ),
    );
}

export async function insertMultiplier(tx: Db, row: typeof pointMultipliers.$inferInsert): Promise<MultiplierRow> {
  const [inserted] = await tx.insert(pointMultipliers).values(row).returning();
  return inserted!;
}

export async function deleteMultiplier(tx: Db, brandId: string, multiplierId: string): Promise<MultiplierRow | undefined> {
  const [deleted] = await tx
    .delete(pointMultipliers)
    .where(and(eq(pointMultipliers.brandId, brandId), eq(pointMultipliers.id, multiplierId)))
    .returning();
  return deleted;
}

export async function findEntryBySource(tx: Db, brandId: string, sourceType: string, sourceId: string, type: EntryType): Promise<EntryRow | undefined> {
  const [row] = await tx
    .select()
    .from(pointEntries)
    .where(and(eq(pointEntries.brandId, brandId), eq(pointEntries.sourceType, sourceType), eq(pointEntries.sourceId, sourceId), eq(pointEntries.type, type)));
  return row;
}

export async function findEntry(tx: Db, brandId: string, entryId: string): Promise<EntryRow | undefined> {
  const [row] = await tx.select().from(pointEntries).where(and(eq(pointEntries.brandId, brandId), eq(pointEntries.id, entryId)));
  return row;
}

export async function entriesPage(tx: Db, brandId: string, memberId: string, page: { limit: number; offset: number }) {
  const where = and(eq(pointEntries.brandId, brandId), eq(pointEntries.memberId, memberId));
  const [rows, [count]] = await Promise.all([
    tx.select().from(pointEntries).where(where).orderBy(desc(pointEntries.createdAt), desc(pointEntries.id)).limit(page.limit).offset(page.offset),
    tx.select({ total: sql<number>`count(*)::int` }).from(pointEntries).where(where),
  ]);
  return { rows, total: count?.total ?? 0 };
}

/** Points a member earned in [from, to): earn entries (gross, before any debt they paid off); adjustments are not earnings. */
export async function earnedBetween(tx: Db, brandId: string, memberId: string, from: Date, to: Date): Promise<number> {
  const [row] = await tx
    .select({ total: sql<string>`coalesce(sum(${pointEntries.amount}), 0)` })
    .from(pointEntries)
    .where(
      and(
        eq(pointEntries.brandId, brandId),
        eq(pointEntries.memberId, memberId),
        eq(pointEntries.type, 'earn'),
        gte(pointEntries.createdAt, from),
        lt(pointEntries.createdAt, to),
      ),
    );
  return Number(row?.total ?? 0);
}

/**
 * Points taken back from earnings in [from, to): what reversals (refunds) took from lots, and what
 * later earnings paid of the debt those reversals left; debt not yet paid counts once it is paid.
 */
export async function reversedEarningsBetween(tx: Db, brandId: string, memberId: string, from: Date, to: Date): Promise<number> {
  const [row] = await tx
    .select({ total: sql<string>`coalesce(sum(-${pointEntries.amount}), 0)` })
    .from(pointEntries)
    .where(
      and(
        eq(pointEntries.brandId, brandId),
        eq(pointEntries.memberId, memberId),
        eq(pointEntries.type, 'reverse'),
        sql`${pointEntries.amount} < 0`,
        gte(pointEntries.createdAt, from),
        lt(pointEntries.createdAt, to),
      ),
    );
  return Number(row?.total ?? 0);
}

type NewEntry = Omit<typeof pointEntries.$inferInsert, 'brandId' | 'memberId'>;

/** What a ledger write changed; `entryId` is null when an entry of that type already existed for the source (nothing was written). */
export interface WriteResult {
  entryId: string | null;
  balance: number | null;
  debt: number | null;
  lotsMoved: number;
}

function firstRow(result: unknown): Record<string, unknown> | undefined {
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? [])[0];
}

function writeResult(result: unknown): WriteResult {
  const row = firstRow(result) ?? {};
  return {
    entryId: (row.entry_id as string | null) ?? null,
    balance: row.balance === null || row.balance === undefined ? null : Number(row.balance),
    debt: row.debt === null || row.debt === undefined ? null : Number(row.debt),
    lotsMoved: Number(row.lots_moved ?? 0),
  };
}

const entryJson = (e: NewEntry) => ({
  id: e.id,
  type: e.type,
  amount: e.amount,
  balance_after: e.balanceAfter,
  reason: e.reason,
  source_type: e.sourceType,
  source_id: e.sourceId,
  actor_type: e.actorType,
  actor_id: e.actorId ?? null,
  created_at: e.createdAt,
});

/*
 * The ledger's hot path (lock, read lots, write) is bound by round trips and by building SQL in
 * Node, not by the database. So each write below is ONE statement whose data-modifying CTEs insert
 * the entry, touch the lots, record the allocations and move the cached account together, and its
 * input travels as ONE json parameter: a fixed SQL text, nothing to assemble per call.
 * Every CTE after `e` joins `e`, so when the entry's source already has its entry (on conflict do
 * nothing) the statement changes nothing at all.
 */

const ENTRY_RECORD = `id text, type text, amount int, balance_after int, reason text, source_type text, source_id text, actor_type text, actor_id text, created_at timestamptz`;

/**
 * A credit: the entry, its new lot, the debt pay-off entry and its allocation when there is debt,
 * and the cached account.
 */
export async function writeCredit(
  tx: Db,
  input: {
    brandId: string;
    memberId: string;
    entry: NewEntry;
    lot: { id: string; remaining: number; earnedAt: Date; expiresAt: Date | null; lockedUntil: Date | null };
    payoff: NewEntry | null;
    account: { balance: number; debt: number; lifetimeEarned: number; at: Date };
  },
): Promise<WriteResult> {
  const { lot, payoff, account } = input;
  const json = JSON.stringify({
    brand_id: input.brandId,
    member_id: input.memberId,
    entry: entryJson(input.entry),
    lot_id: lot.id,
    lot_remaining: lot.remaining,
    earned_at: lot.earnedAt,
    expires_at: lot.expiresAt,
    locked_until: lot.lockedUntil,
    payoff: payoff ? entryJson(payoff) : null,
    balance: account.balance,
    debt: account.debt,
    lifetime: account.lifetimeEarned,
    at: account.at,
  });
  const result = await tx.execute(sql`
    with i as (
      select * from json_to_record(${json}::json) as x(
        brand_id text, member_id text, entry json, lot_id text, lot_remaining int, earned_at timestamptz,
        expires_at timestamptz, locked_until timestamptz, payoff json, balance int, debt int, lifetime int, at timestamptz)),
    e as (
      insert into point_entries (id, brand_id, member_id, type, amount, balance_after, reason, source_type, source_id, actor_type, actor_id, created_at)
      select n.id, i.brand_id, i.member_id, n.type, n.amount, n.balance_after, n.reason, n.source_type, n.source_id, n.actor_type, n.actor_id, n.created_at
      from i, json_to_record(i.entry) as n(${sql.raw(ENTRY_RECORD)})
      on conflict (brand_id, source_type, source_id, type) do nothing
      returning id, brand_id, member_id, amount),
    l as (
      insert into point_lots (id, brand_id, member_id, entry_id, amount, remaining, earned_at, expires_at, locked_until)
      select i.lot_id, e.brand_id, e.member_id, e.id, e.amount, i.lot_remaining, i.earned_at, i.expires_at, i.locked_until
      from i, e
      returning id),
    p as (
      insert into point_entries (id, brand_id, member_id, type, amount, balance_after, reason, source_type, source_id, actor_type, actor_id, created_at)
      select n.id, e.brand_id, e.member_id, n.type, n.amount, n.balance_after, n.reason, n.source_type, n.source_id, n.actor_type, n.actor_id, n.created_at
      from i, e, json_to_record(i.payoff) as n(${sql.raw(ENTRY_RECORD)})
      where i.payoff is not null and json_typeof(i.payoff) = 'object'
      returning id, brand_id, amount),
    pa as (
      insert into point_allocations (brand_id, entry_id, lot_id, amount)
      select p.brand_id, p.id, l.id, -p.amount from p, l
      returning 1),
    acc as (
      update point_accounts as a
      set balance = a.balance + i.balance, debt = a.debt + i.debt,
          lifetime_earned = greatest(a.lifetime_earned + i.lifetime, 0), updated_at = i.at
      from i, e
      where a.brand_id = e.brand_id and a.member_id = e.member_id
      returning a.balance, a.debt)
    select (select id from e) as entry_id, (select count(*)::int from l) as lots_moved,
           (select balance from acc) as balance, (select debt from acc) as debt`);
  return writeResult(result);
}

/**
 * A move between the ledger and existing lots: the entry, the lots (sign -1 takes, +1 puts back;
 * each update conditional, never below 0 nor above the lot's amount), the allocations and the
 * cached account. `lotsMoved` below the number of allocations means a lot refused and the caller
 * must fail the transaction.
 */
export async function writeMove(
  tx: Db,
  input: {
    brandId: string;
    memberId: string;
    entry: NewEntry;
    allocations: Allocation[];
    sign: 1 | -1;
    account: { balance: number; debt: number; lifetimeEarned: number; at: Date };
  },
): Promise<WriteResult> {
  const { account } = input;
  const json = JSON.stringify({
    brand_id: input.brandId,
    member_id: input.memberId,
    entry: entryJson(input.entry),
    allocations: input.allocations.map((a) => ({ lot_id: a.lotId, amount: a.amount })),
    sign: input.sign,
    balance: account.balance,
    debt: account.debt,
    lifetime: account.lifetimeEarned,
    at: account.at,
  });
  const result = await tx.execute(sql`
    with i as (
      select * from json_to_record(${json}::json) as x(
        brand_id text, member_id text, entry json, allocations json, sign int, balance int, debt int, lifetime int, at timestamptz)),
    e as (
      insert into point_entries (id, brand_id, member_id, type, amount, balance_after, reason, source_type, source_id, actor_type, actor_id, created_at)
      select n.id, i.brand_id, i.member_id, n.type, n.amount, n.balance_after, n.reason, n.source_type, n.source_id, n.actor_type, n.actor_id, n.created_at
      from i, json_to_record(i.entry) as n(${sql.raw(ENTRY_RECORD)})
      on conflict (brand_id, source_type, source_id, type) do nothing
      returning id, brand_id, member_id),
    v as (
      select x.lot_id, x.amount from i, json_to_recordset(i.allocations) as x(lot_id text, amount int)),
    l as (
      update point_lots as pl set remaining = pl.remaining + i.sign * v.amount
      from i, e, v
      where pl.brand_id = e.brand_id and pl.member_id = e.member_id and pl.id = v.lot_id
        and pl.remaining + i.sign * v.amount between 0 and pl.amount
      returning pl.id),
    a as (
      insert into point_allocations (brand_id, entry_id, lot_id, amount)
      select e.brand_id, e.id, v.lot_id, v.amount from e, v
      returning 1),
    acc as (
      update point_accounts as pa
      set balance = pa.balance + i.balance, debt = pa.debt + i.debt,
          lifetime_earned = greatest(pa.lifetime_earned + i.lifetime, 0), updated_at = i.at
      from i, e
      where pa.brand_id = e.brand_id and pa.member_id = e.member_id
      returning pa.balance, pa.debt)
    select (select id from e) as entry_id, (select count(*)::int from l) as lots_moved,
           (select balance from acc) as balance, (select debt from acc) as debt`);
  return writeResult(result);
}

/** Entries found by (source type, source id, type), several in one round trip. */
export async function findEntriesBySources(tx: Db, brandId: string, keys: { sourceType: string; sourceId: string; type: EntryType }[]): Promise<EntryRow[]> {
  if (keys.length === 0) return [];
  return tx
    .select()
    .from(pointEntries)
    .where(
      and(
        eq(pointEntries.brandId, brandId),
        or(...keys.map((k) => and(eq(pointEntries.sourceType, k.sourceType), eq(pointEntries.sourceId, k.sourceId), eq(pointEntries.type, k.type)))),
      ),
    );
}

/** What a redemption took from which lot, with each lot's expiry and whether the expiry job already swept it. */
export async function redemptionAllocations(tx: Db, brandId: string, entryId: string) {
  return tx
    .select({
      lotId: pointAllocations.lotId,
      amount: pointAllocations.amount,
      expiresAt: pointLots.expiresAt,
      swept: sql<boolean>`exists (select 1 from ${pointEntries} x where x.brand_id = ${pointLots.brandId} and x.source_type = ${EXPIRY_SOURCE} and x.source_id = ${pointLots.id} and x.type = 'expire')`,
    })
    .from(pointAllocations)
    .innerJoin(pointLots, eq(pointLots.id, pointAllocations.lotId))
    .where(and(eq(pointAllocations.brandId, brandId), eq(pointAllocations.entryId, entryId)))
    .orderBy(asc(pointAllocations.lotId));
}

/** Source type of the entry by which an earning pays off debt. */
export const DEBT_PAYOFF_SOURCE = 'debt';

export interface OpenLot {
  id: string;
  entryId: string;
  remaining: number;
  earnedAt: Date;
  expiresAt: Date | null;
  lockedUntil: Date | null;
}

const msOrNull = (value: unknown) => (value === null || value === undefined ? null : new Date(Number(value)));

/** The member's lots that still hold points (the partial index covers exactly these). Fixed SQL text: hot path. */
export async function openLots(tx: Db, brandId: string, memberId: string): Promise<OpenLot[]> {
  const result = await tx.execute(sql`
    select id, entry_id, remaining,
           (extract(epoch from earned_at) * 1000)::float8 as earned_ms,
           (extract(epoch from expires_at) * 1000)::float8 as expires_ms,
           (extract(epoch from locked_until) * 1000)::float8 as locked_ms
    from point_lots
    where brand_id = ${brandId} and member_id = ${memberId} and remaining > 0`);
  return ((result as { rows?: Record<string, unknown>[] }).rows ?? []).map((row) => ({
    id: row.id as string,
    entryId: row.entry_id as string,
    remaining: Number(row.remaining),
    earnedAt: new Date(Number(row.earned_ms)),
    expiresAt: msOrNull(row.expires_ms),
    lockedUntil: msOrNull(row.locked_ms),
  }));
}

/** Source type of expiry entries: one per lot, the lot id as source id. */
export const EXPIRY_SOURCE = 'lot';

/** Members with lots due to expire at `now` that still hold points: one batch of the expiry job. */
export async function membersWithDueLots(tx: Db, now: Date, limit: number): Promise<{ brandId: string; memberId: string }[]> {
  return tx
    .selectDistinct({ brandId: pointLots.brandId, memberId: pointLots.memberId })
    .from(pointLots)
    .where(and(lte(pointLots.expiresAt, now), gt(pointLots.remaining, 0)))
    .limit(limit);
}

export async function dueLots(tx: Db, brandId: string, memberId: string, now: Date): Promise<LotRow[]> {
  return tx
    .select()
    .from(pointLots)
    .where(and(eq(pointLots.brandId, brandId), eq(pointLots.memberId, memberId), gt(pointLots.remaining, 0), lte(pointLots.expiresAt, now)))
    .orderBy(asc(pointLots.expiresAt), asc(pointLots.earnedAt), asc(pointLots.id));
}

/** Records today's check-in unless there is one; returns whether this call recorded it. */
export async function insertCheckinIfNew(tx: Db, row: typeof checkins.$inferInsert): Promise<boolean> {
  const inserted = await tx
    .insert(checkins)
    .values(row)
    .onConflictDoNothing({ target: [checkins.brandId, checkins.memberId, checkins.businessDate] })
    .returning({ id: checkins.id });
  return inserted.length === 1;
}
