/**
 * The campaign report: per arm, members decided, delivered, converted (a purchase, not fully refunded, within
 * attributionDays after the delivery — the message's send time when it was sent, else the decision time; for
 * the control group the decision time, i.e. when they would have been sent to), revenue, cost and uplift over
 * the control group with a two-proportion z-test and Newcombe's confidence interval.
 */
import type { CampaignReport, CampaignVariant, VariantReport } from '@memberloop/shared';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { CONTROL } from './assignment';
import { rows, type CampaignRow } from './campaigns.repository';
import { newcombeDifferenceInterval, twoProportionZTest } from './statistics';

export const CONFIDENCE = 0.95;

export interface ArmFigures {
  variant: string;
  members: number;
  delivered: number;
  converted: number;
  revenueFen: number;
  costFen: number;
  pointsGranted: number;
}

/** The statistics of each arm against the control group, from their counts. Pure. */
export function compareArms(arms: ArmFigures[]): VariantReport[] {
  const control = arms.find((arm) => arm.variant === CONTROL);
  const rate = (arm: ArmFigures) => (arm.members > 0 ? arm.converted / arm.members : 0);
  const perMember = (arm: ArmFigures) => (arm.members > 0 ? arm.revenueFen / arm.members : 0);
  return arms.map((arm) => {
    let uplift: VariantReport['upliftOverControl'] = null;
    let roi: number | null = null;
    if (control && arm !== control && arm.members > 0 && control.members > 0) {
      const test = twoProportionZTest(arm.converted, arm.members, control.converted, control.members);
      const interval = newcombeDifferenceInterval(arm.converted, arm.members, control.converted, control.members, CONFIDENCE);
      const difference = rate(arm) - rate(control);
      uplift = {
        difference,
        relative: rate(control) > 0 ? difference / rate(control) : null,
        confidenceInterval: interval,
        confidenceLevel: CONFIDENCE,
        pValue: test.pValue,
        z: test.z,
      };
      if (arm.costFen > 0) {
        const incremental = (perMember(arm) - perMember(control)) * arm.members;
        roi = (incremental - arm.costFen) / arm.costFen;
      }
    }
    return {
      variant: arm.variant,
      members: arm.members,
      delivered: arm.delivered,
      converted: arm.converted,
      conversionRate: rate(arm),
      revenueFen: arm.revenueFen,
      revenuePerMemberFen: perMember(arm),
      costFen: arm.costFen,
      pointsGranted: arm.pointsGranted,
      upliftOverControl: uplift,
      roi,
    };
  });
}

export async function armFigures(tx: Db, campaign: CampaignRow): Promise<ArmFigures[]> {
  const brandId = campaign.brandId;
  const result = await tx.execute(sql`
    with d as (
      select d.id, d.variant, d.status, d.member_id, d.coupon_id, coalesce(d.points, 0) as points, d.outbox_id,
             case when d.status = 'queued' and o.sent_at is not null then o.sent_at else d.decided_at end as t0,
             (d.status = 'queued' and (d.outbox_id is null or o.status = 'sent')) as delivered
      from campaign_deliveries d
      left join message_outbox o on o.id = d.outbox_id
      where d.brand_id = ${brandId} and d.campaign_id = ${campaign.id} and d.status in ('queued', 'held_out')
    ),
    attributed as (
      select d.id, count(p.id) > 0 as converted, coalesce(sum(p.paid_fen - p.refunded_fen), 0)::bigint as revenue
      from d left join orders p on p.brand_id = ${brandId} and p.member_id = d.member_id and p.status <> 'refunded'
        and p.occurred_at > d.t0 and p.occurred_at <= d.t0 + make_interval(days => ${campaign.attributionDays}::int)
      group by d.id
    )
    select d.variant,
           count(*)::int as members,
           (count(*) filter (where d.delivered))::int as delivered,
           (count(*) filter (where a.converted))::int as converted,
           coalesce(sum(a.revenue), 0)::bigint as revenue,
           coalesce(sum(c.discount_fen) filter (where c.status = 'redeemed'), 0)::bigint as cost,
           coalesce(sum(d.points), 0)::bigint as points
    from d join attributed a on a.id = d.id
    left join coupons c on c.brand_id = ${brandId} and c.id = d.coupon_id
    group by d.variant`);
  const found = new Map(
    rows<{ variant: string; members: number; delivered: number; converted: number; revenue: string | number; cost: string | number; points: string | number }>(result).map((row) => [
      row.variant,
      {
        variant: row.variant,
        members: row.members,
        delivered: row.variant === CONTROL ? 0 : row.delivered,
        converted: row.converted,
        revenueFen: Number(row.revenue),
        costFen: Number(row.cost),
        pointsGranted: Number(row.points),
      },
    ]),
  );
  // every defined variant, then control (when there is a holdout or control rows), even with no members yet
  const keys = (campaign.variants as CampaignVariant[]).map((variant) => variant.key);
  if (campaign.holdoutPercent > 0 || found.has(CONTROL)) keys.push(CONTROL);
  for (const key of found.keys()) if (!keys.includes(key)) keys.push(key);
  return keys.map((key) => found.get(key) ?? { variant: key, members: 0, delivered: 0, converted: 0, revenueFen: 0, costFen: 0, pointsGranted: 0 });
}

export async function buildReport(tx: Db, campaign: CampaignRow, now: Date): Promise<CampaignReport> {
  return {
    campaignId: campaign.id,
    attributionDays: campaign.attributionDays,
    computedAt: now.toISOString(),
    variants: compareArms(await armFigures(tx, campaign)),
  };
}
