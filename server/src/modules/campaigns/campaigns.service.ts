import {
  newId,
  POINT_COST_FEN,
  type Campaign,
  type CampaignListQuery,
  type CampaignPage,
  type CampaignReport,
  type CampaignRun,
  type CampaignRunList,
  type CampaignSettings,
  type CampaignTrigger,
  type CampaignVariant,
  type CreateCampaignBody,
  type SegmentFilter,
  type UpdateCampaignSettingsBody,
} from '@memberloop/shared';
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { withTransaction } from '../../db/transaction';
import type { ServiceDeps } from '../../deps';
import { requireOffice, type StaffContext } from '../../http/auth';
import { AppError, isAppError, validationFailed } from '../../http/errors';
import { runOnce, type IdempotencyKey } from '../../http/idempotency';
// a saved segment's members come as SQL from analytics.steps.segmentSql, joined into the run's member batches
import type { AnalyticsService, CompiledSegment } from '../analytics';
import { wakeableSleep } from '../../jobs/wakeable-sleep';
import { auditActor, recordAudit } from '../audit';
import type { CouponsService } from '../coupons';
import type { MembersService } from '../members';
import type { MessagingService } from '../messaging';
import type { PointsService } from '../points';
import type { TiersService } from '../tiers';
import { assign, CONTROL } from './assignment';
import { definitionProblems } from './campaign-rules';
import * as repo from './campaigns.repository';
import { cronMatches, parseCron } from './cron-match';
import { localDay, localHour } from './local-days';
import { messagingPort, type CampaignMessage } from './messaging-port';
import { buildReport } from './report';
import { DEFAULT_TRIGGER_HOUR, isDailyTrigger, occurrencesSql } from './triggers';

export type CampaignsService = ReturnType<typeof createCampaignsService>;

export interface CampaignsModules {
  members: MembersService;
  points: PointsService;
  tiers: TiersService;
  coupons: CouponsService;
  analytics: Pick<AnalyticsService, 'steps'>;
  messaging: MessagingService;
}

/** Members decided per transaction. */
export const BATCH_SIZE = 1000;
/** A run whose holder has not written a heartbeat for this long may be taken by another worker. */
export const STALE_RUN_MS = 20_000;
/** After this many failed batches in a row a run is marked failed. */
const MAX_BATCH_FAILURES = 5;
/** How long the idle worker loop waits before looking for runs again (stopWorkers wakes it). */
const WORKER_IDLE_MS = 1000;
const EXPIRING_POINTS_DAYS = 30;
const DEFAULT_CAP = { frequencyCapCount: 3, frequencyCapDays: 7 };

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toCampaign(row: repo.CampaignRow): Campaign {
  return {
    id: row.id,
    brandId: row.brandId,
    name: row.name,
    kind: row.kind,
    status: row.status,
    sendAt: iso(row.sendAt),
    cron: row.cron,
    trigger: (row.trigger as CampaignTrigger | null) ?? null,
    segmentId: row.segmentId,
    variants: row.variants as CampaignVariant[],
    holdoutPercent: row.holdoutPercent,
    attributionDays: row.attributionDays,
    channels: (row.channels as Campaign['channels']) ?? null,
    marketing: row.marketing,
    budgetFen: row.budgetFen,
    spentFen: row.spentFen,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The variables a set of message texts use. */
function variablesUsed(variants: CampaignVariant[]): Set<string> {
  const used = new Set<string>();
  for (const variant of variants) {
    const message = variant.actions.message;
    if (!message) continue;
    const texts = [message.inbox.title, message.inbox.body, message.inbox.link ?? '', message.sms?.text ?? '', ...Object.values(message.wechat?.data ?? {})];
    for (const text of texts) for (const match of text.matchAll(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) used.add(match[1]!);
  }
  return used;
}

/** "20元", "8.5折", or the gift's name: how a coupon's value reads in a message. */
export function couponValueText(template: { kind: string; valueFen: number | null; percentOff: number | null; giftName: string | null }): string | null {
  if (template.kind === 'cash_off' && template.valueFen !== null) return `${Number((template.valueFen / 100).toFixed(2))}元`;
  if (template.kind === 'percent_off' && template.percentOff !== null) return `${Number(((100 - template.percentOff) / 10).toFixed(1))}折`;
  return template.giftName;
}

/** What one treated member costs the campaign budget: the coupon's face value (a percent-off's cap) and the points. */
function variantCostFen(variant: CampaignVariant, templates: Map<string, repo.TemplateFacts>): number {
  let cost = (variant.actions.points ?? 0) * POINT_COST_FEN;
  const templateId = variant.actions.couponTemplateId;
  if (templateId) {
    const template = templates.get(templateId);
    if (template?.kind === 'cash_off') cost += template.valueFen ?? 0;
    else if (template?.kind === 'percent_off') cost += template.capFen ?? 0;
  }
  return cost;
}

interface AudienceRow {
  member_id: string;
  trigger_ref: string | null;
  extra: Record<string, unknown> | null;
}

interface MemberFacts {
  member_id: string;
  nickname: string | null;
  consent: boolean;
  tier: string | null;
  points: number;
  expiring_points: number | null;
  expiring_at: Date | string | null;
  recommended: string | null;
  recent: number;
}

export function createCampaignsService(deps: ServiceDeps, modules: CampaignsModules) {
  const { db, clock } = deps;
  const messaging = messagingPort(modules.messaging);

  let stopping = false;
  let loop: Promise<void> | null = null;
  // the idle worker's wait, cut short by stopWorkers
  const idle = wakeableSleep();

  // ---- definitions ----

  async function existingCampaign(tx: Db, brandId: string, campaignId: string): Promise<repo.CampaignRow> {
    const row = await repo.findCampaign(tx, brandId, campaignId);
    if (!row) throw new AppError('CAMPAIGN_NOT_FOUND');
    return row;
  }

  /** Everything wrong with a definition: schema-level rules, then the segment, coupon templates and message contents. */
  async function checkDefinition(tx: Db, brandId: string, body: CreateCampaignBody, now: Date): Promise<void> {
    const problems = definitionProblems(body, now);
    if (problems.length) throw new AppError('CAMPAIGN_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems);
    if (body.segmentId && (await modules.analytics.steps.segmentSql(tx, brandId, body.segmentId, now)) === undefined) {
      throw new AppError('SEGMENT_NOT_FOUND', `Segment ${body.segmentId} not found`, [{ path: 'body/segmentId', message: 'not a segment of this brand' }]);
    }
    const templateIds = [...new Set(body.variants.flatMap((v) => (v.actions.couponTemplateId ? [v.actions.couponTemplateId] : [])))];
    const templates = await repo.couponTemplatesOf(tx, brandId, templateIds);
    body.variants.forEach((variant, i) => {
      const id = variant.actions.couponTemplateId;
      if (id && !templates.has(id)) {
        throw new AppError('COUPON_TEMPLATE_NOT_FOUND', `Coupon template ${id} not found`, [{ path: `body/variants/${i}/actions/couponTemplateId`, message: 'not a coupon template of this brand' }]);
      }
    });
    const messageProblems = body.variants.flatMap((variant, i) =>
      variant.actions.message ? messaging.validateContent(variant.actions.message).map((p) => ({ path: `body/variants/${i}/actions/message${p.path === '/' ? '' : p.path}`, message: p.message })) : [],
    );
    if (messageProblems.length) throw new AppError('MESSAGE_TEMPLATE_INVALID', messageProblems.map((p) => `${p.path}: ${p.message}`).join('; '), messageProblems);
  }

  function definitionColumns(body: CreateCampaignBody) {
    return {
      name: body.name,
      kind: body.kind,
      sendAt: body.sendAt ? new Date(body.sendAt) : null,
      cron: body.kind === 'scheduled' ? (body.cron ?? null) : null,
      trigger: body.kind === 'triggered' ? ((body.trigger ?? null) as Record<string, unknown> | null) : null,
      segmentId: body.segmentId ?? null,
      variants: body.variants as unknown[],
      holdoutPercent: body.holdoutPercent ?? 0,
      attributionDays: body.attributionDays ?? 7,
      channels: body.channels ?? null,
      marketing: body.marketing ?? true,
      budgetFen: body.budgetFen ?? null,
      startsAt: body.startsAt ? new Date(body.startsAt) : null,
      endsAt: body.endsAt ? new Date(body.endsAt) : null,
    };
  }

  async function settingsOf(tx: Db, brandId: string): Promise<CampaignSettings> {
    const row = await repo.findSettings(tx, brandId);
    return row ? { frequencyCapCount: row.frequencyCapCount, frequencyCapDays: row.frequencyCapDays } : { ...DEFAULT_CAP };
  }

  /** Starts a run now unless the campaign has one under this key; returns whether one was created. */
  async function startRun(tx: Db, campaign: repo.CampaignRow, runKey: string, at: Date): Promise<boolean> {
    const created = await repo.createRun(tx, { id: newId('campaignRun', at), brandId: campaign.brandId, campaignId: campaign.id, runKey, at });
    return created !== undefined;
  }

  // ---- audiences ----

  interface RunScope {
    campaign: repo.CampaignRow;
    timeZone: string;
    /** the run's reference time */
    at: Date;
    /** the saved segment's members, compiled for the run's reference time */
    segment: CompiledSegment | null;
  }

  async function scopeOf(tx: Db, campaign: repo.CampaignRow, at: Date): Promise<RunScope> {
    const { timeZone } = await repo.brandInfo(tx, campaign.brandId);
    let segment: CompiledSegment | null = null;
    if (campaign.segmentId) {
      const compiled = await modules.analytics.steps.segmentSql(tx, campaign.brandId, campaign.segmentId, at);
      if (compiled === undefined) throw new AppError('SEGMENT_NOT_FOUND');
      segment = compiled;
    }
    return { campaign, timeZone, at, segment };
  }

  /** The audience after `cursor` in member-id order, as SQL selecting member_id, trigger_ref, extra. */
  function audienceSql(scope: RunScope, cursor: string | null) {
    const { campaign, at, segment: compiled, timeZone } = scope;
    const brandId = campaign.brandId;
    const after = cursor ?? '';
    const segmentCheck = compiled ? sql`and exists (select 1 ${compiled.body} and ${compiled.memberId} = a.member_id)` : sql``;
    const trigger = campaign.trigger as CampaignTrigger | null;
    if (campaign.kind !== 'triggered' || !trigger) {
      if (compiled) {
        return sql`select a.member_id, null::text as trigger_ref, null::jsonb as extra
          from (select ${compiled.memberId} as member_id ${compiled.body} and ${compiled.memberId} > ${after}) a`;
      }
      return sql`select m.id as member_id, null::text as trigger_ref, null::jsonb as extra from members m where m.brand_id = ${brandId} and m.status = 'active' and m.id > ${after}`;
    }
    const occurrences = occurrencesSql(trigger, { brandId, timeZone, at, startsAt: campaign.startsAt ?? campaign.updatedAt });
    return sql`select a.member_id, a.trigger_ref, a.extra from (
        select distinct on (x.member_id) x.member_id, x.trigger_ref, x.extra
        from (${occurrences}) x
        where x.member_id > ${after}
          and not exists (select 1 from campaign_deliveries d where d.brand_id = ${brandId} and d.member_id = x.member_id
                          and d.campaign_id = ${campaign.id} and d.trigger_ref = x.trigger_ref)
        order by x.member_id, x.sort_at, x.trigger_ref) a
      join members m on m.brand_id = ${brandId} and m.id = a.member_id and m.status = 'active'
      where true ${segmentCheck}`;
  }

  async function audienceBatch(tx: Db, scope: RunScope, cursor: string | null, limit: number): Promise<AudienceRow[]> {
    return repo.rows<AudienceRow>(await tx.execute(sql`select * from (${audienceSql(scope, cursor)}) batch order by member_id limit ${limit}`));
  }

  async function audienceCount(tx: Db, scope: RunScope): Promise<number> {
    const [row] = repo.rows<{ n: number }>(await tx.execute(sql`select count(*)::int as n from (${audienceSql(scope, null)}) audience`));
    return row?.n ?? 0;
  }

  /** One query for what the batch needs per member: consent, cap count, and the message variables used. */
  async function batchFacts(tx: Db, scope: RunScope, memberIds: string[], needs: Set<string>, capDays: number, now: Date): Promise<Map<string, MemberFacts>> {
    const { campaign } = scope;
    const brandId = campaign.brandId;
    const ids = repo.textList(memberIds);
    const tier = needs.has('tier')
      ? sql`(select t.name from member_tiers mt join tiers t on t.brand_id = mt.brand_id
             and t.level = coalesce(case when mt.manual_until > ${now} then mt.manual_level end, mt.level)
             where mt.brand_id = ${brandId} and mt.member_id = m.id)`
      : sql`null::text`;
    const points = needs.has('points') ? sql`coalesce((select pa.balance from point_accounts pa where pa.brand_id = ${brandId} and pa.member_id = m.id), 0)` : sql`0`;
    const expiringWindow = new Date(now.getTime() + EXPIRING_POINTS_DAYS * 86_400_000);
    const expiring =
      needs.has('expiringPoints') || needs.has('expiringDate')
        ? sql`(select sum(l.remaining)::int from point_lots l where l.brand_id = ${brandId} and l.member_id = m.id and l.remaining > 0 and l.expires_at > ${now} and l.expires_at <= ${expiringWindow}) as expiring_points,
              (select min(l.expires_at) from point_lots l where l.brand_id = ${brandId} and l.member_id = m.id and l.remaining > 0 and l.expires_at > ${now} and l.expires_at <= ${expiringWindow}) as expiring_at`
        : sql`null::int as expiring_points, null::timestamptz as expiring_at`;
    const recommended = needs.has('recommendedItem')
      ? sql`(select coalesce((select oi.name from order_items oi where oi.brand_id = ${brandId} and oi.sku = r.items->0->>'sku' and oi.name is not null limit 1), r.items->0->>'sku')
             from recommendations r where r.brand_id = ${brandId} and r.member_id = m.id)`
      : sql`null::text`;
    const since = new Date(now.getTime() - capDays * 86_400_000);
    const recent = campaign.marketing
      ? sql`(select count(*)::int from campaign_deliveries d join campaigns c on c.id = d.campaign_id
             where d.brand_id = ${brandId} and d.member_id = m.id and d.status = 'queued' and d.decided_at > ${since} and c.marketing)`
      : sql`0`;
    const result = await tx.execute(sql`
      select m.id as member_id, m.nickname, m.marketing_consent as consent, ${tier} as tier, ${points} as points, ${expiring},
             ${recommended} as recommended, ${recent} as recent
      from members m where m.brand_id = ${brandId} and m.id in ${ids}`);
    return new Map(repo.rows<MemberFacts>(result).map((row) => [row.member_id, row]));
  }

  async function couponsFacts(tx: Db, brandId: string, couponIds: string[]) {
    if (couponIds.length === 0) return new Map<string, { name: string; value: string | null; validUntil: string }>();
    const result = repo.rows<{ id: string; name: string; kind: string; value_fen: number | null; percent_off: number | null; gift_name: string | null; valid_until: Date | string }>(
      await tx.execute(sql`select c.id, t.name, t.kind, t.value_fen, t.percent_off, t.gift_name, c.valid_until
        from coupons c join coupon_templates t on t.brand_id = c.brand_id and t.id = c.template_id
        where c.brand_id = ${brandId} and c.id in ${repo.textList(couponIds)}`),
    );
    return new Map(
      result.map((row) => [
        row.id,
        { name: row.name, value: couponValueText({ kind: row.kind, valueFen: row.value_fen, percentOff: row.percent_off, giftName: row.gift_name }), validUntil: new Date(row.valid_until).toISOString() },
      ]),
    );
  }

  // ---- deciding ----

  type BatchOutcome = { state: 'more'; decided: number } | { state: 'done'; decided: number } | { state: 'paused' };

  /**
   * Decides the next batch of a run in one transaction: the run row is locked and its cursor read under the
   * lock, so two workers on one run take turns and never decide the same members; the deliveries, the
   * actions, the outbox rows and the new cursor commit together or not at all.
   */
  async function decideBatch(runId: string, now: Date, batchSize: number): Promise<BatchOutcome> {
    return withTransaction(db, async (tx) => {
      const run = await repo.lockRun(tx, runId);
      if (!run || run.status !== 'deciding') return { state: 'done', decided: 0 };
      const campaign = await repo.lockCampaign(tx, run.brandId, run.campaignId);
      if (!campaign) {
        await repo.updateRun(tx, run.id, { status: 'failed', finishedAt: now, error: 'campaign not found' });
        return { state: 'done', decided: 0 };
      }
      if (campaign.status === 'paused' || campaign.status === 'draft') return { state: 'paused' };
      if (campaign.status === 'ended' || (campaign.endsAt && campaign.endsAt.getTime() <= now.getTime())) {
        await repo.updateRun(tx, run.id, { status: 'cancelled', finishedAt: now, heartbeatAt: now, summary: { ...(run.summary ?? {}), reason: 'campaign ended' } });
        return { state: 'done', decided: 0 };
      }
      const scope = await scopeOf(tx, campaign, run.startedAt);
      if (run.audienceCount === null) {
        const count = await audienceCount(tx, scope);
        await repo.updateRun(tx, run.id, { audienceCount: count });
      }
      const variants = campaign.variants as CampaignVariant[];
      if (campaign.marketing) {
        // marketing batches of one brand take turns, so two campaigns cannot both pass a member's frequency cap
        await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'campaigns.cap:' + campaign.brandId}))`);
      }
      const audience = await audienceBatch(tx, scope, run.cursor, batchSize);
      if (audience.length === 0) {
        await repo.updateRun(tx, run.id, { status: 'done', finishedAt: now, heartbeatAt: now });
        if (campaign.kind === 'one_off') await repo.setStatus(tx, campaign.brandId, campaign.id, ['active'], 'ended', now);
        return { state: 'done', decided: 0 };
      }

      const cap = await settingsOf(tx, campaign.brandId);
      const needs = variablesUsed(variants);
      const memberIds = audience.map((row) => row.member_id);
      const facts = await batchFacts(tx, scope, memberIds, needs, cap.frequencyCapDays, now);
      const templateIds = [...new Set(variants.flatMap((v) => (v.actions.couponTemplateId ? [v.actions.couponTemplateId] : [])))];
      const templates = await repo.couponTemplatesOf(tx, campaign.brandId, templateIds);
      const brand = needs.has('brand') ? await repo.brandInfo(tx, campaign.brandId) : { name: '' };
      const triggerCoupons = needs.has('coupon') || needs.has('couponValue') || needs.has('couponExpiresAt')
        ? await couponsFacts(tx, campaign.brandId, audience.flatMap((row) => (typeof row.extra?.couponId === 'string' ? [row.extra.couponId] : [])))
        : new Map();

      let budgetLeft = campaign.budgetFen === null ? Infinity : campaign.budgetFen - campaign.spentFen;
      let spent = 0;
      const deliveries: repo.DeliveryInsert[] = [];
      const messages: { index: number; message: CampaignMessage }[] = [];

      for (const row of audience) {
        const memberFacts = facts.get(row.member_id);
        const arm = assign(campaign.id, row.member_id, { holdoutPercent: campaign.holdoutPercent, variants });
        const delivery: repo.DeliveryInsert = {
          id: newId('campaignDelivery', now),
          memberId: row.member_id,
          variant: arm,
          status: 'queued',
          skipReason: null,
          triggerRef: row.trigger_ref,
          couponId: null,
          points: null,
          outboxId: null,
          decidedAt: now,
        };
        deliveries.push(delivery);
        const skip = (reason: string) => {
          delivery.status = 'skipped';
          delivery.skipReason = reason;
        };
        // eligibility is the same for every arm, so the control group stays comparable with the variants
        if (!memberFacts) {
          skip('member_not_found');
          continue;
        }
        if (campaign.marketing && !memberFacts.consent) {
          skip('no_consent');
          continue;
        }
        if (campaign.marketing && memberFacts.recent >= cap.frequencyCapCount) {
          skip('frequency_cap');
          continue;
        }
        if (arm === CONTROL) {
          delivery.status = 'held_out';
          continue;
        }
        const variant = variants.find((v) => v.key === arm)!;
        const cost = variantCostFen(variant, templates);
        if (cost > budgetLeft) {
          skip('budget');
          continue;
        }

        let coupon: { id: string; name: string; value: string | null; validUntil: string } | null = null;
        let pointsBalance: number | null = null;
        const { couponTemplateId, points } = variant.actions;
        if (couponTemplateId || points) {
          let step = 'coupon';
          try {
            await tx.transaction(async (savepoint) => {
              if (couponTemplateId) {
                const issued = await modules.coupons.steps.issue(savepoint, {
                  brandId: campaign.brandId,
                  templateId: couponTemplateId,
                  memberId: row.member_id,
                  via: 'campaign',
                  ref: delivery.id,
                  at: now,
                });
                coupon = {
                  id: issued.id,
                  name: issued.template.name,
                  value: couponValueText(issued.template),
                  validUntil: issued.validUntil,
                };
              }
              if (points) {
                step = 'points';
                const earned = await modules.points.steps.earn(savepoint, {
                  brandId: campaign.brandId,
                  memberId: row.member_id,
                  amount: points,
                  reason: `活动赠送：${campaign.name}`,
                  sourceType: 'campaign',
                  sourceId: delivery.id,
                  actor: { type: 'system', id: null },
                  at: now,
                  timeZone: scope.timeZone,
                });
                pointsBalance = earned.balance;
              }
            });
          } catch (error) {
            if (!isAppError(error)) throw error;
            // the savepoint took back whatever this member got; the budget was not spent
            coupon = null;
            skip(`${step}:${error.code.toLowerCase()}`);
            continue;
          }
        }
        budgetLeft -= cost;
        spent += cost;
        delivery.couponId = (coupon as { id: string } | null)?.id ?? null;
        delivery.points = points ?? null;

        if (variant.actions.message) {
          const given = coupon as { name: string; value: string | null; validUntil: string } | null;
          const expiring = row.extra && typeof row.extra.expiringPoints === 'number' ? row.extra : null;
          const triggerCoupon = typeof row.extra?.couponId === 'string' ? triggerCoupons.get(row.extra.couponId) : undefined;
          const shown = given ?? triggerCoupon ?? null;
          const expiringAt = expiring ? expiring.expiringDate : memberFacts.expiring_at;
          const variables: Record<string, string | number | null> = {
            name: memberFacts.nickname ?? '会员',
            brand: brand.name,
            tier: memberFacts.tier,
            points: pointsBalance ?? Number(memberFacts.points ?? 0),
            expiringPoints: expiring ? (expiring.expiringPoints as number) : (memberFacts.expiring_points ?? 0),
            expiringDate: expiringAt ? new Date(expiringAt as string).toISOString() : null,
            coupon: shown?.name ?? null,
            couponValue: shown?.value ?? null,
            couponExpiresAt: shown?.validUntil ?? null,
            recommendedItem: memberFacts.recommended,
          };
          messages.push({
            index: deliveries.length - 1,
            message: {
              brandId: campaign.brandId,
              memberId: row.member_id,
              source: 'campaign',
              sourceRef: delivery.id,
              marketing: campaign.marketing,
              content: variant.actions.message,
              variables: Object.fromEntries([...needs].filter((name) => name in variables).map((name) => [name, variables[name]!])),
              channels: (campaign.channels as CampaignMessage['channels']) ?? null,
              notBefore: now,
            },
          });
        }
      }

      if (spent > 0 && !(await repo.spendBudget(tx, campaign.brandId, campaign.id, spent))) {
        // the campaign row is locked by this transaction: the budget cannot have moved under us
        throw new Error('campaign budget changed under the campaign lock');
      }
      const outboxIds = await messaging.enqueue(tx, messages.map((m) => m.message));
      messages.forEach((m, i) => {
        deliveries[m.index]!.outboxId = outboxIds[i]!;
      });
      await repo.insertDeliveries(tx, campaign.brandId, campaign.id, run.id, deliveries);
      await repo.updateRun(tx, run.id, {
        cursor: memberIds[memberIds.length - 1]!,
        decidedCount: run.decidedCount + deliveries.length,
        heartbeatAt: now,
        error: null,
      });
      return { state: 'more', decided: deliveries.length };
    });
  }

  /** Works one claimed run until it is done, paused or keeps failing. */
  async function workRun(runId: string, nowOf: () => Date, batchSize: number, maxBatches: number): Promise<number> {
    let decided = 0;
    let failures = 0;
    let batches = 0;
    // a stopping worker leaves the run after the batch in progress; its heartbeat goes stale and a worker takes it up
    while (!stopping && batches++ < maxBatches) {
      try {
        const outcome = await decideBatch(runId, nowOf(), batchSize);
        failures = 0;
        if (outcome.state !== 'more') return decided + (outcome.state === 'done' ? outcome.decided : 0);
        decided += outcome.decided;
      } catch (error) {
        failures++;
        const message = String((error as Error).stack ?? error).slice(0, 4000);
        const failed = failures >= MAX_BATCH_FAILURES;
        await db.transaction(async (tx) =>
          repo.updateRun(tx, runId, failed ? { status: 'failed', error: message, finishedAt: nowOf() } : { error: message }),
        );
        if (failed) return decided;
        await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** failures));
      }
    }
    return decided;
  }

  /**
   * Takes runs that are deciding and that nobody holds, one after another, and decides them to the end.
   * `now` pins the time (tests); the workers pass nothing and read the clock per batch. `maxBatches` leaves a run
   * after that many batches, still deciding and held (its heartbeat fresh): what a crashed worker leaves (tests).
   */
  async function runDue(options: { now?: Date; batchSize?: number; maxRuns?: number; maxBatches?: number } = {}): Promise<{ runs: number; decided: number }> {
    const nowOf = () => options.now ?? clock.now();
    const worked: string[] = [];
    let decided = 0;
    while (worked.length < (options.maxRuns ?? Infinity)) {
      const now = nowOf();
      const run = await withTransaction(db, (tx) => repo.claimRun(tx, now, new Date(now.getTime() - STALE_RUN_MS), worked));
      if (!run) break;
      worked.push(run.id);
      decided += await workRun(run.id, nowOf, options.batchSize ?? BATCH_SIZE, options.maxBatches ?? Infinity);
    }
    return { runs: worked.length, decided };
  }

  // ---- scheduling ----

  /**
   * The minute's scheduling (job `campaigns.tick`): ends campaigns past their end, starts the runs that are due —
   * one-offs at their send time, cron campaigns on matching minutes in the brand time zone, daily trigger scans
   * once per brand-local day at their hour, event trigger scans whenever there are new occurrences. Run keys
   * make a repeated tick (another replica, a resumed job) create nothing twice.
   */
  async function tick(scheduledFor: Date): Promise<{ created: number; ended: number }> {
    const minute = new Date(Math.floor(scheduledFor.getTime() / 60_000) * 60_000);
    let created = 0;
    let ended = 0;
    for (const campaign of await repo.activeCampaigns(db)) {
      try {
        await withTransaction(db, async (tx) => {
          if (campaign.endsAt && campaign.endsAt.getTime() <= minute.getTime()) {
            if (await endCampaign(tx, campaign, minute)) ended++;
            return;
          }
          if (campaign.startsAt && campaign.startsAt.getTime() > minute.getTime()) return;
          if (campaign.kind === 'one_off') {
            if (!campaign.sendAt || campaign.sendAt.getTime() <= minute.getTime()) created += Number(await startRun(tx, campaign, 'once', minute));
            return;
          }
          if (campaign.kind === 'scheduled') {
            if (campaign.cron && cronMatches(parseCron(campaign.cron), minute, campaign.timeZone)) created += Number(await startRun(tx, campaign, `cron:${minute.toISOString()}`, minute));
            return;
          }
          const trigger = campaign.trigger as CampaignTrigger | null;
          if (!trigger) return;
          if (isDailyTrigger(trigger.type)) {
            const day = localDay(minute, campaign.timeZone);
            if (localHour(minute, campaign.timeZone) >= (trigger.hour ?? DEFAULT_TRIGGER_HOUR) && !(await repo.hasRun(tx, campaign.id, `day:${day}`))) {
              created += Number(await startRun(tx, campaign, `day:${day}`, minute));
            }
            return;
          }
          // event triggers: a scan run when something new happened and the previous scan is finished
          if (await repo.hasOpenRun(tx, campaign.id)) return;
          const scope = await scopeOf(tx, campaign, minute);
          const [any] = repo.rows(await tx.execute(sql`select 1 from (${audienceSql(scope, null)}) audience limit 1`));
          if (any) created += Number(await startRun(tx, campaign, `scan:${minute.toISOString()}`, minute));
        });
      } catch (error) {
        // one broken campaign (a deleted segment …) must not stop the others' schedules
        if (!isAppError(error)) throw error;
      }
    }
    return { created, ended };
  }

  async function endCampaign(tx: Db, campaign: repo.CampaignRow, at: Date): Promise<boolean> {
    const row = await repo.setStatus(tx, campaign.brandId, campaign.id, ['draft', 'active', 'paused'], 'ended', at);
    if (!row) return false;
    await tx.execute(sql`update campaign_runs set status = 'cancelled', finished_at = ${at}, summary = coalesce(summary, '{}'::jsonb) || '{"reason":"campaign ended"}'::jsonb
      where brand_id = ${campaign.brandId} and campaign_id = ${campaign.id} and status = 'deciding'`);
    return true;
  }

  // ---- runs and reports (API shapes) ----

  async function runsView(brandId: string, list: repo.RunRow[]): Promise<CampaignRun[]> {
    const counts = await repo.deliveryCounts(db, brandId, list.map((run) => run.id));
    return list.map((run) => {
      const mine = counts.filter((c) => c.run_id === run.id);
      const sum = (status: string) => mine.filter((c) => c.status === status).reduce((total, c) => total + c.n, 0);
      const skipReasons: Record<string, number> = {};
      for (const c of mine) if (c.status === 'skipped' && c.skip_reason) skipReasons[c.skip_reason] = (skipReasons[c.skip_reason] ?? 0) + c.n;
      return {
        id: run.id,
        campaignId: run.campaignId,
        runKey: run.runKey,
        status: run.status,
        audienceCount: run.audienceCount,
        decidedCount: run.decidedCount,
        counts: { queued: sum('queued'), heldOut: sum('held_out'), skipped: sum('skipped') },
        skipReasons,
        startedAt: run.startedAt.toISOString(),
        heartbeatAt: run.heartbeatAt.toISOString(),
        finishedAt: iso(run.finishedAt),
        error: run.error,
      };
    });
  }

  return {
    steps: {},

    // ---- operators ----

    async create(context: StaffContext, body: CreateCampaignBody, key: IdempotencyKey | null): Promise<Campaign> {
      requireOffice(context);
      const now = clock.now();
      await checkDefinition(db, context.brandId, body, now);
      return runOnce(
        db,
        key,
        async (tx) => {
          const row = await repo.insertCampaign(tx, {
            id: newId('campaign', now),
            brandId: context.brandId,
            ...definitionColumns(body),
            status: 'draft',
            createdBy: context.actor.staffId,
            createdAt: now,
            updatedAt: now,
          });
          await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'campaign.created', targetType: 'campaign', targetId: row.id, data: { name: body.name, kind: body.kind }, at: now });
          return toCampaign(row);
        },
        now,
      );
    },

    async list(context: StaffContext, query: CampaignListQuery): Promise<CampaignPage> {
      requireOffice(context);
      const { items, total } = await repo.listCampaigns(db, context.brandId, { status: query.status, kind: query.kind }, query.limit ?? 50, query.offset ?? 0);
      return { items: items.map(toCampaign), total };
    },

    async get(context: StaffContext, campaignId: string): Promise<Campaign> {
      requireOffice(context);
      return toCampaign(await existingCampaign(db, context.brandId, campaignId));
    },

    /** Replaces the definition of a draft or paused campaign. */
    async update(context: StaffContext, campaignId: string, body: CreateCampaignBody): Promise<Campaign> {
      requireOffice(context);
      const now = clock.now();
      const current = await existingCampaign(db, context.brandId, campaignId);
      if (current.status !== 'draft' && current.status !== 'paused') throw new AppError('CAMPAIGN_NOT_EDITABLE', `A campaign that is ${current.status} cannot be changed; pause it first`);
      if (current.status === 'paused' && body.kind !== current.kind) {
        throw new AppError('CAMPAIGN_NOT_EDITABLE', 'The kind of a campaign that has run cannot change', [{ path: 'body/kind', message: `stays ${current.kind}` }]);
      }
      await checkDefinition(db, context.brandId, body, now);
      return withTransaction(db, async (tx) => {
        const row = await repo.updateDefinition(tx, context.brandId, campaignId, { ...definitionColumns(body), updatedAt: now }, ['draft', 'paused']);
        if (!row) throw new AppError('CAMPAIGN_NOT_EDITABLE');
        if (current.status === 'paused' && current.budgetFen !== null && row.budgetFen !== null && row.budgetFen < row.spentFen) {
          validationFailed([{ path: 'body/budgetFen', message: `cannot be below the ${row.spentFen} fen already spent` }]);
        }
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'campaign.updated', targetType: 'campaign', targetId: campaignId, data: { name: body.name }, at: now });
        return toCampaign(row);
      });
    },

    /** draft or paused → active. A one-off without a send time (or one already past) starts its run at once. */
    async activate(context: StaffContext, campaignId: string): Promise<Campaign> {
      requireOffice(context);
      const now = clock.now();
      const current = await existingCampaign(db, context.brandId, campaignId);
      if (current.status !== 'draft' && current.status !== 'paused') throw new AppError('CAMPAIGN_STATUS_INVALID', `A campaign that is ${current.status} cannot be activated`);
      if (current.endsAt && current.endsAt.getTime() <= now.getTime()) {
        throw new AppError('CAMPAIGN_INVALID', 'The campaign has passed its end date', [{ path: 'body/endsAt', message: 'in the past' }]);
      }
      // what it points at (segment, coupon templates) may have gone since it was saved
      await checkDefinition(db, context.brandId, { ...toCampaign(current), endsAt: null } as CreateCampaignBody, now);
      return withTransaction(db, async (tx) => {
        // event triggers look at what happens from activation on, not at the brand's whole history
        const startsAt = current.startsAt ?? (current.kind === 'triggered' ? now : null);
        const row = await repo.setStatus(tx, context.brandId, campaignId, ['draft', 'paused'], 'active', now, { startsAt });
        if (!row) throw new AppError('CAMPAIGN_STATUS_INVALID');
        if (row.kind === 'one_off' && (!row.sendAt || row.sendAt.getTime() <= now.getTime()) && (!row.startsAt || row.startsAt.getTime() <= now.getTime())) {
          await startRun(tx, row, 'once', now);
        }
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'campaign.activated', targetType: 'campaign', targetId: campaignId, data: {}, at: now });
        return toCampaign(row);
      });
    },

    /** active → paused: runs stop after the batch in progress and resume on activation. */
    async pause(context: StaffContext, campaignId: string): Promise<Campaign> {
      requireOffice(context);
      const now = clock.now();
      await existingCampaign(db, context.brandId, campaignId);
      return withTransaction(db, async (tx) => {
        const row = await repo.setStatus(tx, context.brandId, campaignId, ['active'], 'paused', now);
        if (!row) throw new AppError('CAMPAIGN_STATUS_INVALID', 'Only an active campaign can be paused');
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'campaign.paused', targetType: 'campaign', targetId: campaignId, data: {}, at: now });
        return toCampaign(row);
      });
    },

    /** → ended, for good: runs still deciding are cancelled (what was decided stays, and is reported). */
    async end(context: StaffContext, campaignId: string): Promise<Campaign> {
      requireOffice(context);
      const now = clock.now();
      const current = await existingCampaign(db, context.brandId, campaignId);
      return withTransaction(db, async (tx) => {
        if (!(await endCampaign(tx, current, now))) throw new AppError('CAMPAIGN_STATUS_INVALID', 'The campaign has already ended');
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'campaign.ended', targetType: 'campaign', targetId: campaignId, data: {}, at: now });
        return toCampaign((await repo.findCampaign(tx, context.brandId, campaignId))!);
      });
    },

    async runs(context: StaffContext, campaignId: string): Promise<CampaignRunList> {
      requireOffice(context);
      await existingCampaign(db, context.brandId, campaignId);
      return { items: await runsView(context.brandId, await repo.listRuns(db, context.brandId, campaignId, 200)) };
    },

    async run(context: StaffContext, campaignId: string, runId: string): Promise<CampaignRun> {
      requireOffice(context);
      await existingCampaign(db, context.brandId, campaignId);
      const run = await repo.findRun(db, context.brandId, campaignId, runId);
      if (!run) throw new AppError('CAMPAIGN_RUN_NOT_FOUND');
      return (await runsView(context.brandId, [run]))[0]!;
    },

    async report(context: StaffContext, campaignId: string): Promise<CampaignReport> {
      requireOffice(context);
      const campaign = await existingCampaign(db, context.brandId, campaignId);
      return buildReport(db, campaign, clock.now());
    },

    async getSettings(context: StaffContext): Promise<CampaignSettings> {
      requireOffice(context);
      return settingsOf(db, context.brandId);
    },

    async putSettings(context: StaffContext, body: UpdateCampaignSettingsBody): Promise<CampaignSettings> {
      requireOffice(context);
      const now = clock.now();
      return withTransaction(db, async (tx) => {
        const current = await settingsOf(tx, context.brandId);
        const row = await repo.upsertSettings(tx, { brandId: context.brandId, ...current, ...body }, now);
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'campaign_settings.updated', targetType: 'campaign_settings', targetId: context.brandId, data: { ...body }, at: now });
        return { frequencyCapCount: row.frequencyCapCount, frequencyCapDays: row.frequencyCapDays };
      });
    },

    // ---- workers, jobs, tests ----

    tick,
    runDue,

    /**
     * Starts the background loop of this module in this process (main.ts, when jobs are enabled). `idleMs`: how
     * long it waits when no run is due (default one second; tests).
     */
    startWorkers(overrides: { idleMs?: number } = {}): void {
      if (loop) return;
      stopping = false;
      const idleMs = overrides.idleMs ?? WORKER_IDLE_MS;
      loop = (async () => {
        while (!stopping) {
          let worked = 0;
          try {
            worked = (await runDue({ maxRuns: 1 })).runs;
          } catch {
            // the database is unreachable or a claim failed: try again shortly
          }
          if (worked === 0 && !stopping) await idle.sleep(idleMs);
        }
      })();
    },

    /** Stops it (waking it if idle) and waits for the batch in progress. */
    async stopWorkers(): Promise<void> {
      stopping = true;
      idle.wakeAll();
      await loop;
      loop = null;
      stopping = false;
    },
  };
}

