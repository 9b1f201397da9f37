/**
 * Live segment counts. The compiled filter reads `members`, `member_tiers`, `orders`,
 * `order_items` and `events` directly and read-only: a count over a million members is one
 * set-based query, which no per-member service call could match (analytics is the read model).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { withTransaction } from '../../db/transaction';
import type { SegmentFilter } from '@memberloop/shared';
import { compileSegmentFilter, type CompileContext, type CompiledSegment } from './segment-compiler';
import { resultRows } from './sql-rows';

/**
 * A segment query gets memory for its hash joins, and no JIT: compiling the plan costs more than
 * the sub-second query it is meant to speed up.
 */
async function readOnly<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return withTransaction(db, async (tx) => {
    // one snapshot for the latest purchase the compiler is told of and the count
    await tx.execute(sql`set transaction isolation level repeatable read, read only`);
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`set local jit = off`);
    return work(tx);
  });
}

/** What the compiler may know of the brand's data: its latest purchase (an index lookup). */
export async function segmentContext(tx: Db, brandId: string, now: Date): Promise<CompileContext> {
  const result = await tx.execute(sql`select max(last_purchase_at) as latest from member_purchase_summaries where brand_id = ${brandId}`);
  const latest = resultRows<{ latest: Date | string | null }>(result)[0]?.latest ?? null;
  return { brandId, now, latestPurchaseAt: latest === null ? null : new Date(latest) };
}

/** The filter compiled against the brand's data as the same transaction sees it. */
export async function compileFor(tx: Db, brandId: string, filter: SegmentFilter, now: Date): Promise<CompiledSegment> {
  return compileSegmentFilter(filter, await segmentContext(tx, brandId, now));
}

export async function countMembers(db: Db, brandId: string, filter: SegmentFilter, now: Date): Promise<number> {
  return readOnly(db, async (tx) => {
    const segment = await compileFor(tx, brandId, filter, now);
    const result = await tx.execute(sql`select count(*)::int as n ${segment.body}`);
    return Number(resultRows<{ n: number }>(result)[0]?.n ?? 0);
  });
}

/** The count and the first `limit` member ids (by id) in one read-only transaction. */
export async function countAndSample(db: Db, brandId: string, filter: SegmentFilter, now: Date, limit: number): Promise<{ count: number; memberIds: string[] }> {
  return readOnly(db, async (tx) => {
    const segment = await compileFor(tx, brandId, filter, now);
    const counted = await tx.execute(sql`select count(*)::int as n ${segment.body}`);
    const count = Number(resultRows<{ n: number }>(counted)[0]?.n ?? 0);
    if (limit === 0 || count === 0) return { count, memberIds: [] };
    const sampled = await tx.execute(sql`select ${segment.memberId} as id ${segment.body} order by ${segment.memberId} limit ${limit}`);
    return { count, memberIds: resultRows<{ id: string }>(sampled).map((row) => row.id) };
  });
}
