/**
 * The outbox sender: claims due rows with row locks, applies the guards (consent, quiet hours), walks each
 * message's channel order (WeChat subscribe message → SMS → inbox by default) and writes every development-channel
 * effect, acceptance change and outbox status of one batch in one transaction.
 */
import { newId, type DeliveryReceipt, type MessageChannelName, type MessageContent } from '@memberloop/shared';
import type { Db } from '../../db/client';
import { withTransaction, type Tx } from '../../db/transaction';
import { WECHAT_ERRCODES, WechatApiError, type WechatClient } from '../wechat';
import * as repo from './messaging.repository';
import { DEFAULT_QUIET_END, DEFAULT_QUIET_START, quietHoursEnd } from './quiet-hours';
import { renderText, renderWechat, type MessageVariables } from './render';
import { SmsSendError, type SmsProvider } from './sms-provider';

export const DEFAULT_CHANNEL_ORDER: readonly MessageChannelName[] = ['wechat', 'sms', 'inbox'];

export interface SenderOptions {
  /** the mini-program whose openids subscribe messages go to */
  appId: string;
  smsProviders: ReadonlyMap<string, SmsProvider>;
  /** the provider of brands whose settings name none */
  defaultSmsProvider: string;
  /** attempts (sends that failed for a transient reason count) before a row is dead */
  maxAttempts: number;
  /** first retry after this long, doubling each time, at most backoffMaxMs */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** WeChat (and real SMS) calls in flight at once per batch */
  callConcurrency: number;
}

export interface SendSummary {
  claimed: number;
  sent: number;
  suppressed: number;
  deferred: number;
  retried: number;
  /** not tried this time because their channel kept failing in the batch; not counted as attempts */
  postponed: number;
  dead: number;
  byChannel: Record<MessageChannelName, number>;
}

export const emptySummary = (): SendSummary => ({ claimed: 0, sent: 0, suppressed: 0, deferred: 0, retried: 0, postponed: 0, dead: 0, byChannel: { wechat: 0, sms: 0, inbox: 0 } });

/** WeChat answers worth trying again later: busy, rate limited, token trouble, no answer. */
const TRANSIENT_WECHAT_ERRCODES = new Set<number>([WECHAT_ERRCODES.BUSY, 45009, 45011, 40001, 42001, 40014]);

export function isTransientWechatError(error: unknown): boolean {
  if (!(error instanceof WechatApiError)) return true;
  return error.errcode === null || TRANSIENT_WECHAT_ERRCODES.has(error.errcode);
}

/** When attempt number `attempts` (1-based, just failed) is retried. */
export function backoffMs(attempts: number, options: Pick<SenderOptions, 'backoffBaseMs' | 'backoffMaxMs'>): number {
  return Math.min(options.backoffBaseMs * 2 ** Math.max(0, attempts - 1), options.backoffMaxMs);
}

interface Brand {
  timeZone: string;
  quietStart: string;
  quietEnd: string;
  channelOrder: MessageChannelName[];
  smsProvider: string;
}

type Outcome =
  | { kind: 'sent'; channel: MessageChannelName }
  | { kind: 'suppressed'; reason: string }
  | { kind: 'deferred'; until: Date }
  | { kind: 'retry'; error: string }
  /** not tried (a channel is failing for the whole batch): again at `until`, not counted as an attempt */
  | { kind: 'postponed'; until: Date; error: string };

/** Transient WeChat failures in one batch after which its remaining WeChat sends wait for a later batch. */
export const WECHAT_FAILURES_PER_BATCH = 5;

/** What one batch writes when it commits. */
interface BatchEffects {
  inbox: repo.InboxInsert[];
  sms: repo.SmsInsert[];
  acceptances: Map<string, { brand_id: string; member_id: string; template_id: string; used: number; zero: boolean }>;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function eachLimit<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(lanes);
}

export function fallbackOrder(rowChannels: string[] | null, brandOrder: readonly MessageChannelName[]): MessageChannelName[] {
  const order = (rowChannels && rowChannels.length > 0 ? rowChannels : brandOrder).filter((c): c is MessageChannelName => c === 'wechat' || c === 'sms' || c === 'inbox');
  // the inbox is always there as the channel of last resort
  return order.includes('inbox') ? order : [...order, 'inbox'];
}

export function createSender(db: Db, wechat: WechatClient, options: SenderOptions) {
  async function loadBrands(tx: Tx, brandIds: string[]): Promise<Map<string, Brand>> {
    const rows = await repo.brandContexts(tx, brandIds);
    return new Map(
      rows.map((row) => [
        row.brand_id,
        {
          timeZone: row.time_zone,
          quietStart: row.quiet_start ?? DEFAULT_QUIET_START,
          quietEnd: row.quiet_end ?? DEFAULT_QUIET_END,
          channelOrder: (row.channel_order as MessageChannelName[] | null) ?? [...DEFAULT_CHANNEL_ORDER],
          smsProvider: row.sms_provider ?? options.defaultSmsProvider,
        },
      ]),
    );
  }

  /** Sends one claimed batch and commits its outcome; the caller's rows stay locked until then. */
  async function sendBatch(now: Date, limit: number): Promise<SendSummary> {
    // no automatic rerun: a rerun would repeat WeChat calls that already went out
    return withTransaction(db, async (tx) => {
      const summary = emptySummary();
      const rows = await repo.claimDue(tx, now, limit);
      summary.claimed = rows.length;
      if (rows.length === 0) return summary;

      const brands = await loadBrands(tx, [...new Set(rows.map((row) => row.brand_id))]);
      const members = new Map<string, repo.MemberContext>();
      const remaining = new Map<string, number>();
      const byBrand = new Map<string, repo.ClaimedRow[]>();
      for (const row of rows) byBrand.set(row.brand_id, [...(byBrand.get(row.brand_id) ?? []), row]);
      for (const [brandId, brandRows] of byBrand) {
        const memberIds = [...new Set(brandRows.map((row) => row.member_id))];
        const wechatMemberIds = [...new Set(brandRows.filter((row) => row.content.wechat).map((row) => row.member_id))];
        for (const member of await repo.memberContexts(tx, brandId, memberIds, options.appId, wechatMemberIds.length > 0)) {
          members.set(`${brandId}\n${member.id}`, member);
        }
        for (const acceptance of await repo.remainingAcceptances(tx, brandId, wechatMemberIds)) {
          remaining.set(`${brandId}\n${acceptance.member_id}\n${acceptance.template_id}`, acceptance.remaining);
        }
      }

      const effects: BatchEffects = { inbox: [], sms: [], acceptances: new Map() };
      const updates: repo.OutboxUpdate[] = [];
      const at = now.toISOString();

      const wechatTrouble = { failures: 0, last: '' };
      /** when each brand's quiet hours end, if `now` is inside them (one time-zone conversion per brand and batch) */
      const quietUntil = new Map<string, Date | null>();
      const acceptance = (brandId: string, memberId: string, templateId: string) => {
        const key = `${brandId}\n${memberId}\n${templateId}`;
        let change = effects.acceptances.get(key);
        if (!change) effects.acceptances.set(key, (change = { brand_id: brandId, member_id: memberId, template_id: templateId, used: 0, zero: false }));
        return { key, change };
      };

      async function deliver(row: repo.ClaimedRow): Promise<{ outcome: Outcome; receipts: DeliveryReceipt[] }> {
        const receipts: DeliveryReceipt[] = [];
        const brand = brands.get(row.brand_id);
        const member = members.get(`${row.brand_id}\n${row.member_id}`);
        if (!brand || !member) return { outcome: { kind: 'suppressed', reason: 'member not found' }, receipts };
        if (member.status !== 'active') return { outcome: { kind: 'suppressed', reason: `member ${member.status}` }, receipts };
        if (row.marketing && !member.marketing_consent) return { outcome: { kind: 'suppressed', reason: 'no marketing consent' }, receipts };
        if (row.marketing || row.source === 'campaign') {
          if (!quietUntil.has(row.brand_id)) quietUntil.set(row.brand_id, quietHoursEnd(now, { start: brand.quietStart, end: brand.quietEnd, timeZone: brand.timeZone }));
          const until = quietUntil.get(row.brand_id);
          if (until) return { outcome: { kind: 'deferred', until }, receipts };
        }

        const content = row.content as MessageContent;
        const variables = row.variables as MessageVariables;
        const render = { timeZone: brand.timeZone };
        for (const channel of fallbackOrder(row.channels, brand.channelOrder)) {
          if (channel === 'wechat') {
            if (!content.wechat) continue;
            const skip = (reason: string) => receipts.push({ at, channel, outcome: 'skipped', reason });
            if (!member.openid) {
              skip('no WeChat openid');
              continue;
            }
            const { key, change } = acceptance(row.brand_id, row.member_id, content.wechat.templateId);
            const left = remaining.get(key) ?? 0;
            if (left <= 0) {
              skip('no subscribe acceptance left');
              continue;
            }
            const rendered = renderWechat(content.wechat, variables, render);
            if (!rendered.ok) {
              skip(rendered.reason);
              continue;
            }
            if (wechatTrouble.failures >= WECHAT_FAILURES_PER_BATCH) {
              // WeChat keeps failing in this batch: do not hold the batch's locks through more timeouts
              receipts.push({ at, channel, outcome: 'skipped', reason: 'WeChat failing in this batch; not tried' });
              return { outcome: { kind: 'postponed', until: new Date(now.getTime() + options.backoffBaseMs), error: `wechat: ${wechatTrouble.last}` }, receipts };
            }
            // reserve the acceptance before the call, so a second message of this batch cannot use it too
            remaining.set(key, left - 1);
            try {
              const { msgid } = await wechat.sendSubscribeMessage({ touser: member.openid, templateId: rendered.templateId, page: rendered.page, data: rendered.data });
              change.used += 1;
              receipts.push({ at, channel, outcome: 'sent', ...(msgid ? { msgid } : {}), ...(rendered.truncated.length ? { reason: `shortened ${rendered.truncated.join(', ')}` } : {}) });
              return { outcome: { kind: 'sent', channel }, receipts };
            } catch (error) {
              const errcode = error instanceof WechatApiError ? error.errcode : null;
              const message = error instanceof Error ? error.message : String(error);
              receipts.push({ at, channel, outcome: 'failed', reason: message.slice(0, 200), ...(errcode !== null ? { errcode } : {}) });
              if (errcode === WECHAT_ERRCODES.NO_SUBSCRIPTION_QUOTA) {
                // WeChat says no acceptance is left: trust it, and move on without retrying WeChat
                remaining.set(key, 0);
                change.zero = true;
                continue;
              }
              remaining.set(key, (remaining.get(key) ?? 0) + 1);
              if (isTransientWechatError(error)) {
                wechatTrouble.failures++;
                wechatTrouble.last = message;
                return { outcome: { kind: 'retry', error: `wechat: ${message}` }, receipts };
              }
              // a refusal of this message (bad openid, template, data, page): the next channel may still carry it
              continue;
            }
          }

          if (channel === 'sms') {
            if (!content.sms) continue;
            const skip = (reason: string) => receipts.push({ at, channel, outcome: 'skipped', reason });
            if (!member.phone) {
              skip('no bound phone');
              continue;
            }
            const provider = options.smsProviders.get(brand.smsProvider);
            if (!provider) {
              skip(`SMS provider "${brand.smsProvider}" is not configured on this server`);
              continue;
            }
            const text = renderText(content.sms.text, variables, render).trim();
            if (!text) {
              skip('empty after rendering');
              continue;
            }
            try {
              const { providerMessageId } = await provider.send({ phone: member.phone, text });
              effects.sms.push({
                id: newId('smsMessage', now),
                brand_id: row.brand_id,
                member_id: row.member_id,
                outbox_id: row.id,
                provider: provider.name,
                phone: member.phone,
                text,
                provider_message_id: providerMessageId,
                created_at: at,
              });
              receipts.push({ at, channel, outcome: 'sent', providerMessageId });
              return { outcome: { kind: 'sent', channel }, receipts };
            } catch (error) {
              const message = error instanceof Error ? error.message : String(error);
              receipts.push({ at, channel, outcome: 'failed', reason: message.slice(0, 200) });
              if (!(error instanceof SmsSendError) || error.transient) return { outcome: { kind: 'retry', error: `sms: ${message}` }, receipts };
              continue;
            }
          }

          if (channel === 'inbox') {
            effects.inbox.push({
              id: newId('inboxMessage', now),
              brand_id: row.brand_id,
              member_id: row.member_id,
              outbox_id: row.id,
              title: renderText(content.inbox.title, variables, render),
              body: renderText(content.inbox.body, variables, render),
              link: content.inbox.link ? renderText(content.inbox.link, variables, render) : null,
              created_at: at,
            });
            receipts.push({ at, channel, outcome: 'sent' });
            return { outcome: { kind: 'sent', channel }, receipts };
          }
        }
        return { outcome: { kind: 'suppressed', reason: 'no usable channel' }, receipts };
      }

      await eachLimit(rows, options.callConcurrency, async (row) => {
        let result: { outcome: Outcome; receipts: DeliveryReceipt[] };
        try {
          result = await deliver(row);
        } catch (error) {
          result = { outcome: { kind: 'retry', error: error instanceof Error ? error.message : String(error) }, receipts: [{ at, channel: null, outcome: 'failed', reason: String(error).slice(0, 200) }] };
        }
        const { outcome, receipts } = result;
        const base = { id: row.id, brand_id: row.brand_id, channel: null, sent_at: null, last_error: null, next_attempt_at: at, attempts: row.attempts, receipt: receipts };
        switch (outcome.kind) {
          case 'sent':
            summary.sent++;
            summary.byChannel[outcome.channel]++;
            updates.push({ ...base, status: 'sent', channel: outcome.channel, sent_at: at, attempts: row.attempts + 1 });
            break;
          case 'suppressed':
            summary.suppressed++;
            updates.push({ ...base, status: 'suppressed', last_error: outcome.reason, receipt: [...receipts, { at, channel: null, outcome: 'suppressed', reason: outcome.reason }] });
            break;
          case 'deferred':
            summary.deferred++;
            updates.push({ ...base, status: 'pending', next_attempt_at: outcome.until.toISOString(), receipt: [{ at, channel: null, outcome: 'deferred', reason: `quiet hours until ${outcome.until.toISOString()}` }] });
            break;
          case 'postponed':
            summary.postponed++;
            updates.push({ ...base, status: 'pending', next_attempt_at: outcome.until.toISOString(), last_error: outcome.error.slice(0, 500) });
            break;
          case 'retry': {
            const attempts = row.attempts + 1;
            if (attempts >= options.maxAttempts) {
              summary.dead++;
              updates.push({ ...base, status: 'dead', attempts, last_error: outcome.error.slice(0, 500), receipt: [...receipts, { at, channel: null, outcome: 'dead', reason: `gave up after ${attempts} attempts` }] });
            } else {
              summary.retried++;
              const next = new Date(now.getTime() + backoffMs(attempts, options)).toISOString();
              updates.push({ ...base, status: 'pending', attempts, next_attempt_at: next, last_error: outcome.error.slice(0, 500) });
            }
            break;
          }
        }
      });

      await repo.insertInbox(tx, effects.inbox);
      await repo.insertSms(tx, effects.sms);
      await repo.spendAcceptances(tx, [...effects.acceptances.values()].filter((change) => change.used > 0 || change.zero), now);
      await repo.updateOutbox(tx, updates, now);
      return summary;
    }, { retries: 0 });
  }

  return { sendBatch };
}
