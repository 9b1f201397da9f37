import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';
import { brands } from '../brands/brands.tables';

/** Brand-wide campaign guards. */
export const campaignSettings = pgTable('campaign_settings', {
  brandId: text('brand_id').primaryKey().references(() => brands.id),
  /** at most this many marketing deliveries per member in any `frequency_cap_days` days, across campaigns */
  frequencyCapCount: integer('frequency_cap_count').notNull().default(3),
  frequencyCapDays: integer('frequency_cap_days').notNull().default(7),
  updatedAt: updatedAtColumn(),
});

/**
 * A campaign: who (segment and/or trigger), what (actions per variant), when (one-off, cron, trigger),
 * and the guards of its own (budget, end date). Definitions are validated by shared/src/schemas/campaigns.ts.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['one_off', 'scheduled', 'triggered'] }).notNull(),
    status: text('status', { enum: ['draft', 'active', 'paused', 'ended'] }).notNull().default('draft'),
    /** one_off: when to run (null = as soon as it is activated) */
    sendAt: timestamptz('send_at'),
    /** scheduled: node-cron expression read in the brand's time zone */
    cron: text('cron'),
    /** triggered: { type: 'joined' | 'first_purchase' | 'inactive' | 'birthday' | ..., days?, hours? } */
    trigger: jsonb('trigger').$type<Record<string, unknown>>(),
    segmentId: text('segment_id'),
    /** [{ key, weight, actions: { coupon?, points?, message? } }] */
    variants: jsonb('variants').$type<unknown[]>().notNull(),
    /** share of the audience held out as control, in percent */
    holdoutPercent: integer('holdout_percent').notNull().default(0),
    attributionDays: integer('attribution_days').notNull().default(7),
    /** the fallback order of channels for this campaign's messages; null = the brand's */
    channels: text('channels').array(),
    marketing: boolean('marketing').notNull().default(true),
    budgetFen: bigint('budget_fen', { mode: 'number' }),
    spentFen: bigint('spent_fen', { mode: 'number' }).notNull().default(0),
    startsAt: timestamptz('starts_at'),
    endsAt: timestamptz('ends_at'),
    createdBy: text('created_by'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    unique('campaigns_brand_id_unique').on(t.brandId, t.id),
    index('campaigns_brand_status_idx').on(t.brandId, t.status),
    check('campaigns_kind_check', sql`${t.kind} in ('one_off', 'scheduled', 'triggered')`),
    check('campaigns_status_check', sql`${t.status} in ('draft', 'active', 'paused', 'ended')`),
    check('campaigns_holdout_check', sql`${t.holdoutPercent} between 0 and 90`),
    check('campaigns_budget_check', sql`${t.budgetFen} is null or ${t.budgetFen} >= 0`),
  ],
);

/**
 * One run of a campaign: a one-off's single run, a cron firing, or a trigger scan (run_key names it, so a
 * second replica or a restart finds the same run). `cursor` is the last member decided, for resuming.
 */
export const campaignRuns = pgTable(
  'campaign_runs',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    campaignId: text('campaign_id').notNull(),
    runKey: text('run_key').notNull(),
    status: text('status', { enum: ['deciding', 'done', 'failed', 'cancelled'] }).notNull().default('deciding'),
    cursor: text('cursor'),
    audienceCount: integer('audience_count'),
    decidedCount: integer('decided_count').notNull().default(0),
    startedAt: timestamptz('started_at').notNull(),
    heartbeatAt: timestamptz('heartbeat_at').notNull(),
    finishedAt: timestamptz('finished_at'),
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    error: text('error'),
  },
  (t) => [
    unique('campaign_runs_key_unique').on(t.campaignId, t.runKey),
    index('campaign_runs_brand_idx').on(t.brandId, t.campaignId, t.startedAt),
    check('campaign_runs_status_check', sql`${t.status} in ('deciding', 'done', 'failed', 'cancelled')`),
  ],
);

/**
 * The decision for one member in one run: the variant (or 'control', held out), what was given, and the
 * message put in the outbox — unique per (campaign, run, member), written with the outbox row in one transaction.
 */
export const campaignDeliveries = pgTable(
  'campaign_deliveries',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    campaignId: text('campaign_id').notNull(),
    runId: text('run_id').notNull(),
    memberId: text('member_id').notNull(),
    variant: text('variant').notNull(),
    /** queued: actions taken and message in the outbox; held_out: control group; skipped: see skip_reason */
    status: text('status', { enum: ['queued', 'held_out', 'skipped'] }).notNull(),
    skipReason: text('skip_reason'),
    /** what set it off for triggered campaigns (order id, event id, date) */
    triggerRef: text('trigger_ref'),
    couponId: text('coupon_id'),
    points: integer('points'),
    outboxId: text('outbox_id'),
    decidedAt: timestamptz('decided_at').notNull(),
  },
  (t) => [
    unique('campaign_deliveries_run_member_unique').on(t.campaignId, t.runId, t.memberId),
    index('campaign_deliveries_member_idx').on(t.brandId, t.memberId, t.decidedAt),
    index('campaign_deliveries_campaign_idx').on(t.brandId, t.campaignId, t.variant),
    check('campaign_deliveries_status_check', sql`${t.status} in ('queued', 'held_out', 'skipped')`),
  ],
);
