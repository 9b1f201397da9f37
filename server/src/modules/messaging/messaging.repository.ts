import { and, count, desc, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { inboxMessages, messageOutbox, messageSubscriptions, messagingSettings } from './messaging.tables';

// Every function takes the database or the caller's transaction first. Batch statements pass their rows as one
// JSON parameter (json_to_recordset): one round trip and one parameter for a thousand rows.

/** The rows of a `tx.execute(sql…)` result (node-postgres and PGlite both carry `rows`). */
function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

const json = (value: unknown) => sql`${JSON.stringify(value)}::json`;

export const toDate = (value: Date | string | null): Date | null => (value === null ? null : value instanceof Date ? value : new Date(value));

// ---- the outbox ----

export interface OutboxInsert {
  id: string;
  brand_id: string;
  member_id: string;
  source: 'campaign' | 'system';
  source_ref: string | null;
  marketing: boolean;
  content: unknown;
  variables: unknown;
  channels: string[] | null;
  next_attempt_at: string;
}

/** Inserts outbox rows; a row whose (brand, source, source_ref) exists is skipped. Answers the ids inserted. */
export async function insertOutbox(tx: Db, rows: OutboxInsert[], at: Date): Promise<Set<string>> {
  if (rows.length === 0) return new Set();
  const result = await tx.execute(sql`
    insert into message_outbox (id, brand_id, member_id, source, source_ref, marketing, content, variables, channels, next_attempt_at, created_at, updated_at)
    select x.id, x.brand_id, x.member_id, x.source, x.source_ref, x.marketing, x.content, x.variables, x.channels, x.next_attempt_at, ${at}, ${at}
    from json_to_recordset(${json(rows)}) as x(id text, brand_id text, member_id text, source text, source_ref text, marketing boolean,
      content jsonb, variables jsonb, channels text[], next_attempt_at timestamptz)
    on conflict (brand_id, source, source_ref) where source_ref is not null do nothing
    returning id`);
  return new Set(rowsOf<{ id: string }>(result).map((row) => row.id));
}

/** Existing outbox ids by (brand, source, source_ref); keys are `brand\nsource\nref`. */
export async function outboxIdsByRef(tx: Db, refs: { brand_id: string; source: string; source_ref: string }[]): Promise<Map<string, string>> {
  if (refs.length === 0) return new Map();
  const result = await tx.execute(sql`
    select o.id, o.brand_id, o.source, o.source_ref
    from json_to_recordset(${json(refs)}) as k(brand_id text, source text, source_ref text)
    join message_outbox o on o.brand_id = k.brand_id and o.source = k.source and o.source_ref = k.source_ref`);
  return new Map(rowsOf<{ id: string; brand_id: string; source: string; source_ref: string }>(result).map((row) => [`${row.brand_id}\n${row.source}\n${row.source_ref}`, row.id]));
}

export interface ClaimedRow {
  id: string;
  brand_id: string;
  member_id: string;
  source: 'campaign' | 'system';
  marketing: boolean;
  content: Record<string, unknown>;
  variables: Record<string, unknown>;
  channels: string[] | null;
  attempts: number;
}

/**
 * Locks up to `limit` due pending rows, oldest due first; rows another sender holds are skipped, so concurrent
 * senders work on disjoint rows. The locks last until the caller's transaction ends.
 */
export async function claimDue(tx: Db, now: Date, limit: number): Promise<ClaimedRow[]> {
  // Walk the due index in order. Right after a large campaign is queued the table's statistics are stale and the
  // planner would rather collect every due row and sort it (spilling to disk with FOR UPDATE), once per batch: a
  // fan-out of N rows then costs N² / batch. The index scan reads only the rows it locks (and skips the entries of
  // rows already sent, marking them dead for the next scan).
  await tx.execute(sql`select set_config('enable_sort', 'off', true), set_config('enable_bitmapscan', 'off', true)`);
  const result = await tx.execute(sql`
    select id, brand_id, member_id, source, marketing, content, variables, channels, attempts
    from message_outbox
    where status = 'pending' and next_attempt_at <= ${now}
    order by next_attempt_at
    limit ${limit}
    for update skip locked`);
  await tx.execute(sql`select set_config('enable_sort', 'on', true), set_config('enable_bitmapscan', 'on', true)`);
  return rowsOf<ClaimedRow>(result);
}

export interface OutboxUpdate {
  id: string;
  brand_id: string;
  status: 'pending' | 'sent' | 'suppressed' | 'dead';
  channel: string | null;
  attempts: number;
  next_attempt_at: string;
  sent_at: string | null;
  last_error: string | null;
  /** receipts to append */
  receipt: unknown[];
}

/** Writes the outcome of a batch, appending each row's receipts; only rows still pending change. */
export async function updateOutbox(tx: Db, updates: OutboxUpdate[], at: Date): Promise<number> {
  if (updates.length === 0) return 0;
  const result = await tx.execute(sql`
    update message_outbox o
    set status = u.status, channel = u.channel, attempts = u.attempts, next_attempt_at = u.next_attempt_at,
        sent_at = u.sent_at, last_error = u.last_error, receipt = o.receipt || u.receipt, updated_at = ${at}
    from json_to_recordset(${json(updates)}) as u(id text, brand_id text, status text, channel text, attempts int,
      next_attempt_at timestamptz, sent_at timestamptz, last_error text, receipt jsonb)
    where o.id = u.id and o.brand_id = u.brand_id and o.status = 'pending'`);
  return (result as { rowCount?: number }).rowCount ?? updates.length;
}

export type OutboxRow = typeof messageOutbox.$inferSelect;

export async function listOutbox(tx: Db, brandId: string, filter: { status?: OutboxRow['status']; memberId?: string }, limit: number, offset: number) {
  const conditions: SQL[] = [eq(messageOutbox.brandId, brandId)];
  if (filter.status) conditions.push(eq(messageOutbox.status, filter.status));
  if (filter.memberId) conditions.push(eq(messageOutbox.memberId, filter.memberId));
  const where = and(...conditions);
  const [items, [total]] = await Promise.all([
    // ids grow in write order: newest first without sorting the brand's whole outbox
    tx.select().from(messageOutbox).where(where).orderBy(desc(messageOutbox.id)).limit(limit).offset(offset),
    tx.select({ n: count() }).from(messageOutbox).where(where),
  ]);
  return { items, total: total?.n ?? 0 };
}

// ---- what a send needs to know (read from other modules' tables, never written) ----

export interface BrandContext {
  brand_id: string;
  time_zone: string;
  quiet_start: string | null;
  quiet_end: string | null;
  channel_order: string[] | null;
  sms_provider: string | null;
}

export async function brandContexts(tx: Db, brandIds: string[]): Promise<BrandContext[]> {
  const result = await tx.execute(sql`
    select b.id as brand_id, b.time_zone, s.quiet_start, s.quiet_end, s.channel_order, s.sms_provider
    from brands b left join messaging_settings s on s.brand_id = b.id
    where b.id in (select jsonb_array_elements_text(${JSON.stringify(brandIds)}::jsonb))`);
  return rowsOf<BrandContext>(result);
}

export interface MemberContext {
  id: string;
  status: string;
  marketing_consent: boolean;
  phone: string | null;
  openid: string | null;
}

/** Consent, status, phone and the WeChat openid (for `appId`) of members of one brand, as they are now. */
export async function memberContexts(tx: Db, brandId: string, memberIds: string[], appId: string, withOpenid: boolean): Promise<MemberContext[]> {
  const ids = JSON.stringify(memberIds);
  const result = await tx.execute(sql`
    select m.id, m.status, m.marketing_consent, m.phone,
      ${withOpenid
        ? sql`(select i.openid from member_identities i where i.brand_id = m.brand_id and i.member_id = m.id and i.app_id = ${appId}
             order by i.last_login_at desc nulls last, i.created_at desc limit 1)`
        : sql`null::text`} as openid
    from members m
    where m.brand_id = ${brandId} and m.id in (select jsonb_array_elements_text(${ids}::jsonb))`);
  return rowsOf<MemberContext>(result);
}

// ---- subscribe-message acceptances ----

/** Acceptances left, locked until the caller's transaction ends so two senders never spend the same one. */
export async function remainingAcceptances(tx: Db, brandId: string, memberIds: string[]): Promise<{ member_id: string; template_id: string; remaining: number }[]> {
  if (memberIds.length === 0) return [];
  const result = await tx.execute(sql`
    select member_id, template_id, remaining from message_subscriptions
    where brand_id = ${brandId} and remaining > 0 and member_id in (select jsonb_array_elements_text(${JSON.stringify(memberIds)}::jsonb))
    order by member_id, template_id
    for update`);
  return rowsOf(result);
}

/** Subtracts `used` from each (brand, member, template), never below 0; `zero` rows are set to 0 (WeChat's 43101). */
export async function spendAcceptances(
  tx: Db,
  changes: { brand_id: string; member_id: string; template_id: string; used: number; zero: boolean }[],
  at: Date,
): Promise<void> {
  if (changes.length === 0) return;
  // a fixed order, so two senders never wait on each other's rows in opposite orders
  const sorted = [...changes].sort((a, b) => `${a.brand_id}\n${a.member_id}\n${a.template_id}`.localeCompare(`${b.brand_id}\n${b.member_id}\n${b.template_id}`));
  await tx.execute(sql`
    update message_subscriptions s
    set remaining = case when c.zero then 0 else greatest(s.remaining - c.used, 0) end, updated_at = ${at}
    from json_to_recordset(${json(sorted)}) as c(brand_id text, member_id text, template_id text, used int, zero boolean)
    where s.brand_id = c.brand_id and s.member_id = c.member_id and s.template_id = c.template_id`);
}

/** One more acceptance for each template (one wx.requestSubscribeMessage answer). */
export async function addAcceptances(tx: Db, brandId: string, memberId: string, templateIds: string[], at: Date): Promise<void> {
  if (templateIds.length === 0) return;
  await tx
    .insert(messageSubscriptions)
    .values(templateIds.map((templateId) => ({ brandId, memberId, templateId, remaining: 1, updatedAt: at })))
    .onConflictDoUpdate({
      target: [messageSubscriptions.brandId, messageSubscriptions.memberId, messageSubscriptions.templateId],
      set: { remaining: sql`${messageSubscriptions.remaining} + 1`, updatedAt: at },
    });
}

export async function listSubscriptions(tx: Db, brandId: string, memberId: string) {
  return tx
    .select()
    .from(messageSubscriptions)
    .where(and(eq(messageSubscriptions.brandId, brandId), eq(messageSubscriptions.memberId, memberId)))
    .orderBy(messageSubscriptions.templateId);
}

// ---- deliveries on the development channels ----

export interface InboxInsert {
  id: string;
  brand_id: string;
  member_id: string;
  outbox_id: string;
  title: string;
  body: string;
  link: string | null;
  created_at: string;
}

export async function insertInbox(tx: Db, rows: InboxInsert[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into inbox_messages (id, brand_id, member_id, outbox_id, title, body, link, created_at)
    select x.id, x.brand_id, x.member_id, x.outbox_id, x.title, x.body, x.link, x.created_at
    from json_to_recordset(${json(rows)}) as x(id text, brand_id text, member_id text, outbox_id text, title text, body text, link text, created_at timestamptz)
    on conflict (outbox_id) do nothing`);
}

export interface SmsInsert {
  id: string;
  brand_id: string;
  member_id: string;
  outbox_id: string;
  provider: string;
  phone: string;
  text: string;
  provider_message_id: string;
  created_at: string;
}

export async function insertSms(tx: Db, rows: SmsInsert[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(sql`
    insert into sms_messages (id, brand_id, member_id, outbox_id, provider, phone, text, provider_message_id, created_at)
    select x.id, x.brand_id, x.member_id, x.outbox_id, x.provider, x.phone, x.text, x.provider_message_id, x.created_at
    from json_to_recordset(${json(rows)}) as x(id text, brand_id text, member_id text, outbox_id text, provider text, phone text, text text,
      provider_message_id text, created_at timestamptz)
    on conflict (outbox_id) do nothing`);
}

// ---- the inbox, as the member reads it ----

export type InboxRow = typeof inboxMessages.$inferSelect;

export async function listInbox(tx: Db, brandId: string, memberId: string, limit: number, offset: number) {
  const mine = and(eq(inboxMessages.brandId, brandId), eq(inboxMessages.memberId, memberId));
  const [items, [counts]] = await Promise.all([
    tx.select().from(inboxMessages).where(mine).orderBy(desc(inboxMessages.createdAt), desc(inboxMessages.id)).limit(limit).offset(offset),
    tx
      .select({ total: count(), unread: sql<number>`count(*) filter (where ${inboxMessages.readAt} is null)`.mapWith(Number) })
      .from(inboxMessages)
      .where(mine),
  ]);
  return { items, total: counts?.total ?? 0, unread: counts?.unread ?? 0 };
}

export async function findInboxMessage(tx: Db, brandId: string, memberId: string, id: string): Promise<InboxRow | undefined> {
  const [row] = await tx
    .select()
    .from(inboxMessages)
    .where(and(eq(inboxMessages.brandId, brandId), eq(inboxMessages.memberId, memberId), eq(inboxMessages.id, id)));
  return row;
}

/** Marks one message read (the first read time stays); undefined when it is not the member's. */
export async function markInboxRead(tx: Db, brandId: string, memberId: string, id: string, at: Date): Promise<InboxRow | undefined> {
  const [row] = await tx
    .update(inboxMessages)
    .set({ readAt: sql`coalesce(${inboxMessages.readAt}, ${at})` })
    .where(and(eq(inboxMessages.brandId, brandId), eq(inboxMessages.memberId, memberId), eq(inboxMessages.id, id)))
    .returning();
  return row;
}

export async function markAllInboxRead(tx: Db, brandId: string, memberId: string, at: Date): Promise<number> {
  const rows = await tx
    .update(inboxMessages)
    .set({ readAt: at })
    .where(and(eq(inboxMessages.brandId, brandId), eq(inboxMessages.memberId, memberId), isNull(inboxMessages.readAt)))
    .returning({ id: inboxMessages.id });
  return rows.length;
}

// ---- settings ----

export type SettingsRow = typeof messagingSettings.$inferSelect;

export async function findSettings(tx: Db, brandId: string): Promise<SettingsRow | undefined> {
  const [row] = await tx.select().from(messagingSettings).where(eq(messagingSettings.brandId, brandId));
  return row;
}

export async function upsertSettings(tx: Db, row: Omit<SettingsRow, 'updatedAt'>, at: Date): Promise<SettingsRow> {
  const { brandId, ...changes } = row;
  const [saved] = await tx
    .insert(messagingSettings)
    .values({ ...row, updatedAt: at })
    .onConflictDoUpdate({ target: messagingSettings.brandId, set: { ...changes, updatedAt: at } })
    .returning();
  return saved!;
}

/** SMS provider names any brand has chosen (to check at start that this server knows them all). */
export async function chosenSmsProviders(tx: Db): Promise<string[]> {
  const rows = await tx.selectDistinct({ name: messagingSettings.smsProvider }).from(messagingSettings);
  return rows.map((row) => row.name);
}

export async function brandTimeZone(tx: Db, brandId: string): Promise<string | undefined> {
  const result = await tx.execute(sql`select time_zone from brands where id = ${brandId}`);
  return rowsOf<{ time_zone: string }>(result)[0]?.time_zone;
}
