import { newId } from '@memberloop/shared';
import type { Pool } from 'pg';
import { hashPassword } from '../../src/modules/brands';
import type { httpClient } from './server-process';

/**
 * A brand with an operator and `members` consenting members, written with plain SQL (no orders: a message-only
 * campaign does not need them), plus the campaign the process tests send to all of them.
 */

export const OPERATOR_PASSWORD = 'correct-horse-battery';

export interface FanoutBrand {
  brandId: string;
  code: string;
  operator: string;
  members: number;
}

export async function seedFanoutBrand(pool: Pool, code: string, members: number): Promise<FanoutBrand> {
  const brandId = newId('brand');
  await pool.query('insert into brands (id, code, name) values ($1, $2, $3)', [brandId, code, `品牌 ${code}`]);
  await pool.query(`insert into staff (id, brand_id, username, display_name, role, password_hash) values ($1, $2, 'operator', 'operator', 'operator', $3)`, [
    newId('staff'),
    brandId,
    await hashPassword(OPERATOR_PASSWORD),
  ]);
  // no quiet hours (start = end), so the test passes at any hour of the day in Shanghai
  await pool.query(`insert into messaging_settings (brand_id, quiet_start, quiet_end) values ($1, '00:00', '00:00')`, [brandId]);
  const ids = Array.from({ length: members }, () => newId('member'));
  await pool.query(
    `insert into members (id, brand_id, nickname, marketing_consent, consent_changed_at, joined_at)
     select id, $2, '会员' || ordinality, true, now() - interval '30 days', now() - interval '30 days' from unnest($1::text[]) with ordinality as m(id, ordinality)`,
    [ids, brandId],
  );
  await pool.query('analyze members');
  return { brandId, code, operator: 'operator', members };
}

type Http = ReturnType<typeof httpClient>;

/** Logs in, saves a segment of every consenting member and creates a one-off inbox-only campaign to it (a draft). */
export async function createInboxCampaign(http: Http, brand: FanoutBrand): Promise<{ token: string; segmentId: string; campaignId: string }> {
  const login = await http('POST', '/auth/staff/login', { body: { brandCode: brand.code, username: brand.operator, password: OPERATOR_PASSWORD } });
  if (login.status !== 200) throw new Error(`operator login: ${login.status} ${JSON.stringify(login.body)}`);
  const token: string = login.body.token;
  const segment = await http('POST', '/segments', { token, body: { name: '全部同意营销的会员', filter: { field: 'marketingConsent', op: 'eq', value: true } } });
  if (segment.status !== 200 && segment.status !== 201) throw new Error(`segment: ${segment.status} ${JSON.stringify(segment.body)}`);
  const campaign = await http('POST', '/campaigns', {
    token,
    body: {
      name: '崩溃测试',
      kind: 'one_off',
      segmentId: segment.body.id,
      variants: [{ key: 'a', weight: 1, actions: { message: { inbox: { title: '{{name}}，新品上市', body: '{{brand}} 的新品已到店，欢迎来看看。' } } } }],
      holdoutPercent: 0,
      channels: ['inbox'],
    },
  });
  if (campaign.status !== 201) throw new Error(`campaign: ${campaign.status} ${JSON.stringify(campaign.body)}`);
  return { token, segmentId: segment.body.id, campaignId: campaign.body.id };
}

export interface FanoutCounts {
  /** audience: active consenting members of the brand */
  members: number;
  /** campaign_deliveries rows of the campaign */
  deliveryRows: number;
  /** members with exactly one queued delivery whose outbox row was sent and who have exactly one inbox message of it */
  delivered: number;
  /** members with more than one delivery, outbox row or inbox message for the campaign */
  duplicates: number;
  /** audience members without a delivery, or whose delivery is not queued, or whose message was not sent */
  skipped: number;
  pending: number;
  outboxByStatus: Record<string, number>;
  deliveriesByStatus: Record<string, number>;
  runs: { id: string; status: string; decided_count: number; audience_count: number | null }[];
}

/** Everything the crash test asserts, counted from the tables. */
export async function fanoutCounts(pool: Pool, brandId: string, campaignId: string): Promise<FanoutCounts> {
  // the tables were filled a moment ago: without fresh statistics the planner takes them for empty and nests loops
  await pool.query('analyze members, campaign_deliveries, message_outbox, inbox_messages');
  const { rows: [row] } = await pool.query(
    `with audience as (
       select id from members where brand_id = $1 and status = 'active' and marketing_consent
     ), deliveries as (
       select d.member_id, count(*) as n, bool_and(d.status = 'queued') as queued
       from campaign_deliveries d where d.brand_id = $1 and d.campaign_id = $2 group by d.member_id
     ), outbox as (
       select o.member_id, count(*) as n, count(*) filter (where o.status = 'sent') as sent
       from campaign_deliveries d join message_outbox o on o.brand_id = d.brand_id and o.source = 'campaign' and o.source_ref = d.id
       where d.brand_id = $1 and d.campaign_id = $2 group by o.member_id
     ), inbox as (
       select i.member_id, count(*) as n
       from campaign_deliveries d
       join message_outbox o on o.brand_id = d.brand_id and o.source = 'campaign' and o.source_ref = d.id
       join inbox_messages i on i.outbox_id = o.id
       where d.brand_id = $1 and d.campaign_id = $2 group by i.member_id
     ), per_member as (
       select a.id, coalesce(d.n, 0) as deliveries, coalesce(d.queued, false) as queued, coalesce(o.n, 0) as outbox, coalesce(o.sent, 0) as sent, coalesce(i.n, 0) as inbox
       from audience a left join deliveries d on d.member_id = a.id left join outbox o on o.member_id = a.id left join inbox i on i.member_id = a.id
     )
     select
       (select count(*) from audience)::int as members,
       (select count(*) from campaign_deliveries where brand_id = $1 and campaign_id = $2)::int as delivery_rows,
       count(*) filter (where deliveries = 1 and queued and outbox = 1 and sent = 1 and inbox = 1)::int as delivered,
       count(*) filter (where deliveries > 1 or outbox > 1 or inbox > 1)::int as duplicates,
       count(*) filter (where deliveries = 0 or not queued or sent = 0)::int as skipped
     from per_member`,
    [brandId, campaignId],
  );
  const outbox = await pool.query<{ status: string; n: number }>(
    `select o.status, count(*)::int as n from campaign_deliveries d join message_outbox o on o.brand_id = d.brand_id and o.source = 'campaign' and o.source_ref = d.id
     where d.brand_id = $1 and d.campaign_id = $2 group by o.status`,
    [brandId, campaignId],
  );
  const deliveries = await pool.query<{ status: string; n: number }>('select status, count(*)::int as n from campaign_deliveries where brand_id = $1 and campaign_id = $2 group by status', [brandId, campaignId]);
  const runs = await pool.query('select id, status, decided_count, audience_count from campaign_runs where brand_id = $1 and campaign_id = $2 order by started_at', [brandId, campaignId]);
  const outboxByStatus = Object.fromEntries(outbox.rows.map((r) => [r.status, r.n]));
  return {
    members: row.members,
    deliveryRows: row.delivery_rows,
    delivered: row.delivered,
    duplicates: row.duplicates,
    skipped: row.skipped,
    pending: outboxByStatus.pending ?? 0,
    outboxByStatus,
    deliveriesByStatus: Object.fromEntries(deliveries.rows.map((r) => [r.status, r.n])),
    runs: runs.rows,
  };
}
