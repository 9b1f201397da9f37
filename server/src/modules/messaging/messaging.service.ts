import {
  newId,
  type InboxMessage,
  type InboxPage,
  type InboxQuery,
  type InboxReadAllResult,
  type MessageChannelName,
  type MessageContent,
  type MessageSubscriptionList,
  type MessagingSettings,
  type OutboxEntry,
  type OutboxPage,
  type OutboxQuery,
  type ReportSubscriptionsBody,
  type UpdateMessagingSettingsBody,
} from '@memberloop/shared';
import pino from 'pino';
import type { Db } from '../../db/client';
import { isUniqueViolation, sqlState, withTransaction } from '../../db/transaction';
import type { ServiceDeps } from '../../deps';
import { requireOffice, type MemberContext, type StaffContext } from '../../http/auth';
import { AppError, validationFailed } from '../../http/errors';
import { loggerOptions } from '../../http/log-redaction';
import * as repo from './messaging.repository';
import { DEFAULT_QUIET_END, DEFAULT_QUIET_START } from './quiet-hours';
import { validateContent, type ContentProblem } from './render';
import { createSender, DEFAULT_CHANNEL_ORDER, emptySummary, type SendSummary } from './sender';
import { smsProviderRegistry, type SmsProvider } from './sms-provider';
import { wakeableSleep } from '../../jobs/wakeable-sleep';

/** One message for one member, as the campaigns module (or any module) hands it over. */
export interface EnqueueMessage {
  brandId: string;
  memberId: string;
  /** 'campaign' (sourceRef = the campaign delivery id) or 'system' */
  source: 'campaign' | 'system';
  /** makes the enqueue idempotent: a second message with the same (brand, source, sourceRef) is not added */
  sourceRef?: string | null;
  /** marketing messages need the member's marketing consent at send time and wait out quiet hours */
  marketing: boolean;
  content: MessageContent;
  /** values fixed when the message was decided; {{name}} renders variables.name; null renders as nothing */
  variables: Record<string, string | number | null>;
  /** fallback order for this message; null/absent = the brand's channel order. The inbox is always tried last. */
  channels?: MessageChannelName[] | null;
  /** not sent before this instant */
  notBefore: Date;
}

/**
 * Overrides of the settings the service otherwise takes from `config.messaging` (the MESSAGING_* variables);
 * tests and benchmarks pass them, the app passes none.
 */
export interface MessagingOptions {
  /** SMS providers by name besides the built-in ones ('dev'); a brand's settings choose one */
  smsProviders?: Record<string, SmsProvider>;
  /** the provider of brands whose settings name none (MESSAGING_SMS_PROVIDER); must be a known provider */
  smsProvider?: string;
  /** rows claimed per transaction */
  batchSize?: number;
  /** how long an idle worker waits before looking for due rows again */
  pollIntervalMs?: number;
  /** sender loops per process */
  workers?: number;
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** WeChat / real SMS calls in flight at once per batch */
  callConcurrency?: number;
  logger?: Pick<pino.Logger, 'info' | 'warn' | 'error'>;
}

/** The settings' defaults, which are also the defaults of the MESSAGING_* variables (config.ts; a test keeps them equal). */
export const MESSAGING_DEFAULTS = {
  batchSize: 1000,
  pollIntervalMs: 1000,
  workers: 2,
  maxAttempts: 5,
  backoffBaseMs: 60_000,
  backoffMaxMs: 3_600_000,
  callConcurrency: 16,
} as const;

const iso = (value: Date | string | null) => (value === null ? null : repo.toDate(value)!.toISOString());

function toInboxMessage(row: repo.InboxRow): InboxMessage {
  return { id: row.id, title: row.title, body: row.body, link: row.link, createdAt: iso(row.createdAt)!, readAt: iso(row.readAt) };
}

function toOutboxEntry(row: repo.OutboxRow): OutboxEntry {
  return {
    id: row.id,
    memberId: row.memberId,
    source: row.source,
    sourceRef: row.sourceRef,
    marketing: row.marketing,
    status: row.status,
    channel: row.channel as MessageChannelName | null,
    channels: row.channels as MessageChannelName[] | null,
    attempts: row.attempts,
    nextAttemptAt: iso(row.nextAttemptAt)!,
    sentAt: iso(row.sentAt),
    lastError: row.lastError,
    receipt: row.receipt as OutboxEntry['receipt'],
    createdAt: iso(row.createdAt)!,
  };
}

export type MessagingService = ReturnType<typeof createMessagingService>;

export function createMessagingService({ db, clock, wechat, config }: ServiceDeps, options: MessagingOptions = {}) {
  const settings = Object.fromEntries(
    (Object.keys(MESSAGING_DEFAULTS) as (keyof typeof MESSAGING_DEFAULTS)[]).map((key) => [key, options[key] ?? config.messaging[key]]),
  ) as Record<keyof typeof MESSAGING_DEFAULTS, number>;
  const logger = options.logger ?? pino({ ...loggerOptions(config.logLevel), name: 'messaging' });
  const smsProviders = smsProviderRegistry(options.smsProviders);
  const defaultSmsProvider = options.smsProvider ?? config.messaging.smsProvider;
  if (!smsProviders.has(defaultSmsProvider)) {
    throw new Error(`messaging: the default SMS provider "${defaultSmsProvider}" is not one this server knows (known: ${[...smsProviders.keys()].join(', ')})`);
  }
  const sender = createSender(db, wechat, {
    appId: config.wechat.appId,
    smsProviders,
    defaultSmsProvider,
    maxAttempts: settings.maxAttempts,
    backoffBaseMs: settings.backoffBaseMs,
    backoffMaxMs: settings.backoffMaxMs,
    callConcurrency: settings.callConcurrency,
  });

  /** Content problems by the content's JSON, so a batch of a thousand copies of one campaign message is checked once. */
  const checkedContent = new Map<string, ContentProblem[]>();
  function contentProblems(content: unknown): ContentProblem[] {
    const key = JSON.stringify(content);
    let problems = checkedContent.get(key);
    if (!problems) {
      problems = validateContent(content);
      if (checkedContent.size > 500) checkedContent.clear();
      checkedContent.set(key, problems);
    }
    return problems;
  }

  const steps = {
    /**
     * Adds messages to the outbox in the caller's transaction (one multi-row statement) and answers their ids in
     * order. A message whose (brand, source, sourceRef) is already in the outbox is not added again: its
     * existing id is answered. Throws MESSAGE_TEMPLATE_INVALID (with paths) for content that cannot be rendered.
     */
    async enqueue(tx: Db, messages: EnqueueMessage[]): Promise<string[]> {
      if (messages.length === 0) return [];
      const now = clock.now();
      const rows: repo.OutboxInsert[] = messages.map((message, index) => {
        const problems = contentProblems(message.content);
        if (problems.length > 0) {
          throw new AppError('MESSAGE_TEMPLATE_INVALID', problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems.map((p) => ({ path: `messages/${index}/content${p.path}`, message: p.message })));
        }
        for (const [name, value] of Object.entries(message.variables ?? {})) {
          if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
            throw new AppError('MESSAGE_TEMPLATE_INVALID', `variable ${name} must be a string, a number or null`, [{ path: `messages/${index}/variables/${name}`, message: 'must be a string, a number or null' }]);
          }
        }
        if (!(message.notBefore instanceof Date) || Number.isNaN(message.notBefore.getTime())) {
          throw new AppError('VALIDATION_FAILED', 'notBefore must be a date', [{ path: `messages/${index}/notBefore`, message: 'must be a valid Date' }]);
        }
        return {
          id: newId('outboxMessage', now),
          brand_id: message.brandId,
          member_id: message.memberId,
          source: message.source,
          source_ref: message.sourceRef ?? null,
          marketing: message.marketing,
          content: message.content,
          variables: message.variables ?? {},
          channels: message.channels && message.channels.length > 0 ? message.channels : null,
          next_attempt_at: message.notBefore.toISOString(),
        };
      });
      let inserted: Set<string>;
      try {
        inserted = await repo.insertOutbox(tx, rows, now);
      } catch (error) {
        if (sqlState(error) === '23503') throw new AppError('MEMBER_NOT_FOUND', 'A message names a member that does not exist in its brand');
        throw error;
      }
      if (inserted.size === rows.length) return rows.map((row) => row.id);
      const refKey = (row: { brand_id: string; source: string; source_ref: string | null }) => `${row.brand_id}\n${row.source}\n${row.source_ref}`;
      const existing = await repo.outboxIdsByRef(
        tx,
        rows.filter((row) => !inserted.has(row.id) && row.source_ref !== null).map((row) => ({ brand_id: row.brand_id, source: row.source, source_ref: row.source_ref! })),
      );
      return rows.map((row) => (inserted.has(row.id) ? row.id : existing.get(refKey(row)) ?? row.id));
    },
  };

  // ---- the worker loops ----

  let stopping = false;
  let loops: Promise<void>[] = [];
  const idle = wakeableSleep();

  /** Sends due rows, batch after batch, until none is due or `limit` rows were handled. */
  async function sendDue(input: { now?: Date; limit?: number; batchSize?: number } = {}): Promise<SendSummary> {
    const total = emptySummary();
    const limit = input.limit ?? Number.POSITIVE_INFINITY;
    const batchSize = input.batchSize ?? settings.batchSize;
    while (total.claimed < limit) {
      const size = Math.min(batchSize, limit - total.claimed);
      const batch = await sender.sendBatch(input.now ?? clock.now(), size);
      total.claimed += batch.claimed;
      total.sent += batch.sent;
      total.suppressed += batch.suppressed;
      total.deferred += batch.deferred;
      total.retried += batch.retried;
      total.postponed += batch.postponed;
      total.dead += batch.dead;
      for (const channel of Object.keys(total.byChannel) as MessageChannelName[]) total.byChannel[channel] += batch.byChannel[channel];
      if (batch.claimed < size) break;
    }
    return total;
  }

  async function workerLoop(worker: number): Promise<void> {
    while (!stopping) {
      try {
        const summary = await sender.sendBatch(clock.now(), settings.batchSize);
        if (summary.claimed > 0) {
          logger.info({ worker, ...summary }, 'outbox batch sent');
          if (summary.claimed === settings.batchSize) continue;
        }
      } catch (error) {
        logger.error({ err: error, worker }, 'outbox batch failed; it will be claimed again');
      }
      if (!stopping) await idle.sleep(settings.pollIntervalMs);
    }
  }

  /** Every SMS provider a brand has chosen must be known here; a clear error names the ones that are not. */
  async function checkSmsProviders(): Promise<void> {
    const unknown = (await repo.chosenSmsProviders(db)).filter((name) => !smsProviders.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `messaging: brands chose SMS providers this server does not know: ${unknown.join(', ')} (known: ${[...smsProviders.keys()].join(', ')}); ` +
          'pass them to createMessagingService({ smsProviders }) — until then those brands send no SMS and fall back to the next channel',
      );
    }
  }

  async function subscriptions(context: MemberContext): Promise<MessageSubscriptionList> {
    const rows = await repo.listSubscriptions(db, context.brandId, context.actor.memberId);
    return { items: rows.map((row) => ({ templateId: row.templateId, remaining: row.remaining, updatedAt: iso(row.updatedAt)! })) };
  }

  async function brandSettings(brandId: string): Promise<MessagingSettings> {
    const [row, timeZone] = await Promise.all([repo.findSettings(db, brandId), repo.brandTimeZone(db, brandId)]);
    return {
      quietStart: row?.quietStart ?? DEFAULT_QUIET_START,
      quietEnd: row?.quietEnd ?? DEFAULT_QUIET_END,
      channelOrder: (row?.channelOrder as MessageChannelName[] | undefined) ?? [...DEFAULT_CHANNEL_ORDER],
      smsProvider: row?.smsProvider ?? defaultSmsProvider,
      timeZone: timeZone ?? config.defaultTimeZone,
      smsProviders: [...smsProviders.keys()],
    };
  }

  return {
    steps,

    /** The problems of a message's content (empty = valid); the campaigns module calls it when a campaign is saved. */
    validateContent,

    sendDue,

    /** Starts the sender loops in this process (main.ts, when jobs are enabled). */
    startWorkers(overrides: { workers?: number; pollIntervalMs?: number } = {}): void {
      if (loops.length > 0) return;
      stopping = false;
      if (overrides.pollIntervalMs !== undefined) settings.pollIntervalMs = overrides.pollIntervalMs;
      checkSmsProviders().catch((error) => logger.error({ err: error }, (error as Error).message));
      const count = overrides.workers ?? settings.workers;
      logger.info({ workers: count, batchSize: settings.batchSize, pollIntervalMs: settings.pollIntervalMs, defaultSmsProvider }, 'outbox sender started');
      loops = Array.from({ length: count }, (_, worker) => workerLoop(worker));
    },

    /** Stops the loops and waits for the batches in progress to commit. */
    async stopWorkers(): Promise<void> {
      stopping = true;
      idle.wakeAll();
      await Promise.all(loops);
      loops = [];
    },

    checkSmsProviders,

    // ---- members ----

    /** The mini-program reports what wx.requestSubscribeMessage answered: each accept allows one more send. */
    async reportSubscriptions(context: MemberContext, body: ReportSubscriptionsBody): Promise<MessageSubscriptionList> {
      const accepted = Object.entries(body.results)
        .filter(([, choice]) => choice === 'accept')
        .map(([templateId]) => templateId);
      await withTransaction(db, (tx) => repo.addAcceptances(tx, context.brandId, context.actor.memberId, accepted, clock.now()));
      return subscriptions(context);
    },

    subscriptions,

    async inbox(context: MemberContext, query: InboxQuery): Promise<InboxPage> {
      const page = await repo.listInbox(db, context.brandId, context.actor.memberId, query.limit ?? 20, query.offset ?? 0);
      return { items: page.items.map(toInboxMessage), total: page.total, unread: page.unread };
    },

    async markRead(context: MemberContext, messageId: string): Promise<InboxMessage> {
      const row = await repo.markInboxRead(db, context.brandId, context.actor.memberId, messageId, clock.now());
      if (!row) throw new AppError('INBOX_MESSAGE_NOT_FOUND');
      return toInboxMessage(row);
    },

    async markAllRead(context: MemberContext): Promise<InboxReadAllResult> {
      const marked = await repo.markAllInboxRead(db, context.brandId, context.actor.memberId, clock.now());
      return { marked, unread: 0 };
    },

    // ---- operators ----

    async settings(context: StaffContext): Promise<MessagingSettings> {
      requireOffice(context);
      return brandSettings(context.brandId);
    },

    async updateSettings(context: StaffContext, body: UpdateMessagingSettingsBody): Promise<MessagingSettings> {
      requireOffice(context);
      if (body.smsProvider !== undefined && !smsProviders.has(body.smsProvider)) {
        validationFailed([{ path: 'body/smsProvider', message: `unknown SMS provider; this server knows: ${[...smsProviders.keys()].join(', ')}` }]);
      }
      const current = await brandSettings(context.brandId);
      try {
        await withTransaction(db, (tx) =>
          repo.upsertSettings(
            tx,
            {
              brandId: context.brandId,
              quietStart: body.quietStart ?? current.quietStart,
              quietEnd: body.quietEnd ?? current.quietEnd,
              channelOrder: body.channelOrder ?? current.channelOrder,
              smsProvider: body.smsProvider ?? current.smsProvider,
            },
            clock.now(),
          ),
        );
      } catch (error) {
        if (isUniqueViolation(error)) return brandSettings(context.brandId);
        throw error;
      }
      return brandSettings(context.brandId);
    },

    async outbox(context: StaffContext, query: OutboxQuery): Promise<OutboxPage> {
      requireOffice(context);
      const page = await repo.listOutbox(db, context.brandId, { status: query.status, memberId: query.memberId }, query.limit ?? 50, query.offset ?? 0);
      return { items: page.items.map(toOutboxEntry), total: page.total };
    },
  };
}
