/**
 * Compiles a validated segment filter (shared/src/schemas/analytics.ts) into one parameterized SQL
 * query over the brand's members. Every value from the filter travels as a bind parameter; the
 * only SQL text is what this file spells out for the whitelisted fields and operators, so no input
 * ever becomes SQL. Pure: no I/O.
 *
 * Shape:
 *   from members m
 *   left join member_scores s …   (when a score field is used)
 *   left join member_tiers t …    (when the tier is used)
 *   left join (per-member aggregate of orders / events in the period) pN …   (one per such condition,
 *                                                    unless another condition narrows the members first)
 *   where m.brand_id = $brand and m.status = 'active' and <predicate>
 *
 * "Any / no purchase (or event) in a period" is an [NOT] EXISTS probe per member; a count or amount
 * in a period is a correlated subquery per member when a condition on the member's own data is
 * required as well, else one aggregate over the period (see Compiler.aggregate).
 *
 * `not` is pushed down to the conditions (De Morgan) and a negated condition becomes
 * `(condition) is not true`, so `not` is the complement: members whose value is null (no scores
 * yet) are in `not (rScore ≥ 4)`. Positive conditions stay plain, so the planner can turn the left
 * joins they touch into inner joins.
 */
import {
  SEGMENT_NUMBER_FIELDS,
  type CompareOp,
  type PurchasePeriod,
  type SegmentCondition,
  type SegmentFilter,
  type SegmentNumberField,
} from '@memberloop/shared';
import { sql, type SQL } from 'drizzle-orm';

const DAY_MS = 86_400_000;

export interface CompileContext {
  brandId: string;
  now: Date;
  /**
   * The brand's latest purchase (segmentContext reads it). When it is not after `now` — always,
   * except under a clock pinned in the past — "bought in the last N days" is one column test;
   * unknown (undefined) or later, members whose last purchase is after `now` get an order probe.
   */
  latestPurchaseAt?: Date | null;
}

export interface CompiledSegment {
  /** `from … where …`, to put after `select count(*)` or `select ${memberId}` */
  body: SQL;
  /** the selected member's id in `body` (which table the query starts from depends on the filter) */
  memberId: SQL;
}

const COMPARE_SQL: Record<CompareOp, SQL> = {
  eq: sql.raw('='),
  ne: sql.raw('<>'),
  gt: sql.raw('>'),
  gte: sql.raw('>='),
  lt: sql.raw('<'),
  lte: sql.raw('<='),
};

const compareHolds = (op: CompareOp, left: number, right: number): boolean =>
  op === 'eq' ? left === right : op === 'ne' ? left !== right : op === 'gt' ? left > right : op === 'gte' ? left >= right : op === 'lt' ? left < right : left <= right;

/** The SQL of each numeric field; the effective tier is the manual level while it lasts, else the earned one, 0 without a row. */
function numberColumn(field: SegmentNumberField, context: CompileContext): SQL {
  switch (field) {
    case 'rScore':
      return sql`s.r_score`;
    case 'fScore':
      return sql`s.f_score`;
    case 'mScore':
      return sql`s.m_score`;
    case 'recencyDays':
      return sql`s.recency_days`;
    case 'frequency':
      return sql`s.frequency`;
    case 'monetaryFen':
      return sql`s.monetary_fen`;
    case 'pAlive':
      return sql`s.p_alive`;
    case 'churnRisk':
      return sql`s.churn_risk`;
    case 'expectedPurchases':
      return sql`s.expected_purchases`;
    case 'expectedValueFen':
      return sql`s.expected_value_fen`;
    case 'avgIntervalDays':
      return sql`s.avg_interval_days`;
    case 'tierLevel':
      return sql`coalesce(case when t.manual_until > ${context.now} then t.manual_level end, t.level, 0)`;
    case 'birthdayMonth':
      return sql`extract(month from m.birthday)::int`;
  }
}

/** Whether the compiler knows the brand has no purchase after `instant` (see CompileContext.latestPurchaseAt). */
const noPurchaseAfter = ({ latestPurchaseAt }: CompileContext, instant: Date): boolean =>
  latestPurchaseAt === null || (latestPurchaseAt !== undefined && latestPurchaseAt <= instant);

/** Whether a count or amount condition holds for 0, the figure of a member without rows. */
const holdsForZero = (op: string, target: unknown): boolean =>
  op === 'between' ? (target as number[])[0]! <= 0 && 0 <= (target as number[])[1]! : compareHolds(op as CompareOp, 0, target as number);

const list = (values: readonly (string | number)[]) => sql.join(values.map((value) => sql`${value}`), sql`, `);

/** A value held against a column by op (not the null ops); `between` includes both ends. */
function compareValue(column: SQL, op: string, value: unknown, cast: SQL): SQL {
  if (op === 'between') {
    const [low, high] = value as [number, number];
    return sql`${column} between ${low}::${cast} and ${high}::${cast}`;
  }
  if (op === 'in') return sql`${column} in (${list(value as (string | number)[])})`;
  if (op === 'notIn') return sql`${column} not in (${list(value as (string | number)[])})`;
  return sql`${column} ${COMPARE_SQL[op as CompareOp]} ${value}::${cast}`;
}

function nullTest(column: SQL, op: string): SQL | null {
  if (op === 'isNull') return sql`${column} is null`;
  if (op === 'isNotNull') return sql`${column} is not null`;
  return null;
}

/** The bounds of a period: [from, to) from the filter, or the last N days up to now. */
function periodBounds(period: PurchasePeriod | undefined, context: CompileContext, column: SQL): SQL[] {
  if (!period) return [];
  if (period.lastDays !== undefined) return [sql`${column} > ${new Date(context.now.getTime() - period.lastDays * DAY_MS)}`, sql`${column} <= ${context.now}`];
  const bounds: SQL[] = [];
  if (period.from !== undefined) bounds.push(sql`${column} >= ${new Date(period.from)}`);
  if (period.to !== undefined) bounds.push(sql`${column} < ${new Date(period.to)}`);
  return bounds;
}

class Compiler {
  readonly joins: SQL[] = [];
  usesScores = false;
  usesTiers = false;
  usesPurchaseSummary = false;
  private aggregates = 0;

  constructor(
    private readonly context: CompileContext,
    /** per-member figures as correlated subqueries (see aggregate) */
    private readonly perMember: boolean,
    /** the member id column of the table the query starts from */
    private readonly memberId: SQL,
  ) {}

  node(filter: SegmentFilter, negated: boolean): SQL {
    if ('all' in filter) {
      const parts = filter.all.map((child) => this.node(child, negated));
      return sql`(${sql.join(parts, negated ? sql` or ` : sql` and `)})`;
    }
    if ('any' in filter) {
      const parts = filter.any.map((child) => this.node(child, negated));
      return sql`(${sql.join(parts, negated ? sql` and ` : sql` or `)})`;
    }
    if ('not' in filter) return this.node(filter.not, !negated);
    const existence = this.existence(filter);
    if (existence) {
      if (existence.some !== negated) return sql`(${existence.predicate})`;
      // summary columns are null for a member without purchases; an EXISTS is never null, and NOT EXISTS stays an anti-join
      return existence.nullable ? sql`((${existence.predicate}) is not true)` : sql`not ${existence.predicate}`;
    }
    const condition = this.condition(filter);
    return negated ? sql`((${condition}) is not true)` : sql`(${condition})`;
  }

  /**
   * Conditions that only ask whether a member has any order, item or event in a period ("bought in
   * the last 90 days", "no purchase this year") become [NOT] EXISTS over the member's own rows: the
   * planner may then probe the (brand, member, time) index for the few candidates the other
   * conditions leave, or join set-wise when there are many.
   */
  private existence(condition: SegmentCondition): { predicate: SQL; some: boolean; nullable: boolean } | null {
    const { context } = this;
    if (condition.field === 'boughtCategory') {
      const where = [
        sql`o.brand_id = ${context.brandId}`,
        sql`o.member_id = ${this.memberId}`,
        sql`o.status <> 'refunded'`,
        ...periodBounds(condition.period, context, sql`o.occurred_at`),
        sql`i.brand_id = ${context.brandId}`,
        sql`i.order_id = o.id`,
        sql`i.category in (${list(condition.value)})`,
      ];
      return { predicate: sql`exists (select 1 from orders o, order_items i where ${sql.join(where, sql` and `)})`, some: true, nullable: false };
    }
    if (condition.field !== 'purchaseCount' && condition.field !== 'eventCount') return null;
    if (condition.op === 'between' || condition.op === 'ne') return null;
    const value = condition.value;
    const some = (condition.op === 'gte' && value === 1) || (condition.op === 'gt' && value === 0);
    const none = (condition.op === 'eq' && value === 0) || (condition.op === 'lt' && value === 1) || (condition.op === 'lte' && value === 0);
    if (!some && !none) return null;
    if (condition.field === 'eventCount') {
      const from = new Date(context.now.getTime() - condition.lastDays * DAY_MS);
      return {
        predicate: sql`exists (select 1 from events e where e.brand_id = ${context.brandId} and e.member_id = ${this.memberId} and e.type = ${condition.eventType} and e.occurred_at > ${from} and e.occurred_at <= ${context.now})`,
        some,
        nullable: false,
      };
    }
    return { predicate: this.boughtInPeriod(condition.period), some, nullable: true };
  }

  /**
   * "Has a purchase in the period", from the member's purchase summary (first and last purchase)
   * wherever that settles it, so no order is read: after `from` ⇔ the last purchase is; before
   * `to` ⇔ the first one is. Only a window closed at both ends needs a probe of the member's
   * orders, and only for members whose purchases straddle it.
   */
  private boughtInPeriod(period: PurchasePeriod | undefined): SQL {
    const { context } = this;
    this.usesPurchaseSummary = true;
    if (!period) return sql`ps.order_count > 0`;
    const probe = () => {
      const where = [sql`o.brand_id = ${context.brandId}`, sql`o.member_id = ${this.memberId}`, sql`o.status <> 'refunded'`, ...periodBounds(period, context, sql`o.occurred_at`)];
      return sql`exists (select 1 from orders o where ${sql.join(where, sql` and `)})`;
    };
    if (period.lastDays !== undefined) {
      // the window ends now: a last purchase inside it settles it; one after now (a pinned clock) needs the probe
      const from = new Date(context.now.getTime() - period.lastDays * DAY_MS);
      if (noPurchaseAfter(context, context.now)) return sql`ps.last_purchase_at > ${from}`;
      return sql`ps.last_purchase_at > ${from} and (ps.last_purchase_at <= ${context.now} or ${probe()})`;
    }
    // a window whose end is after the brand's latest purchase is open at that end ("since September 1st")
    const end = period.to === undefined ? undefined : new Date(period.to);
    const to = end && !noPurchaseAfter(context, new Date(end.getTime() - 1)) ? end : undefined;
    const parts: SQL[] = [];
    if (period.from !== undefined) parts.push(sql`ps.last_purchase_at >= ${new Date(period.from)}`);
    if (to !== undefined) parts.push(sql`ps.first_purchase_at < ${to}`);
    if (period.from !== undefined && to !== undefined) parts.push(probe());
    return parts.length ? sql.join(parts, sql` and `) : sql`ps.order_count > 0`;
  }

  /**
   * A per-member figure of a period (count or amount of orders, count of events). Members without
   * rows have none: when the condition holds for 0 they are counted as 0, else the condition stays
   * strict so the planner may join inner. Two shapes:
   * - when the filter also requires a condition on the member's profile, scores or tier
   *   (`perMember`), a correlated subquery `(select … where … and member_id = <the member>)`: PostgreSQL
   *   evaluates it last, only for the members the other conditions leave, each an index-only range
   *   scan of orders_member_paid_idx (or the events index);
   * - otherwise a left-joined aggregate over the whole period, `pN.v`: every member is a candidate,
   *   and one pass over the period's rows beats a probe per member.
   */
  private aggregate(from: SQL, where: SQL[], member: SQL, value: SQL, op: string, target: unknown): SQL {
    let column: SQL;
    if (this.perMember) {
      column = sql`(select ${value} from ${from} where ${sql.join([...where, sql`${member} = ${this.memberId}`], sql` and `)})`;
    } else {
      const alias = sql.raw(`p${++this.aggregates}`);
      this.joins.push(sql`left join (select ${member} as member_id, ${value} as v from ${from} where ${sql.join(where, sql` and `)} group by ${member}) ${alias} on ${alias}.member_id = ${this.memberId}`);
      column = sql`${alias}.v`;
    }
    return compareValue(holdsForZero(op, target) ? sql`coalesce(${column}, 0)` : column, op, target, sql`bigint`);
  }

  /**
   * The effective tier level (the manual level while it lasts, else the earned one, 0 without a
   * tier row) held against the condition, spelled as plain column comparisons rather than one
   * comparison of a coalesce(case …): the planner estimates those from the columns' statistics
   * ("level = 2": 10 % of members) instead of guessing 0.5 % and choosing nested loops.
   */
  private tierCondition(condition: SegmentCondition): SQL {
    const { now } = this.context;
    const value = 'value' in condition ? condition.value : undefined;
    const parts = [
      sql`(t.manual_until > ${now} and ${compareValue(sql`t.manual_level`, condition.op, value, sql`bigint`)})`,
      sql`((t.manual_until is null or t.manual_until <= ${now}) and ${compareValue(sql`t.level`, condition.op, value, sql`bigint`)})`,
    ];
    if (tierHoldsAtZero(condition)) parts.push(sql`t.member_id is null`);
    return sql`(${sql.join(parts, sql` or `)})`;
  }

  condition(condition: SegmentCondition): SQL {
    const { context } = this;
    const { field, op } = condition;
    const value = 'value' in condition ? condition.value : undefined;
    if (field in SEGMENT_NUMBER_FIELDS) {
      const numberField = field as SegmentNumberField;
      if (numberField === 'tierLevel') {
        this.usesTiers = true;
        return nullTest(numberColumn(numberField, context), op) ?? this.tierCondition(condition);
      }
      if (numberField !== 'birthdayMonth') this.usesScores = true;
      const column = numberColumn(numberField, context);
      const cast = SEGMENT_NUMBER_FIELDS[numberField].integer ? sql`bigint` : sql`float8`;
      return nullTest(column, op) ?? compareValue(column, op, value, cast);
    }
    switch (condition.field) {
      case 'joinedAt':
      case 'nextPurchaseAt': {
        const column = condition.field === 'joinedAt' ? sql`m.joined_at` : sql`s.next_purchase_at`;
        if (condition.field === 'nextPurchaseAt') this.usesScores = true;
        const nullSql = nullTest(column, op);
        if (nullSql) return nullSql;
        const now = context.now.getTime();
        switch (condition.op) {
          case 'before':
            return sql`${column} < ${new Date(condition.value)}`;
          case 'after':
            return sql`${column} >= ${new Date(condition.value)}`;
          case 'between':
            return sql`${column} >= ${new Date(condition.value[0]!)} and ${column} < ${new Date(condition.value[1]!)}`;
          case 'inLastDays':
            return sql`${column} >= ${new Date(now - condition.value * DAY_MS)} and ${column} <= ${context.now}`;
          case 'notInLastDays':
            return sql`${column} < ${new Date(now - condition.value * DAY_MS)}`;
          case 'inNextDays':
            return sql`${column} >= ${context.now} and ${column} < ${new Date(now + condition.value * DAY_MS)}`;
        }
        break;
      }
      case 'valueSegment':
      case 'loyaltyQuadrant': {
        this.usesScores = true;
        const column = condition.field === 'valueSegment' ? sql`s.value_segment` : sql`s.loyalty_quadrant`;
        return nullTest(column, op) ?? compareValue(column, op, value, sql`text`);
      }
      case 'marketingConsent':
        return sql`m.marketing_consent = ${condition.value}::boolean`;
      case 'joinStoreId':
        return nullTest(sql`m.join_store_id`, op) ?? compareValue(sql`m.join_store_id`, op, value, sql`text`);
      case 'highPotential':
        this.usesScores = true;
        if (condition.op === 'hasAny') return sql`jsonb_array_length(s.high_potential) > 0`;
        return sql`s.high_potential @> ${JSON.stringify([{ flag: condition.value }])}::jsonb`;
      case 'purchaseCount':
      case 'purchaseAmountFen': {
        if (!condition.period) {
          this.usesPurchaseSummary = true;
          const column = condition.field === 'purchaseCount' ? sql`ps.order_count` : sql`ps.net_paid_fen`;
          return compareValue(holdsForZero(condition.op, condition.value) ? sql`coalesce(${column}, 0)` : column, condition.op, condition.value, sql`bigint`);
        }
        const figure = condition.field === 'purchaseCount' ? sql`count(*)` : sql`sum(o.paid_fen - o.refunded_fen)`;
        const where = [sql`o.brand_id = ${context.brandId}`, sql`o.status <> 'refunded'`, ...periodBounds(condition.period, context, sql`o.occurred_at`)];
        return this.aggregate(sql`orders o`, where, sql`o.member_id`, figure, condition.op, condition.value);
      }
      case 'eventCount': {
        const from = new Date(context.now.getTime() - condition.lastDays * DAY_MS);
        const where = [sql`e.brand_id = ${context.brandId}`, sql`e.type = ${condition.eventType}`, sql`e.occurred_at > ${from}`, sql`e.occurred_at <= ${context.now}`];
        return this.aggregate(sql`events e`, where, sql`e.member_id`, sql`count(*)`, condition.op, condition.value);
      }
    }
    // unreachable for a validated filter
    throw new Error(`segment filter: unsupported condition ${String(field)}/${String(op)}`);
  }
}

/** Conditions on a member's orders or events in a period, as opposed to the member's own row, scores or tier. */
const PERIOD_FIGURES = new Set<string>(['purchaseCount', 'purchaseAmountFen', 'eventCount', 'boughtCategory']);

/** The conditions every selected member must meet: the root and, through `all`, its children (not under any or not). */
function requiredConditions(filter: SegmentFilter): SegmentCondition[] {
  if ('all' in filter) return filter.all.flatMap(requiredConditions);
  if ('any' in filter || 'not' in filter) return [];
  return [filter];
}

/** Whether a tier condition holds for level 0, the level of a member without a tier row. */
function tierHoldsAtZero(condition: SegmentCondition): boolean {
  if (condition.field !== 'tierLevel') return true;
  switch (condition.op) {
    case 'between':
      return condition.value[0]! <= 0 && 0 <= condition.value[1]!;
    case 'in':
      return condition.value.includes(0);
    case 'notIn':
      return !condition.value.includes(0);
    case 'isNull':
      return false;
    case 'isNotNull':
      return true;
    default:
      return compareHolds(condition.op, 0, condition.value);
  }
}

/** Fields of the member's own row: a filter with any of them reads `members`. */
const PROFILE_FIELDS = new Set<string>(['birthdayMonth', 'joinedAt', 'marketingConsent', 'joinStoreId']);
const SCORE_FIELDS = new Set<string>([
  ...Object.keys(SEGMENT_NUMBER_FIELDS).filter((field) => field !== 'tierLevel' && field !== 'birthdayMonth'),
  'nextPurchaseAt',
  'valueSegment',
  'loyaltyQuadrant',
  'highPotential',
]);

function conditionsOf(filter: SegmentFilter): SegmentCondition[] {
  if ('all' in filter) return filter.all.flatMap(conditionsOf);
  if ('any' in filter) return filter.any.flatMap(conditionsOf);
  if ('not' in filter) return conditionsOf(filter.not);
  return [filter];
}

/** Whether a required condition can only hold for a member with purchases (a summary row). */
function needsPurchases(condition: SegmentCondition): boolean {
  return (condition.field === 'purchaseCount' || condition.field === 'purchaseAmountFen') && !holdsForZero(condition.op, condition.value);
}

type StartingTable = 'members' | 'scores' | 'tiers' | 'summary';

/**
 * The table the query starts from. Every member of the brand is in `members`, so a filter starts
 * there whenever a condition could hold for a member without scores, tier or purchases, or asks
 * about the profile. When a required condition already limits the members to those with a row in
 * a narrower table (scored rScore ≥ 4, tier ≥ 1, bought in the last 90 days), the query starts
 * there instead, and "the member is active" becomes an anti-join with the partial index of the few
 * members who are not (members_inactive_idx) instead of a visit to each candidate's member row.
 */
function startingTable(filter: SegmentFilter, required: SegmentCondition[]): StartingTable {
  if (conditionsOf(filter).some((condition) => PROFILE_FIELDS.has(condition.field))) return 'members';
  const strict = (condition: SegmentCondition) => condition.op !== 'isNull';
  if (required.some((condition) => SCORE_FIELDS.has(condition.field) && strict(condition))) return 'scores';
  if (required.some((condition) => !tierHoldsAtZero(condition))) return 'tiers';
  if (required.some(needsPurchases)) return 'summary';
  return 'members';
}

const STARTING: Record<StartingTable, { table: SQL; alias: SQL; memberId: SQL }> = {
  members: { table: sql`members m`, alias: sql`m`, memberId: sql`m.id` },
  scores: { table: sql`member_scores s`, alias: sql`s`, memberId: sql`s.member_id` },
  tiers: { table: sql`member_tiers t`, alias: sql`t`, memberId: sql`t.member_id` },
  summary: { table: sql`member_purchase_summaries ps`, alias: sql`ps`, memberId: sql`ps.member_id` },
};

/** Compiles a filter that segmentFilterProblems() found valid. */
export function compileSegmentFilter(filter: SegmentFilter, context: CompileContext): CompiledSegment {
  const required = requiredConditions(filter);
  const start = startingTable(filter, required);
  const { table, alias, memberId } = STARTING[start];
  const compiler = new Compiler(context, required.some((condition) => !PERIOD_FIGURES.has(condition.field)), memberId);
  const predicate = compiler.node(filter, false);
  const brandId = context.brandId;
  const joins: SQL[] = [];
  // score conditions are strict (null is no match), so the planner already joins member_scores inner;
  // the tier level is coalesced to 0, so say it: inner when a required tier condition excludes level 0
  const tierInner = required.some((condition) => !tierHoldsAtZero(condition));
  if (compiler.usesScores && start !== 'scores') joins.push(sql`left join member_scores s on s.brand_id = ${brandId} and s.member_id = ${memberId}`);
  if (compiler.usesTiers && start !== 'tiers') joins.push(sql`${tierInner ? sql`join` : sql`left join`} member_tiers t on t.brand_id = ${brandId} and t.member_id = ${memberId}`);
  if (compiler.usesPurchaseSummary && start !== 'summary') joins.push(sql`left join member_purchase_summaries ps on ps.brand_id = ${brandId} and ps.member_id = ${memberId}`);
  joins.push(...compiler.joins);
  const active =
    start === 'members'
      ? sql`m.status = 'active'`
      : sql`not exists (select 1 from members inactive where inactive.brand_id = ${brandId} and inactive.status <> 'active' and inactive.id = ${memberId})`;
  return { body: sql`from ${table} ${sql.join(joins, sql` `)} where ${alias}.brand_id = ${brandId} and ${active} and ${predicate}`, memberId };
}
