import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { campaignRuns, campaigns, campaignSettings } from './campaigns.tables';

export type CampaignRow = typeof campaigns.$inferSelect;
export type CampaignInsert = typeof campaigns.$inferInsert;
export type RunRow = typeof campaignRuns.$inferSelect;
export type SettingsRow = typeof campaignSettings.$inferSelect;

// Every function takes the database or the caller's transaction first, and every query names the brand
// (except the workers' scans over all brands, which say so).

/** The rows of a `tx.execute(sql…)` result (node-postgres and PGlite both carry `rows`). */
export function rows<T = Record<string, unknown>>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

/** A list of texts as one JSON parameter (works the same on node-postgres and PGlite): `x in ${textList(ids)}`. */
export const textList = (values: readonly string[]) => sql`(select json_array_elements_text(${JSON.stringify(values)}::json))`;

// ---- campaigns ----

export async function insertCampaign(tx: Db, row: CampaignInsert): Promise<CampaignRow> {
  const [inserted] = await tx.insert(campaigns).values(row).returning();
  return inserted!;
}

export async function findCampaign(tx: Db, brandId: string, campaignId: string): Promise<CampaignRow | undefined> {
  const [row] = await tx.select().from(campaigns).where(and(eq(campaigns.brandId, brandId), eq(campaigns.id, campaignId)));
  return row;
}

export async function lockCampaign(tx: Db, brandId: string, campaignId: string): Promise<CampaignRow | undefined> {
  const [row] = await tx.select().from(campaigns).where(and(eq(campaigns.brandId, brandId), eq(campaigns.id, campaignId))).for('update');
  return row;
}

export async function listCampaigns(tx: Db, brandId: string, filter: { status?: CampaignRow['status']; kind?: CampaignRow['kind'] }, limit: number, offset: number) {
  const conditions: SQL[] = [eq(campaigns.brandId, brandId)];
  if (filter.status) conditions.push(eq(campaigns.status, filter.status));
  if (filter.kind) conditions.push(eq(campaigns.kind, filter.kind));
  const where = and(...conditions);
  const items = await tx.select().from(campaigns).where(where).orderBy(desc(campaigns.createdAt), desc(campaigns.id)).limit(limit).offset(offset);
  const [count] = await tx.select({ total: sql<number>`count(*)::int` }).from(campaigns).where(where);
  return { items, total: count?.total ?? 0 };
}

/** Replaces the definition while the campaign is in one of `statuses`; no row = not in them (any more). */
export async function updateDefinition(tx: Db, brandId: string, campaignId: string, changes: Partial<CampaignInsert>, statuses: CampaignRow['status'][]) {
  const [row] = await tx
    .update(campaigns)
    .set(changes)
    .where(and(eq(campaigns.brandId, brandId), eq(campaigns.id, campaignId), inArray(campaigns.status, statuses)))
    .returning();
  return row;
}

/** Moves the status from one of `from`; no row = the campaign was not in one of them. */
export async function setStatus(tx: Db, brandId: string, campaignId: string, from: CampaignRow['status'][], to: CampaignRow['status'], at: Date, extra: Partial<CampaignInsert> = {}) {
  const [row] = await tx
    .update(campaigns)
    .set({ status: to, updatedAt: at, ...extra })
    .where(and(eq(campaigns.brandId, brandId), eq(campaigns.id, campaignId), inArray(campaigns.status, from)))
    .returning();
  return row;
}

/** Spends `fen` of the budget only while it stays within it; false = it would not. */
export async function spendBudget(tx: Db, brandId: string, campaignId: string, fen: number): Promise<boolean> {
  if (fen === 0) return true;
  const result = await tx
    .update(campaigns)
    .set({ spentFen: sql`${campaigns.spentFen} + ${fen}` })
    .where(and(eq(campaigns.brandId, brandId), eq(campaigns.id, campaignId), sql`(${campaigns.budgetFen} is null or ${campaigns.spentFen} + ${fen} <= ${campaigns.budgetFen})`))
    .returning({ id: campaigns.id });
  return result.length === 1;
}

/** Every brand's active campaigns (the tick). */
export async function activeCampaigns(tx: Db): Promise<(CampaignRow & { timeZone: string })[]> {
  const result = await tx.execute(sql`select c.id from campaigns c where c.status = 'active'`);
  const ids = rows<{ id: string }>(result).map((row) => row.id);
  if (ids.length === 0) return [];
  const list = await tx.select().from(campaigns).where(inArray(campaigns.id, ids));
  const zones = rows<{ id: string; time_zone: string }>(await tx.execute(sql`select id, time_zone from brands where id in (select brand_id from campaigns where id in ${textList(ids)})`));
  const zoneOf = new Map(zones.map((row) => [row.id, row.time_zone]));
  return list.map((row) => ({ ...row, timeZone: zoneOf.get(row.brandId) ?? 'Asia/Shanghai' }));
}

export async function brandInfo(tx: Db, brandId: string): Promise<{ name: string; timeZone: string }> {
  const [row] = rows<{ name: string; time_zone: string }>(await tx.execute(sql`select name, time_zone from brands where id = ${brandId}`));
  return { name: row?.name ?? '', timeZone: row?.time_zone ?? 'Asia/Shanghai' };
}

export async function couponTemplatesOf(tx: Db, brandId: string, ids: string[]) {
  if (ids.length === 0) return new Map<string, TemplateFacts>();
  const result = rows<TemplateFacts>(
    await tx.execute(sql`select id, name, kind, value_fen as "valueFen", percent_off as "percentOff", cap_fen as "capFen", gift_name as "giftName", status
      from coupon_templates where brand_id = ${brandId} and id in ${textList(ids)}`),
  );
  return new Map(result.map((row) => [row.id, row]));
}

export interface TemplateFacts {
  id: string;
  name: string;
  kind: 'cash_off' | 'percent_off' | 'gift';
  valueFen: number | null;
  percentOff: number | null;
  capFen: number | null;
  giftName: string | null;
  status: string;
}

// ---- settings ----

export async function findSettings(tx: Db, brandId: string): Promise<SettingsRow | undefined> {
  const [row] = await tx.select().from(campaignSettings).where(eq(campaignSettings.brandId, brandId));
  return row;
}

export async function upsertSettings(tx: Db, row: { brandId: string; frequencyCapCount: number; frequencyCapDays: number }, at: Date): Promise<SettingsRow> {
  const [saved] = await tx
    .insert(campaignSettings)
    .values({ ...row, updatedAt: at })
    .onConflictDoUpdate({ target: campaignSettings.brandId, set: { frequencyCapCount: row.frequencyCapCount, frequencyCapDays: row.frequencyCapDays, updatedAt: at } })
    .returning();
  return saved!;
}

// ---- runs ----

/** Creates a run unless the campaign already has one with this key; returns it only when created now. */
export async function createRun(tx: Db, row: { id: string; brandId: string; campaignId: string; runKey: string; at: Date; summary?: Record<string, unknown> }): Promise<RunRow | undefined> {
  const [inserted] = await tx
    .insert(campaignRuns)
    .values({
      id: row.id,
      brandId: row.brandId,
      campaignId: row.campaignId,
      runKey: row.runKey,
      status: 'deciding',
      startedAt: row.at,
      // nobody holds a new run: any worker may take it at once
      heartbeatAt: new Date(0),
      summary: row.summary ?? null,
    })
    .onConflictDoNothing()
    .returning();
  return inserted;
}

export async function hasRun(tx: Db, campaignId: string, runKey: string): Promise<boolean> {
  const result = await tx.select({ id: campaignRuns.id }).from(campaignRuns).where(and(eq(campaignRuns.campaignId, campaignId), eq(campaignRuns.runKey, runKey)));
  return result.length > 0;
}

export async function hasOpenRun(tx: Db, campaignId: string): Promise<boolean> {
  const result = await tx.select({ id: campaignRuns.id }).from(campaignRuns).where(and(eq(campaignRuns.campaignId, campaignId), eq(campaignRuns.status, 'deciding'))).limit(1);
  return result.length > 0;
}

/**
 * Takes one run that is deciding, whose campaign is active, and that nobody holds (its heartbeat older than
 * `staleBefore`), by setting the heartbeat: of two workers asking at once, one gets it (skip locked).
 * Across all brands (the workers).
 */
export async function claimRun(tx: Db, now: Date, staleBefore: Date, exclude: string[]): Promise<RunRow | undefined> {
  const result = await tx.execute(sql`
    update campaign_runs set heartbeat_at = ${now}
    where id = (
      select r.id from campaign_runs r join campaigns c on c.id = r.campaign_id and c.brand_id = r.brand_id
      where r.status = 'deciding' and r.heartbeat_at < ${staleBefore} and c.status in ('active', 'ended')
        and r.id not in ${textList(exclude)}
      order by r.started_at, r.id
      limit 1
      for update of r skip locked)
    returning id`);
  const [claimed] = rows<{ id: string }>(result);
  if (!claimed) return undefined;
  const [row] = await tx.select().from(campaignRuns).where(eq(campaignRuns.id, claimed.id));
  return row;
}

export async function lockRun(tx: Db, runId: string): Promise<RunRow | undefined> {
  const [row] = await tx.select().from(campaignRuns).where(eq(campaignRuns.id, runId)).for('update');
  return row;
}

export async function updateRun(tx: Db, runId: string, changes: Partial<typeof campaignRuns.$inferInsert>): Promise<void> {
  await tx.update(campaignRuns).set(changes).where(eq(campaignRuns.id, runId));
}

export async function findRun(tx: Db, brandId: string, campaignId: string, runId: string): Promise<RunRow | undefined> {
  const [row] = await tx.select().from(campaignRuns).where(and(eq(campaignRuns.brandId, brandId), eq(campaignRuns.campaignId, campaignId), eq(campaignRuns.id, runId)));
  return row;
}

export async function listRuns(tx: Db, brandId: string, campaignId: string, limit: number): Promise<RunRow[]> {
  return tx.select().from(campaignRuns).where(and(eq(campaignRuns.brandId, brandId), eq(campaignRuns.campaignId, campaignId))).orderBy(desc(campaignRuns.startedAt), desc(campaignRuns.id)).limit(limit);
}

export async function deliveryCounts(tx: Db, brandId: string, runIds: string[]) {
  if (runIds.length === 0) return [];
  return rows<{ run_id: string; status: string; skip_reason: string | null; n: number }>(
    await tx.execute(sql`select run_id, status, skip_reason, count(*)::int as n from campaign_deliveries
      where brand_id = ${brandId} and run_id in ${textList(runIds)} group by run_id, status, skip_reason`),
  );
}

// ---- deliveries ----

/** A batch of decisions in one insert through one JSON parameter (json_to_recordset), whatever the batch size. */
export interface DeliveryInsert {
  id: string;
  memberId: string;
  variant: string;
  status: 'queued' | 'held_out' | 'skipped';
  skipReason: string | null;
  triggerRef: string | null;
  couponId: string | null;
  points: number | null;
  outboxId: string | null;
  decidedAt: Date;
}

export async function insertDeliveries(tx: Db, brandId: string, campaignId: string, runId: string, list: DeliveryInsert[]): Promise<void> {
  if (list.length === 0) return;
  const payload = list.map((d) => ({
    id: d.id,
    member_id: d.memberId,
    variant: d.variant,
    status: d.status,
    skip_reason: d.skipReason,
    trigger_ref: d.triggerRef,
    coupon_id: d.couponId,
    points: d.points,
    outbox_id: d.outboxId,
    decided_at: d.decidedAt.toISOString(),
  }));
  await tx.execute(sql`
    insert into campaign_deliveries (id, brand_id, campaign_id, run_id, member_id, variant, status, skip_reason, trigger_ref, coupon_id, points, outbox_id, decided_at)
    select d.id, ${brandId}, ${campaignId}, ${runId}, d.member_id, d.variant, d.status, d.skip_reason, d.trigger_ref, d.coupon_id, d.points, d.outbox_id, d.decided_at
    from json_to_recordset(${JSON.stringify(payload)}::json)
      as d(id text, member_id text, variant text, status text, skip_reason text, trigger_ref text, coupon_id text, points int, outbox_id text, decided_at timestamptz)`);
}

