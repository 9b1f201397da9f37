/**
 * The set-based scoring SQL. Analytics is the read model of memberloop (the design plans read
 * replicas for it), so these queries read the `members`, `orders`, `order_items` and `events`
 * tables directly and read-only, in bulk: per-member calls through the other modules' services
 * would be millions of round trips for a brand of a million members. Nothing here writes outside
 * the analytics tables.
 *
 * Every function takes the scoring transaction: the intermediate results are temporary tables
 * (`sc_*`, dropped at commit) on that one connection.
 */
import { EVENT_TYPES, type SegmentRules } from '@memberloop/shared';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { Tx } from '../../db/transaction';
import { resultRows } from './sql-rows';

export interface ScoringParams {
  brandId: string;
  now: Date;
  timeZone: string;
  /** the zone's UTC offset when it has had one offset all along (no daylight saving), else null */
  fixedOffsetSeconds: number | null;
  /** the business day of `now` in the zone, as days since 1970-01-01 */
  today: number;
  rfmWindowDays: number;
  rules: SegmentRules;
}

type Row = Record<string, unknown>;

async function rows<T extends Row>(tx: Tx, query: SQL): Promise<T[]> {
  return resultRows<T>(await tx.execute(query));
}

/** One scoring of a brand at a time, across servers: a second one waits for the first to commit. */
export async function lockBrand(tx: Tx, brandId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`analytics.score:${brandId}`}, 0))`);
}

/** Scoring sorts and hashes a brand's purchases: give this one transaction the memory for it. */
export async function prepareSession(tx: Tx): Promise<void> {
  await tx.execute(sql`set local work_mem = '512MB'`);
  await tx.execute(sql`set local maintenance_work_mem = '256MB'`);
}

/**
 * The business day of an instant in the brand's zone, as days since 1970-01-01. With a fixed
 * offset (China has had none but +08:00 since 1991) plain arithmetic; `at time zone`, which looks
 * the zone up for every row, only for zones with daylight saving.
 */
export function dayOf(p: Pick<ScoringParams, 'fixedOffsetSeconds' | 'timeZone'>, instant: SQL): SQL {
  return p.fixedOffsetSeconds !== null
    ? sql`floor((date_part('epoch', ${instant}) + ${p.fixedOffsetSeconds}::float8) / 86400)::int`
    : sql`((${instant} at time zone ${p.timeZone})::date - date '1970-01-01')`;
}

/** Midnight (brand zone) at the start of a day number, as timestamptz. */
const midnightOf = (p: ScoringParams, day: SQL) => sql`((date '1970-01-01' + (${day})::int)::timestamp at time zone ${p.timeZone})`;

/**
 * The big per-member aggregations sort rather than hash: millions of (member, day) groups make a
 * hash table larger than memory, and the window functions after them need that order anyway.
 */
async function sorted<T>(tx: Tx, work: () => Promise<T>): Promise<T> {
  await tx.execute(sql`set local enable_hashagg = off`);
  try {
    return await work();
  } finally {
    await tx.execute(sql`set local enable_hashagg = on`);
  }
}

/**
 * sc_buyers: per member with purchases, in one pass over the brand's orders, everything the scores
 * need: first and last purchase day, purchase days, repeat amount (for Gamma-Gamma), RFM window
 * figures, the median gap between purchase days within the cycle lookback, the two spans of the
 * "rising" flags, and whether they bought in the engaged span. A purchase day is a business day
 * with an order that is not fully refunded (partly refunded orders count with what was kept).
 */
export async function buildBuyers(tx: Tx, p: ScoringParams): Promise<number> {
  const { rules } = p;
  const d = sql`${p.today}::int`;
  const since = (days: number) => sql`${d} - ${days}::int`;
  await sorted(tx, () =>
    tx.execute(sql`
      create temp table sc_buyers on commit drop as
      with days as (
        select o.member_id collate "C" as member_id, ${dayOf(p, sql`o.occurred_at`)} as day,
               sum(o.paid_fen - o.refunded_fen)::bigint as amount_fen, count(*)::int as orders
        from orders o
        where o.brand_id = ${p.brandId} and o.status <> 'refunded' and o.occurred_at <= ${p.now}
        group by 1, 2
      ),
      d as (
        select member_id, day, amount_fen, orders, day - lag(day) over w as gap, row_number() over w as k
        from days
        window w as (partition by member_id order by day)
      )
      select member_id,
        min(day) as first_day,
        max(day) as last_day,
        count(*)::int as days_all,
        sum(orders)::int as orders_all,
        sum(amount_fen)::bigint as total_fen,
        coalesce(sum(amount_fen) filter (where k > 1), 0)::bigint as repeat_fen,
        count(*) filter (where day > ${since(p.rfmWindowDays)})::int as window_days,
        coalesce(sum(orders) filter (where day > ${since(p.rfmWindowDays)}), 0)::int as frequency,
        coalesce(sum(amount_fen) filter (where day > ${since(p.rfmWindowDays)}), 0)::bigint as monetary_fen,
        count(*) filter (where day > ${since(rules.cycleLookbackDays)})::int as cycle_days,
        percentile_cont(0.5) within group (order by gap) filter (where day > ${since(rules.cycleLookbackDays)}) as median_gap,
        coalesce(sum(orders) filter (where day > ${since(rules.risingWindowDays)}), 0)::int as recent_orders,
        coalesce(sum(amount_fen) filter (where day > ${since(rules.risingWindowDays)}), 0)::bigint as recent_fen,
        coalesce(sum(orders) filter (where day > ${since(2 * rules.risingWindowDays)} and day <= ${since(rules.risingWindowDays)}), 0)::int as earlier_orders,
        coalesce(sum(amount_fen) filter (where day > ${since(2 * rules.risingWindowDays)} and day <= ${since(rules.risingWindowDays)}), 0)::bigint as earlier_fen,
        bool_or(day > ${since(rules.engagedDays)}) as bought_in_engaged_span
      from d
      group by member_id`),
  );
  await tx.execute(sql`create unique index on sc_buyers (member_id)`);
  await tx.execute(sql`analyze sc_buyers`);
  const [row] = await rows<{ n: string }>(tx, sql`select count(*) as n from sc_buyers`);
  return Number(row?.n ?? 0);
}

/**
 * sc_categories: per member, the categories with at least `cycleMinPurchases` purchase days within
 * the cycle lookback: { category: { intervalDays (median gap), nextAt (last day + interval, midnight
 * in the brand zone) } }. The lookback keeps the nightly cost from growing with years of history.
 */
export async function buildCategoryCycles(tx: Tx, p: ScoringParams): Promise<void> {
  const from = new Date(p.now.getTime() - (p.rules.cycleLookbackDays + 1) * 86_400_000);
  await sorted(tx, () =>
    tx.execute(sql`
      create temp table sc_categories on commit drop as
      with cd as (
        select o.member_id collate "C" as member_id, i.category collate "C" as category, ${dayOf(p, sql`o.occurred_at`)} as day
        from orders o
        join order_items i on i.brand_id = o.brand_id and i.order_id = o.id
        where o.brand_id = ${p.brandId} and i.brand_id = ${p.brandId} and o.status <> 'refunded'
          and o.occurred_at > ${from} and o.occurred_at <= ${p.now} and i.category is not null
        group by 1, 2, 3
      ),
      g as (
        select member_id, category, day, day - lag(day) over (partition by member_id, category order by day) as gap
        from cd
        where day > ${p.today}::int - ${p.rules.cycleLookbackDays}::int
      ),
      c as (
        select member_id, category, max(day) as last_day, percentile_cont(0.5) within group (order by gap) as interval_days
        from g
        group by member_id, category
        having count(*) >= ${p.rules.cycleMinPurchases}::int
      )
      select member_id,
        jsonb_object_agg(category, jsonb_build_object(
          'intervalDays', interval_days,
          'nextAt', to_char(${midnightOf(p, sql`last_day + round(interval_days)::int`)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
        )) as cycles
      from c
      group by member_id`),
  );
  await tx.execute(sql`create unique index on sc_categories (member_id)`);
  await tx.execute(sql`analyze sc_categories`);
}

/** sc_events: events per member in the engaged span. */
export async function buildEventCounts(tx: Tx, p: ScoringParams): Promise<void> {
  const from = new Date(p.now.getTime() - p.rules.engagedDays * 86_400_000);
  await tx.execute(sql`
    create temp table sc_events on commit drop as
    select member_id, count(*)::int as n
    from events
    where brand_id = ${p.brandId} and type in (${sql.join(EVENT_TYPES.map((type) => sql`${type}`), sql`, `)})
      and occurred_at > ${from} and occurred_at <= ${p.now}
    group by member_id`);
  await tx.execute(sql`create unique index on sc_events (member_id)`);
  await tx.execute(sql`analyze sc_events`);
}

/**
 * sc_base: every member of the brand with their purchase figures, RFM scores and the CLV inputs
 * (x = purchase days after the first, tx = first to last day, t_cal = first day to today, in days).
 *
 * RFM scores are quintiles by ntile(5) over the members with a purchase in the window (most recent,
 * most frequent, highest spend = 5); members with equal values get the same score, the lowest
 * ntile among them, so a tie never splits across two scores. Members without a purchase in the
 * window have no scores.
 */
export async function buildBase(tx: Tx, p: ScoringParams): Promise<number> {
  const d = sql`${p.today}::int`;
  await tx.execute(sql`
    create temp table sc_base on commit drop as
    with tiles as (
      select member_id,
        ntile(5) over (order by ${d} - last_day desc, member_id) as r_tile,
        ntile(5) over (order by frequency, member_id) as f_tile,
        ntile(5) over (order by monetary_fen, member_id) as m_tile,
        ${d} - last_day as recency_days, frequency, monetary_fen
      from sc_buyers
      where window_days > 0
    ),
    scores as (
      select member_id,
        min(r_tile) over (partition by recency_days) as r_score,
        min(f_tile) over (partition by frequency) as f_score,
        min(m_tile) over (partition by monetary_fen) as m_score
      from tiles
    )
    select m.id collate "C" as member_id, m.joined_at, ${dayOf(p, sql`m.joined_at`)} as joined_day,
      b.first_day, b.last_day, coalesce(b.days_all, 0) as days_all, coalesce(b.orders_all, 0) as orders_all, coalesce(b.cycle_days, 0) as cycle_days,
      b.repeat_fen, coalesce(b.window_days, 0) as window_days, coalesce(b.frequency, 0) as frequency,
      coalesce(b.monetary_fen, 0) as monetary_fen, b.median_gap,
      b.recent_orders, b.recent_fen, b.earlier_orders, b.earlier_fen, coalesce(b.bought_in_engaged_span, false) as bought_in_engaged_span,
      ${d} - b.last_day as recency_days,
      s.r_score, s.f_score, s.m_score,
      b.days_all - 1 as x, b.last_day - b.first_day as tx, ${d} - b.first_day as t_cal,
      coalesce(e.n, 0) as events_n,
      c.cycles
    from members m
    left join sc_buyers b on b.member_id = m.id
    left join scores s on s.member_id = m.id
    left join sc_events e on e.member_id = m.id
    left join sc_categories c on c.member_id = m.id
    where m.brand_id = ${p.brandId}`);
  await tx.execute(sql`create unique index on sc_base (member_id)`);
  await tx.execute(sql`analyze sc_base`);
  const [row] = await rows<{ n: string }>(tx, sql`select count(*) as n from sc_base`);
  return Number(row?.n ?? 0);
}

export interface CustomerRow {
  x: number;
  tx: number;
  T: number;
  repeatFen: number;
}

/**
 * A fixed pseudo-random sample of the buyers (by a hash of the member id, so a rerun fits the
 * same customers): maximum likelihood on tens of thousands of customers estimates four or three
 * parameters as well as on a million, in a fraction of the time.
 */
export async function clvSample(tx: Tx, limit: number): Promise<CustomerRow[]> {
  const result = await rows<{ x: number; tx: number; t: number; repeat_fen: string }>(
    tx,
    sql`select x, tx, t_cal as t, repeat_fen from sc_base where first_day is not null order by md5(member_id) limit ${limit}`,
  );
  return result.map((row) => ({ x: Number(row.x), tx: Number(row.tx), T: Number(row.t), repeatFen: Number(row.repeat_fen) }));
}

/** The mean net amount of a purchase day: the spend estimate when Gamma-Gamma cannot be fitted. */
export async function meanPurchaseDayFen(tx: Tx): Promise<number | null> {
  const [row] = await rows<{ mean: number | null }>(tx, sql`select (sum(total_fen)::float8 / nullif(sum(days_all), 0)) as mean from sc_buyers`);
  return row?.mean === null || row?.mean === undefined ? null : Number(row.mean);
}

/** The distinct (x, tₓ, T) of the buyers: P(alive) and expected purchases depend on nothing else. */
export async function distinctRecencyFrequency(tx: Tx): Promise<{ x: number; tx: number; T: number }[]> {
  const result = await rows<{ x: number; tx: number; t: number }>(tx, sql`select distinct x, tx, t_cal as t from sc_base where first_day is not null`);
  return result.map((row) => ({ x: Number(row.x), tx: Number(row.tx), T: Number(row.t) }));
}

export async function createClvTable(tx: Tx): Promise<void> {
  await tx.execute(sql`
    create temp table sc_clv (x int not null, tx int not null, t int not null, p_alive float8 not null, expected_purchases float8, discounted_purchases float8)
    on commit drop`);
}

export interface ClvRow {
  x: number;
  tx: number;
  T: number;
  pAlive: number;
  expectedPurchases: number | null;
  discountedPurchases: number | null;
}

export async function insertClvRows(tx: Tx, batch: ClvRow[]): Promise<void> {
  if (batch.length === 0) return;
  const json = JSON.stringify(batch.map((row) => ({ x: row.x, tx: row.tx, t: row.T, p: row.pAlive, e: row.expectedPurchases, d: row.discountedPurchases })));
  await tx.execute(sql`
    insert into sc_clv (x, tx, t, p_alive, expected_purchases, discounted_purchases)
    select x, tx, t, p, e, d from json_to_recordset(${json}::json) as r(x int, tx int, t int, p float8, e float8, d float8)`);
}

export async function indexClvTable(tx: Tx): Promise<void> {
  await tx.execute(sql`create unique index on sc_clv (x, tx, t)`);
  await tx.execute(sql`analyze sc_clv`);
}

export interface SpendModel {
  /** Gamma-Gamma parameters in yuan, or null to use `fallbackFen` for everyone */
  gammaGamma: { p: number; q: number; v: number } | null;
  fallbackFen: number | null;
}

/**
 * sc_scores: sc_base with P(alive), expected purchases and the discounted expected value. The
 * expected spend per purchase is the Gamma-Gamma posterior mean E[M | x, mₓ] = p (v + x mₓ) / (p x + q − 1)
 * (mₓ = mean repeat purchase day, in yuan), else the brand's mean purchase day.
 */
export async function buildScores(tx: Tx, clvFitted: boolean, spend: SpendModel): Promise<void> {
  const gg = spend.gammaGamma;
  const spendFen = gg
    ? sql`case when ${gg.p}::float8 * b.x + ${gg.q}::float8 - 1 > 0
        then ${gg.p}::float8 * (${gg.v}::float8 + b.x * (b.repeat_fen::float8 / greatest(b.x, 1) / 100)) / (${gg.p}::float8 * b.x + ${gg.q}::float8 - 1) * 100
        else ${spend.fallbackFen}::float8 end`
    : sql`${spend.fallbackFen}::float8`;
  const clvJoin = clvFitted ? sql`left join sc_clv c on c.x = b.x and c.tx = b.tx and c.t = b.t_cal` : sql`left join (select null::float8 as p_alive, null::float8 as expected_purchases, null::float8 as discounted_purchases) c on false`;
  await tx.execute(sql`
    create temp table sc_scores on commit drop as
    select b.*, c.p_alive, c.expected_purchases,
      case when c.discounted_purchases is not null and (${spendFen}) is not null
        then least(2147483647, greatest(0, round(c.discounted_purchases * (${spendFen}))))::int end as expected_value_fen
    from sc_base b
    ${clvJoin}`);
  await tx.execute(sql`create unique index on sc_scores (member_id)`);
  await tx.execute(sql`analyze sc_scores`);
}

export interface BrandThresholds {
  heavySpendFen: number | null;
  highValueFen: number | null;
}

/** The brand-wide cut-offs the rules name as quantiles. */
export async function thresholds(tx: Tx, rules: SegmentRules): Promise<BrandThresholds> {
  const [row] = await rows<{ heavy: string | null; high: string | null }>(
    tx,
    sql`select
      (select percentile_disc(${rules.heavySpendQuantile}::float8) within group (order by monetary_fen) from sc_scores where window_days > 0) as heavy,
      (select percentile_disc(${rules.clvHighQuantile}::float8) within group (order by expected_value_fen) from sc_scores where expected_value_fen is not null) as high`,
  );
  return { heavySpendFen: row?.heavy == null ? null : Number(row.heavy), highValueFen: row?.high == null ? null : Number(row.high) };
}

/** Batch boundaries over sc_scores by member id: the last id of every `size` members. */
export async function batchBoundaries(tx: Tx, size: number): Promise<string[]> {
  const result = await rows<{ member_id: string }>(
    tx,
    sql`select member_id from (select member_id, row_number() over (order by member_id) as n from sc_scores) t where n % ${size}::int = 0 order by member_id`,
  );
  return result.map((row) => row.member_id);
}

const yuan = (fen: SQL) => sql`to_char((${fen})::numeric / 100, 'FM999999999990.00')`;

/**
 * Writes the scores of the members in (after, upTo] (upTo null: to the end): value segment,
 * loyalty quadrant, repurchase cycle and high-potential flags are decided here, by the rules
 * documented in the analytics README, in the same statement as the upsert.
 */
export async function upsertScores(tx: Tx, p: ScoringParams, limits: BrandThresholds, range: { after: string | null; upTo: string | null }): Promise<void> {
  const { rules, now, timeZone } = p;
  const day = 86_400_000;
  const newSince = new Date(now.getTime() - rules.newDays * day);
  // the reference for how long ago: the last purchase day, or the day of joining for members who never bought
  const silentDays = sql`coalesce(s.recency_days, ${p.today}::int - s.joined_day)`;
  const rfm = sql`(s.r_score + s.f_score + s.m_score)`;
  const repeatShare = sql`case when s.window_days > 0 then (s.window_days - 1)::float8 / s.window_days end`;
  const hasCycle = sql`s.cycle_days >= ${rules.cycleMinPurchases}::int and s.median_gap is not null`;
  const flag = (name: string, condition: SQL, reason: SQL) =>
    sql`case when ${condition} then jsonb_build_array(jsonb_build_object('flag', ${name}::text, 'reason', ${reason})) else '[]'::jsonb end`;
  const risingValue = flag(
    'rising_order_value',
    sql`s.recent_orders > 0 and s.earlier_orders > 0 and s.recent_fen::float8 * s.earlier_orders >= ${rules.risingRatio}::float8 * s.earlier_fen * s.recent_orders and s.recent_fen * s.earlier_orders > s.earlier_fen * s.recent_orders`,
    sql`format('average order %s yuan in the last %s days against %s yuan in the %s days before', ${yuan(sql`s.recent_fen / s.recent_orders`)}, ${rules.risingWindowDays}::int, ${yuan(sql`s.earlier_fen / s.earlier_orders`)}, ${rules.risingWindowDays}::int)`,
  );
  const risingFrequency = flag(
    'rising_frequency',
    sql`s.recent_orders >= ${rules.risingMinPurchases}::int and s.recent_orders > s.earlier_orders and s.recent_orders::float8 >= ${rules.risingRatio}::float8 * s.earlier_orders`,
    sql`format('%s purchases in the last %s days against %s in the %s days before', s.recent_orders, ${rules.risingWindowDays}::int, s.earlier_orders, ${rules.risingWindowDays}::int)`,
  );
  const engaged = flag(
    'engaged_not_buying',
    sql`s.events_n >= ${rules.engagedMinEvents}::int and not s.bought_in_engaged_span`,
    sql`format('%s app events in the last %s days and no purchase', s.events_n, ${rules.engagedDays}::int)`,
  );
  const clvAboveSpend =
    limits.highValueFen !== null && limits.highValueFen > 0
      ? flag(
          'clv_above_spend',
          sql`s.expected_value_fen >= ${limits.highValueFen}::int and coalesce(s.m_score, 0) <= ${rules.clvLowSpendMaxMScore}::int`,
          sql`format('expected value %s yuan over the CLV horizon while spend in the RFM window is %s yuan', ${yuan(sql`s.expected_value_fen`)}, ${yuan(sql`s.monetary_fen`)})`,
        )
      : sql`'[]'::jsonb`;
  const heavy = limits.heavySpendFen === null ? sql`false` : sql`s.monetary_fen >= ${limits.heavySpendFen}::bigint`;
  const conditions = [sql`true`];
  if (range.after !== null) conditions.push(sql`s.member_id > ${range.after}`);
  if (range.upTo !== null) conditions.push(sql`s.member_id <= ${range.upTo}`);
  await tx.execute(sql`
    insert into member_scores (
      brand_id, member_id, computed_at, recency_days, frequency, monetary_fen, r_score, f_score, m_score,
      value_segment, loyalty_quadrant, repeat_share, p_alive, expected_purchases, expected_value_fen, churn_risk,
      avg_interval_days, next_purchase_at, category_cycles, high_potential)
    select ${p.brandId}, s.member_id, ${now}, s.recency_days, s.frequency,
      least(2147483647, s.monetary_fen)::int, s.r_score, s.f_score, s.m_score,
      case
        when s.joined_at > ${newSince} and s.orders_all <= ${rules.newMaxPurchases}::int then 'new'
        when ${silentDays} > ${rules.churnedDays}::int or s.p_alive < ${rules.churnedPAlive}::float8 then 'churned'
        when ${silentDays} > ${rules.atRiskDays}::int or s.p_alive < ${rules.atRiskPAlive}::float8 then 'at_risk'
        when ${rfm} >= ${rules.highValueRfmMin}::int then 'high_value'
        when ${rfm} >= ${rules.potentialRfmMin}::int then 'potential'
        else 'normal'
      end,
      case when s.window_days > 0 then
        (case when ${heavy} then 'heavy' else 'light' end) || '_' || (case when ${repeatShare} >= ${rules.loyalRepeatShare}::float8 then 'loyal' else 'occasional' end)
      end,
      ${repeatShare},
      s.p_alive, s.expected_purchases, s.expected_value_fen,
      case when s.p_alive is not null then 1 - s.p_alive end,
      case when ${hasCycle} then s.median_gap end,
      case when ${hasCycle} then ${midnightOf(p, sql`s.last_day + round(s.median_gap)::int`)} end,
      s.cycles,
      ${risingValue} || ${risingFrequency} || ${engaged} || ${clvAboveSpend}
    from sc_scores s
    where ${sql.join(conditions, sql` and `)}
    on conflict (brand_id, member_id) do update set
      computed_at = excluded.computed_at, recency_days = excluded.recency_days, frequency = excluded.frequency,
      monetary_fen = excluded.monetary_fen, r_score = excluded.r_score, f_score = excluded.f_score, m_score = excluded.m_score,
      value_segment = excluded.value_segment, loyalty_quadrant = excluded.loyalty_quadrant, repeat_share = excluded.repeat_share,
      p_alive = excluded.p_alive, expected_purchases = excluded.expected_purchases, expected_value_fen = excluded.expected_value_fen,
      churn_risk = excluded.churn_risk, avg_interval_days = excluded.avg_interval_days, next_purchase_at = excluded.next_purchase_at,
      category_cycles = excluded.category_cycles, high_potential = excluded.high_potential`);
}

/** VACUUM cannot run inside a transaction: this takes the pool, after the scoring committed. */
export async function refreshScoresTable(db: Db): Promise<void> {
  await db.execute(sql`vacuum (analyze) member_scores`);
}
