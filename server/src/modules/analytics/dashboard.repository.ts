/**
 * Dashboard figures. Like scoring, they read the `members`, `member_tiers`, `orders` and
 * `point_entries` tables directly and read-only, as aggregates over a brand (analytics is the read
 * model; the design plans read replicas for it).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { resultRows } from './sql-rows';

type Row = Record<string, unknown>;
const num = (value: unknown) => Number(value ?? 0);

async function one(tx: Db, query: ReturnType<typeof sql>): Promise<Row> {
  const result = await tx.execute(query);
  return resultRows<Row>(result)[0] ?? {};
}

/** The instants at which the business days `from` and the day after `to` begin in the zone. */
export async function dayBounds(tx: Db, from: string, to: string, timeZone: string): Promise<{ start: Date; end: Date }> {
  const row = await one(tx, sql`select (${from}::date)::timestamp at time zone ${timeZone} as start, (${to}::date + 1)::timestamp at time zone ${timeZone} as "end"`);
  return { start: new Date(row.start as string | Date), end: new Date(row.end as string | Date) };
}

export async function memberCounts(tx: Db, brandId: string, start: Date, end: Date) {
  const row = await one(tx, sql`
    select count(*) filter (where joined_at < ${end}) as total,
           count(*) filter (where joined_at >= ${start} and joined_at < ${end}) as new_in_range
    from members where brand_id = ${brandId}`);
  return { total: num(row.total), newInRange: num(row.new_in_range) };
}

/** Orders that are not fully refunded, per member, in [start, end). */
export async function purchaseFigures(tx: Db, brandId: string, start: Date, end: Date) {
  const row = await one(tx, sql`
    with per_member as (
      select member_id, count(*) as orders, sum(paid_fen - refunded_fen) as net_fen
      from orders
      where brand_id = ${brandId} and status <> 'refunded' and occurred_at >= ${start} and occurred_at < ${end}
      group by member_id)
    select count(*) as buyers, count(*) filter (where orders >= 2) as repeat_buyers,
           coalesce(sum(orders), 0) as orders, coalesce(sum(net_fen), 0) as net_fen
    from per_member`);
  return { buyers: num(row.buyers), repeatBuyers: num(row.repeat_buyers), orders: num(row.orders), netFen: num(row.net_fen) };
}

/** Issued: earnings and positive adjustments; redeemed and expired as positive numbers. */
export async function pointFigures(tx: Db, brandId: string, start: Date, end: Date) {
  const row = await one(tx, sql`
    select coalesce(sum(amount) filter (where type = 'earn' or (type = 'adjust' and amount > 0)), 0) as issued,
           coalesce(-sum(amount) filter (where type = 'redeem'), 0) as redeemed,
           coalesce(-sum(amount) filter (where type = 'expire'), 0) as expired
    from point_entries
    where brand_id = ${brandId} and created_at >= ${start} and created_at < ${end}`);
  return { issued: num(row.issued), redeemed: num(row.redeemed), expired: num(row.expired) };
}

/** Members by effective level now: the manual level while it lasts, else the earned one, 0 without a tier row. */
export async function tierDistribution(tx: Db, brandId: string, now: Date) {
  const result = await tx.execute(sql`
    select coalesce(case when t.manual_until > ${now} then t.manual_level end, t.level, 0) as level, count(*) as n
    from members m
    left join member_tiers t on t.brand_id = m.brand_id and t.member_id = m.id
    where m.brand_id = ${brandId}
    group by 1 order by 1`);
  return resultRows<Row>(result).map((row) => ({ level: num(row.level), count: num(row.n) }));
}

export async function scoreDistributions(tx: Db, brandId: string) {
  const [segments, grid, latest] = await Promise.all([
    tx.execute(sql`select value_segment as segment, count(*) as n from member_scores where brand_id = ${brandId} group by 1 order by 1`),
    tx.execute(sql`select r_score as r, f_score as f, count(*) as n from member_scores where brand_id = ${brandId} and r_score is not null and f_score is not null group by 1, 2 order by 1, 2`),
    tx.execute(sql`select max(computed_at) as at from member_scores where brand_id = ${brandId}`),
  ]);
  const at = resultRows<Row>(latest)[0]?.at;
  return {
    valueSegments: resultRows<Row>(segments).map((row) => ({ segment: String(row.segment), count: num(row.n) })),
    rfmGrid: resultRows<Row>(grid).map((row) => ({ r: num(row.r), f: num(row.f), count: num(row.n) })),
    computedAt: at ? new Date(at as string | Date) : null,
  };
}
