/**
 * The members a trigger selects at a run's reference time, as SQL over the other modules' tables (read only).
 * Each trigger yields occurrences `(member_id, trigger_ref, sort_at, extra)`: the trigger_ref names the
 * occurrence (a cart add, a birthday year, an expiry date …) and is stored on the delivery, so an occurrence
 * already decided for this campaign is never decided again. See the README for exactly when each fires.
 */
import { DAILY_TRIGGERS, type CampaignTrigger, type TriggerType } from '@memberloop/shared';
import { sql, type SQL } from 'drizzle-orm';
import { addDays, DAY_MS, isLeapYear, localDay, startOfDay } from './local-days';

export interface TriggerContext {
  brandId: string;
  timeZone: string;
  /** the run's reference time (when it was created): the same on every resume */
  at: Date;
  /** the campaign's start: event triggers only look at events from then on */
  startsAt: Date;
}

/** Event triggers look back at most this far, so a restored server does not greet members a week late. */
export const EVENT_LOOKBACK_MS = 3 * DAY_MS;
export const DEFAULT_TRIGGER_HOUR = 10;
export const DEFAULT_CART_HOURS = 24;

export const isDailyTrigger = (type: TriggerType) => DAILY_TRIGGERS.includes(type);

/** The SQL of a trigger's occurrences: columns member_id, trigger_ref, sort_at, extra (jsonb or null). */
export function occurrencesSql(trigger: CampaignTrigger, context: TriggerContext): SQL {
  const { brandId, timeZone, at } = context;
  const floor = new Date(Math.max(context.startsAt.getTime(), at.getTime() - EVENT_LOOKBACK_MS));
  const today = localDay(at, timeZone);
  const days = trigger.days ?? 0;
  const dayStart = (day: string) => startOfDay(day, timeZone);

  switch (trigger.type) {
    case 'joined':
      return sql`select m.id as member_id, 'joined' as trigger_ref, m.joined_at as sort_at, null::jsonb as extra
        from members m where m.brand_id = ${brandId} and m.joined_at >= ${floor} and m.joined_at <= ${at}`;

    case 'first_purchase':
      return sql`select o.member_id, 'first_purchase' as trigger_ref, o.occurred_at as sort_at, null::jsonb as extra
        from orders o
        where o.brand_id = ${brandId} and o.status <> 'refunded' and o.occurred_at >= ${floor} and o.occurred_at <= ${at}
          and not exists (select 1 from orders p where p.brand_id = ${brandId} and p.member_id = o.member_id and p.status <> 'refunded'
                          and (p.occurred_at < o.occurred_at or (p.occurred_at = o.occurred_at and p.id < o.id)))`;

    case 'tier_upgraded':
      return sql`select h.member_id, 'tier:' || h.id as trigger_ref, h.at as sort_at, jsonb_build_object('toLevel', h.to_level) as extra
        from tier_history h
        where h.brand_id = ${brandId} and h.to_level > h.from_level and h.at >= ${floor} and h.at <= ${at}`;

    case 'cart_abandoned': {
      const hours = trigger.hours ?? DEFAULT_CART_HOURS;
      const window = new Date(at.getTime() - hours * 3_600_000);
      // the cart add's window has closed by `at`; older than a day past that, it is no longer worth a message
      const oldest = new Date(Math.max(context.startsAt.getTime(), window.getTime() - DAY_MS));
      return sql`select e.member_id, 'cart:' || e.id as trigger_ref, e.occurred_at as sort_at, jsonb_build_object('sku', e.target) as extra
        from events e
        where e.brand_id = ${brandId} and e.type = 'cart_add' and e.occurred_at >= ${oldest} and e.occurred_at <= ${window}
          and not exists (select 1 from orders o where o.brand_id = ${brandId} and o.member_id = e.member_id and o.status <> 'refunded'
                          and o.occurred_at > e.occurred_at and o.occurred_at <= e.occurred_at + make_interval(hours => ${hours}::int))`;
    }

    case 'inactive': {
      // the last purchase was on the local day `days` days before today, and none since
      const day = addDays(today, -days);
      return sql`select distinct on (o.member_id) o.member_id, ${'inactive:' + day}::text as trigger_ref, o.occurred_at as sort_at, null::jsonb as extra
        from orders o
        where o.brand_id = ${brandId} and o.status <> 'refunded' and o.occurred_at >= ${dayStart(day)} and o.occurred_at < ${dayStart(addDays(day, 1))}
          and not exists (select 1 from orders p where p.brand_id = ${brandId} and p.member_id = o.member_id and p.status <> 'refunded' and p.occurred_at >= ${dayStart(addDays(day, 1))})
        order by o.member_id, o.occurred_at desc`;
    }

    case 'birthday': {
      const [year, month, dayOfMonth] = today.split('-');
      const mmdd = `${month}-${dayOfMonth}`;
      const withLeapDay = mmdd === '02-28' && !isLeapYear(Number(year));
      return sql`select m.id as member_id, ${'birthday:' + year}::text as trigger_ref, m.joined_at as sort_at, null::jsonb as extra
        from members m
        where m.brand_id = ${brandId} and m.birthday is not null
          and (to_char(m.birthday, 'MM-DD') = ${mmdd} or (${withLeapDay}::boolean and to_char(m.birthday, 'MM-DD') = '02-29'))`;
    }

    case 'anniversary': {
      const [year, month, dayOfMonth] = today.split('-');
      const mmdd = `${month}-${dayOfMonth}`;
      const withLeapDay = mmdd === '02-28' && !isLeapYear(Number(year));
      const joinedLocal = sql`(m.joined_at at time zone ${timeZone})`;
      return sql`select m.id as member_id, ${'anniversary:' + year}::text as trigger_ref, m.joined_at as sort_at,
          jsonb_build_object('years', ${Number(year)}::int - extract(year from ${joinedLocal})::int) as extra
        from members m
        where m.brand_id = ${brandId} and m.joined_at < ${dayStart(`${year}-01-01`)}
          and (to_char(${joinedLocal}, 'MM-DD') = ${mmdd} or (${withLeapDay}::boolean and to_char(${joinedLocal}, 'MM-DD') = '02-29'))`;
    }

    case 'repurchase_due': {
      const day = addDays(today, days);
      return sql`select s.member_id, ${'repurchase:' + day}::text as trigger_ref, s.next_purchase_at as sort_at, null::jsonb as extra
        from member_scores s
        where s.brand_id = ${brandId} and s.next_purchase_at >= ${dayStart(day)} and s.next_purchase_at < ${dayStart(addDays(day, 1))}`;
    }

    case 'tier_downgrade_soon': {
      // evaluation lowers a level once its grace period has ended (unless the brand never downgrades), and a
      // manual level above the earned one ends at manual_until: either within `days` local days is "soon"
      const horizon = dayStart(addDays(today, days + 1));
      return sql`select mt.member_id, 'grace:' || to_char(mt.grace_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as trigger_ref, mt.grace_until as sort_at,
            jsonb_build_object('until', mt.grace_until, 'level', mt.level) as extra
          from member_tiers mt left join tier_settings ts on ts.brand_id = mt.brand_id
          where mt.brand_id = ${brandId} and coalesce(ts.downgrade_policy, 'one_level') <> 'none'
            and mt.grace_until > ${at} and mt.grace_until < ${horizon}
        union all
        select mt.member_id, 'manual_end:' || to_char(mt.manual_until at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS'), mt.manual_until,
            jsonb_build_object('until', mt.manual_until, 'level', mt.manual_level)
          from member_tiers mt
          where mt.brand_id = ${brandId} and mt.manual_level > mt.level and mt.manual_until > ${at} and mt.manual_until < ${horizon}`;
    }

    case 'points_expiring': {
      const horizon = dayStart(addDays(today, days + 1));
      // grouped per local expiry day (computed once in a subquery: one parameter, one expression)
      return sql`select l.member_id, 'points:' || l.day as trigger_ref, min(l.expires_at) as sort_at,
          jsonb_build_object('expiringPoints', sum(l.remaining)::int, 'expiringDate', min(l.expires_at)) as extra
        from (select member_id, remaining, expires_at, to_char(expires_at at time zone ${timeZone}, 'YYYY-MM-DD') as day
              from point_lots where brand_id = ${brandId} and remaining > 0 and expires_at > ${at} and expires_at < ${horizon}) l
        group by l.member_id, l.day`;
    }

    case 'coupon_expiring': {
      const horizon = dayStart(addDays(today, days + 1));
      return sql`select c.member_id, 'coupon:' || c.id as trigger_ref, c.valid_until as sort_at, jsonb_build_object('couponId', c.id) as extra
        from coupons c
        where c.brand_id = ${brandId} and c.status = 'available' and c.valid_until > ${at} and c.valid_until < ${horizon}`;
    }
  }
}
