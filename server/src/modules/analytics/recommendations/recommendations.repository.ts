import { sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import type { Tx } from '../../../db/transaction';
import type { HistoryRow } from './co-purchase';

/**
 * Reads every (member, SKU) the brand's members bought before `until`, grouped by member, through a cursor so a
 * million members never sit in one result: the last purchase before `split`, the orders with it before
 * `split`, and whether it was bought from `split` on. Refunded lines and fully refunded orders do not count.
 * (Grouped in byte order, COLLATE "C": any order that keeps a member's rows together will do, and it sorts faster.)
 * Reads only; `tx` must be a transaction (the cursor lives in it), best opened read-only.
 */
export async function readHistories(
  tx: Tx,
  brandId: string,
  window: { split: Date; until: Date },
  onRows: (rows: HistoryRow[]) => void,
  pageSize = 50_000,
): Promise<void> {
  await tx.execute(sql`set local work_mem = '256MB'`);
  await tx.execute(sql`
    declare recommendation_histories no scroll cursor for
    select o.member_id collate "C" as member_id,
           i.sku collate "C" as sku,
           (extract(epoch from max(o.occurred_at) filter (where o.occurred_at < ${window.split.toISOString()}::timestamptz)) * 1000)::float8 as last_ms,
           (count(distinct o.id) filter (where o.occurred_at < ${window.split.toISOString()}::timestamptz))::int as orders,
           bool_or(o.occurred_at >= ${window.split.toISOString()}::timestamptz) as later
    from orders o
    join order_items i on i.brand_id = o.brand_id and i.order_id = o.id
    where o.brand_id = ${brandId}
      and o.occurred_at < ${window.until.toISOString()}::timestamptz
      and o.status <> 'refunded'
      and i.refunded_quantity < i.quantity
    group by 1, 2
    order by 1`);
  for (;;) {
    const result = (await tx.execute(sql`fetch forward ${sql.raw(String(Math.max(1, Math.floor(pageSize))))} from recommendation_histories`)) as unknown as {
      rows: { member_id: string; sku: string; last_ms: number | string | null; orders: number; later: boolean }[];
    };
    if (result.rows.length === 0) break;
    onRows(
      result.rows.map((row) => ({
        memberId: row.member_id,
        sku: row.sku,
        lastAt: row.last_ms === null ? null : Number(row.last_ms),
        orders: Number(row.orders),
        later: row.later,
      })),
    );
  }
  await tx.execute(sql`close recommendation_histories`);
}

export interface RecommendationRow {
  memberId: string;
  items: { sku: string; score: number }[];
}

/** Upserts one batch of members' recommendations (one statement). */
export async function upsertRecommendations(tx: Db, brandId: string, rows: RecommendationRow[], computedAt: Date): Promise<void> {
  if (rows.length === 0) return;
  const json = JSON.stringify(rows.map((row) => ({ member_id: row.memberId, items: row.items })));
  await tx.execute(sql`
    insert into recommendations (brand_id, member_id, items, computed_at)
    select ${brandId}, x.member_id, x.items, ${computedAt.toISOString()}::timestamptz
    from jsonb_to_recordset(${json}::jsonb) as x(member_id text, items jsonb)
    on conflict (brand_id, member_id) do update set items = excluded.items, computed_at = excluded.computed_at`);
}

/** Drops the rows a run did not write (members with no purchases any more); returns how many. */
export async function deleteRecommendationsNotComputedAt(tx: Db, brandId: string, computedAt: Date): Promise<number> {
  const result = (await tx.execute(sql`
    delete from recommendations where brand_id = ${brandId} and computed_at <> ${computedAt.toISOString()}::timestamptz`)) as unknown as { rowCount?: number | null; affectedRows?: number };
  return Number(result.rowCount ?? result.affectedRows ?? 0);
}

export async function findRecommendations(tx: Db, brandId: string, memberId: string): Promise<{ items: { sku: string; score: number }[]; computedAt: Date } | undefined> {
  const result = (await tx.execute(sql`
    select items, computed_at from recommendations where brand_id = ${brandId} and member_id = ${memberId}`)) as unknown as {
    rows: { items: { sku: string; score: number }[]; computed_at: string | Date }[];
  };
  const row = result.rows[0];
  return row ? { items: row.items, computedAt: new Date(row.computed_at) } : undefined;
}
