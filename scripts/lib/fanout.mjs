// SQL of `npm run bench:fanout` (bench-fanout.mjs): progress while the campaign runs, and the exact counts at the end.
import { randomBytes } from 'node:crypto';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A prefixed ULID like shared/src/ids.ts makes (`stf_01J…`), for the one row the benchmark inserts itself. */
export function newId(prefix, at = Date.now()) {
  let time = '';
  for (let t = at, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  const random = [...randomBytes(16)].map((byte) => CROCKFORD[byte % 32]).join('');
  return `${prefix}_${time}${random}`;
}

/**
 * Cheap figures to poll once a second: the run's own counters, and the campaign's outbox rows still pending (through
 * the partial index on pending rows). "sent" is decided − pending: queued decisions whose message left the outbox
 * (the exact per-status counts come at the end).
 */
export async function fanoutProgress(db, brandId, campaignId) {
  const { rows: [run] } = await db.query(
    `select status, decided_count, audience_count, error from campaign_runs where brand_id = $1 and campaign_id = $2 order by started_at desc limit 1`,
    [brandId, campaignId],
  );
  const { rows: [outbox] } = await db.query(`select count(*)::int as pending from message_outbox where status = 'pending' and brand_id = $1 and source = 'campaign'`, [brandId]);
  const decided = run?.decided_count ?? 0;
  return { runStatus: run?.status ?? null, runError: run?.error ?? null, audience: run?.audience_count ?? null, decided, pending: outbox.pending, sent: Math.max(0, decided - outbox.pending) };
}

/**
 * The figures of the benchmark's last line, from the tables:
 *  - members: the audience (active members of the brand with marketing consent — all of them, the benchmark grants it);
 *  - deliveries: campaign_deliveries rows of the campaign;
 *  - duplicates: members with more than one delivery row, outbox row or inbox message for the campaign;
 *  - skipped: audience members without a delivery, or whose delivery is not `queued`, or whose message is not `sent`
 *    with exactly one inbox message.
 */
export async function fanoutCounts(db, brandId, campaignId) {
  const client = await db.connect();
  try {
    // the tables were filled a moment ago: without fresh statistics the planner takes them for empty and nests loops
    await client.query('analyze members, campaign_deliveries, message_outbox, inbox_messages');
    await client.query(`set work_mem = '256MB'`);
    // one pass: a row per (member, fact) from each table, grouped per member (hash aggregates, no per-member probes)
    const { rows: [row] } = await client.query(
      `with campaign_outbox as (
         select d.member_id, d.status as delivery_status, o.id as outbox_id, o.status as outbox_status, o.sent_at
         from campaign_deliveries d
         left join message_outbox o on o.brand_id = d.brand_id and o.source = 'campaign' and o.source_ref = d.id
         where d.brand_id = $1 and d.campaign_id = $2
       ), facts as (
         select id as member_id, 1 as audience, 0 as deliveries, 0 as queued, 0 as outbox, 0 as sent, 0 as inbox, null::timestamptz as sent_at
         from members where brand_id = $1 and status = 'active' and marketing_consent
         union all
         select member_id, 0, 1, (delivery_status = 'queued')::int, (outbox_id is not null)::int, (outbox_status = 'sent')::int, 0, sent_at from campaign_outbox
         union all
         select c.member_id, 0, 0, 0, 0, 0, 1, null from campaign_outbox c join inbox_messages i on i.outbox_id = c.outbox_id
       ), per_member as (
         select member_id, sum(audience) as audience, sum(deliveries) as deliveries, sum(queued) as queued, sum(outbox) as outbox,
                sum(sent) as sent, sum(inbox) as inbox, max(sent_at) as sent_at
         from facts group by member_id
       )
       select
         count(*) filter (where audience > 0)::int as members,
         coalesce(sum(deliveries), 0)::int as deliveries,
         count(*) filter (where deliveries > 1 or outbox > 1 or inbox > 1)::int as duplicates,
         count(*) filter (where audience > 0 and (deliveries = 0 or queued = 0 or sent = 0 or inbox = 0))::int as skipped,
         max(sent_at) as last_sent_at
       from per_member`,
      [brandId, campaignId],
    );
    const byStatus = async (text) => Object.fromEntries((await client.query(text, [brandId, campaignId])).rows.map((r) => [r.status, r.n]));
    const deliveriesByStatus = await byStatus(`select status, count(*)::int as n from campaign_deliveries where brand_id = $1 and campaign_id = $2 group by status`);
    const outboxByStatus = await byStatus(
      `select o.status, count(*)::int as n from campaign_deliveries d join message_outbox o on o.brand_id = d.brand_id and o.source = 'campaign' and o.source_ref = d.id
       where d.brand_id = $1 and d.campaign_id = $2 group by o.status`,
    );
    const { rows: [run] } = await client.query(`select max(finished_at) as finished_at from campaign_runs where brand_id = $1 and campaign_id = $2`, [brandId, campaignId]);
    return {
      members: row.members,
      deliveries: row.deliveries,
      duplicates: row.duplicates,
      skipped: row.skipped,
      lastSentAt: row.last_sent_at,
      runFinishedAt: run?.finished_at ?? null,
      deliveriesByStatus,
      outboxByStatus,
    };
  } finally {
    client.release();
  }
}
