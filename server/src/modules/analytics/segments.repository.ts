/**
 * Live segment counts. The compiled filter reads `members`, `member_tiers`, `orders`,
 * `order_items` and `events` directly and read-only: a count over a million members is one
 * set-based query, which no per-member service call could match (analytics is the read model).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { withTransaction } from '../../db/transaction';
import type { CompiledSegment } from './segment-compiler';
import { resultRows } from './sql-rows';

/**
 * A segment query gets memory for its hash joins, and no JIT: compiling the plan costs more than
 * the sub-second query it is meant to speed up.
 */
async function readOnly<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return withTransaction(db, async (tx) => {
    await tx.execute(sql`set local transaction read only`);
    await tx.execute(sql`set local work_mem = '64MB'`);
    await tx.execute(sql`set local jit = off`);
    return work(tx);
  });
}

export async function countMembers(db: Db, segment: CompiledSegment): Promise<number> {
  return readOnly(db, async (tx) => {
    const result = await tx.execute(sql`select count(*)::int as n ${segment.body}`);
    return Number(resultRows<{ n: number }>(result)[0]?.n ?? 0);
  });
}

/** The count and the first `limit` member ids (by id) in one read-only transaction. */
export async function countAndSample(db: Db, segment: CompiledSegment, limit: number): Promise<{ count: number; memberIds: string[] }> {
  return readOnly(db, async (tx) => {
    const counted = await tx.execute(sql`select count(*)::int as n ${segment.body}`);
    const count = Number(resultRows<{ n: number }>(counted)[0]?.n ?? 0);
    if (limit === 0 || count === 0) return { count, memberIds: [] };
    const sampled = await tx.execute(sql`select m.id ${segment.body} order by m.id limit ${limit}`);
    return { count, memberIds: resultRows<{ id: string }>(sampled).map((row) => row.id) };
  });
}
