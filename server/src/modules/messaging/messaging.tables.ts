import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';
import { brands } from '../brands/brands.tables';
import { members } from '../members/members.tables';

export const MESSAGE_CHANNELS = ['wechat', 'sms', 'inbox'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/** A brand's messaging guards and defaults. */
export const messagingSettings = pgTable('messaging_settings', {
  brandId: text('brand_id').primaryKey().references(() => brands.id),
  /** quiet hours in the brand's time zone, 'HH:MM'; a message due inside them waits until they end */
  quietStart: text('quiet_start').notNull().default('21:00'),
  quietEnd: text('quiet_end').notNull().default('09:00'),
  /** the order channels are tried in when a message does not set its own */
  channelOrder: text('channel_order').array().notNull().default(sql`'{wechat,sms,inbox}'::text[]`),
  /** which SMS provider sends: 'dev' records messages in sms_messages; others are configured by name */
  smsProvider: text('sms_provider').notNull().default('dev'),
  updatedAt: updatedAtColumn(),
});

/**
 * One-time subscribe-message acceptances a member has left per WeChat template: each acceptance in
 * wx.requestSubscribeMessage allows exactly one send; WeChat's 43101 sets it to 0.
 */
export const messageSubscriptions = pgTable(
  'message_subscriptions',
  {
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    templateId: text('template_id').notNull(),
    remaining: integer('remaining').notNull().default(0),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    primaryKey({ columns: [t.brandId, t.memberId, t.templateId] }),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    check('message_subscriptions_remaining_check', sql`${t.remaining} >= 0`),
  ],
);

/**
 * The outbox: one row per message to one member, written in the same transaction as the decision to send it,
 * claimed by senders with row locks (FOR UPDATE SKIP LOCKED), retried with backoff, ending sent or dead.
 */
export const messageOutbox = pgTable(
  'message_outbox',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    /** what asked for it: 'campaign' (source_ref = campaign delivery id) or 'system' */
    source: text('source', { enum: ['campaign', 'system'] }).notNull(),
    sourceRef: text('source_ref'),
    /** marketing messages need the member's marketing consent at send time */
    marketing: boolean('marketing').notNull().default(true),
    /** per-channel templates with {{variables}}: { wechat?: { templateId, page?, data }, sms?: { text }, inbox: { title, body, link? } } */
    content: jsonb('content').$type<Record<string, unknown>>().notNull(),
    /** values fixed at decision time (coupon issued, recommended item, ...); the rest are read at send time */
    variables: jsonb('variables').$type<Record<string, unknown>>().notNull().default({}),
    /** fallback order; null = the brand's channel order */
    channels: text('channels').array(),
    status: text('status', { enum: ['pending', 'sent', 'suppressed', 'dead'] }).notNull().default('pending'),
    /** the channel it went out on */
    channel: text('channel'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull(),
    sentAt: timestamptz('sent_at'),
    /** per attempt: channel, outcome, provider ids / errcodes */
    receipt: jsonb('receipt').$type<unknown[]>().notNull().default([]),
    lastError: text('last_error'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    uniqueIndex('message_outbox_source_unique').on(t.brandId, t.source, t.sourceRef).where(sql`${t.sourceRef} is not null`),
    index('message_outbox_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index('message_outbox_member_idx').on(t.brandId, t.memberId, t.createdAt),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    check('message_outbox_status_check', sql`${t.status} in ('pending', 'sent', 'suppressed', 'dead')`),
    check('message_outbox_channel_check', sql`${t.channel} is null or ${t.channel} in ('wechat', 'sms', 'inbox')`),
  ],
);

/** The in-app inbox: always available as the last channel. */
export const inboxMessages = pgTable(
  'inbox_messages',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    outboxId: text('outbox_id'),
    title: text('title').notNull(),
    body: text('body').notNull(),
    link: text('link'),
    readAt: timestamptz('read_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    unique('inbox_messages_outbox_unique').on(t.outboxId),
    index('inbox_messages_member_idx').on(t.brandId, t.memberId, t.createdAt),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
  ],
);

/** What the development SMS provider "sent" (and a record of real providers' sends). */
export const smsMessages = pgTable(
  'sms_messages',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    outboxId: text('outbox_id'),
    provider: text('provider').notNull(),
    phone: text('phone').notNull(),
    text: text('text').notNull(),
    providerMessageId: text('provider_message_id'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    unique('sms_messages_outbox_unique').on(t.outboxId),
    index('sms_messages_member_idx').on(t.brandId, t.memberId, t.createdAt),
  ],
);
