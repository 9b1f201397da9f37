import { Type, type Static } from '@sinclair/typebox';
import { IdOf } from './common';

/**
 * What a message says on each channel, with {{variable}} placeholders (see MESSAGE_VARIABLES).
 * WeChat subscribe-message data keys carry their type in their name (thing1, amount2, date3 …) and each type
 * has WeChat's length limit, enforced after rendering and before sending.
 */
export const MESSAGE_VARIABLES = [
  'name',
  'brand',
  'tier',
  'points',
  'expiringPoints',
  'expiringDate',
  'coupon',
  'couponValue',
  'couponExpiresAt',
  'recommendedItem',
] as const;
export type MessageVariable = (typeof MESSAGE_VARIABLES)[number];

export const MESSAGE_CHANNEL_NAMES = ['wechat', 'sms', 'inbox'] as const;
export const MessageChannelName = Type.Union(MESSAGE_CHANNEL_NAMES.map((name) => Type.Literal(name)));
export type MessageChannelName = Static<typeof MessageChannelName>;

export const WechatMessageContent = Type.Object(
  {
    templateId: Type.String({ minLength: 1, maxLength: 128, description: 'the subscribe-message template id from the WeChat console' }),
    page: Type.Optional(Type.String({ maxLength: 256, description: 'mini-program page opened from the message' })),
    data: Type.Record(Type.String({ pattern: '^[a-z_]+[0-9]+$', maxLength: 32 }), Type.String({ maxLength: 200 }), {
      minProperties: 1,
      maxProperties: 10,
      description: 'template keys (thing1, amount2, date3, …) to text with {{variables}}',
    }),
  },
  { additionalProperties: false },
);
export type WechatMessageContent = Static<typeof WechatMessageContent>;

export const MessageContent = Type.Object(
  {
    wechat: Type.Optional(WechatMessageContent),
    sms: Type.Optional(Type.Object({ text: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false })),
    inbox: Type.Object(
      {
        title: Type.String({ minLength: 1, maxLength: 60 }),
        body: Type.String({ minLength: 1, maxLength: 1000 }),
        link: Type.Optional(Type.String({ maxLength: 256 })),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'the message per channel; the inbox version is required as the channel of last resort' },
);
export type MessageContent = Static<typeof MessageContent>;

// ---- member API: subscribe-message acceptances and the inbox ----

export const SUBSCRIBE_CHOICES = ['accept', 'reject', 'ban', 'filter'] as const;
export type SubscribeChoice = (typeof SUBSCRIBE_CHOICES)[number];

export const ReportSubscriptionsBody = Type.Object(
  {
    results: Type.Record(
      Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9_-]+$' }),
      Type.Union(SUBSCRIBE_CHOICES.map((choice) => Type.Literal(choice))),
      {
        minProperties: 1,
        maxProperties: 3,
        description: 'what wx.requestSubscribeMessage answered per template id (at most three per prompt); each accept allows one send',
      },
    ),
  },
  { additionalProperties: false },
);
export type ReportSubscriptionsBody = Static<typeof ReportSubscriptionsBody>;

export const MessageSubscription = Type.Object(
  {
    templateId: Type.String(),
    remaining: Type.Integer({ minimum: 0, description: 'one-time acceptances left: each allows exactly one subscribe message' }),
    updatedAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type MessageSubscription = Static<typeof MessageSubscription>;

export const MessageSubscriptionList = Type.Object({ items: Type.Array(MessageSubscription) }, { additionalProperties: false });
export type MessageSubscriptionList = Static<typeof MessageSubscriptionList>;

export const InboxMessage = Type.Object(
  {
    id: Type.String(),
    title: Type.String(),
    body: Type.String(),
    link: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String({ format: 'date-time' }),
    readAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { additionalProperties: false },
);
export type InboxMessage = Static<typeof InboxMessage>;

export const InboxQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type InboxQuery = Static<typeof InboxQuery>;

export const InboxPage = Type.Object(
  {
    items: Type.Array(InboxMessage, { description: 'newest first' }),
    total: Type.Integer({ minimum: 0 }),
    unread: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
export type InboxPage = Static<typeof InboxPage>;

export const InboxReadAllResult = Type.Object({ marked: Type.Integer({ minimum: 0 }), unread: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type InboxReadAllResult = Static<typeof InboxReadAllResult>;

// ---- staff API: settings and the outbox ----

const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM in the brand time zone' });

export const MessagingSettings = Type.Object(
  {
    quietStart: ClockTime,
    quietEnd: ClockTime,
    channelOrder: Type.Array(MessageChannelName, { minItems: 1, maxItems: 3, uniqueItems: true }),
    smsProvider: Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_-]*$' }),
    timeZone: Type.String({ description: 'the brand time zone quiet hours are read in (set on the brand)' }),
    smsProviders: Type.Array(Type.String(), { description: 'SMS providers this server knows' }),
  },
  { additionalProperties: false },
);
export type MessagingSettings = Static<typeof MessagingSettings>;

export const UpdateMessagingSettingsBody = Type.Object(
  {
    quietStart: Type.Optional(ClockTime),
    quietEnd: Type.Optional(ClockTime),
    channelOrder: Type.Optional(Type.Array(MessageChannelName, { minItems: 1, maxItems: 3, uniqueItems: true })),
    smsProvider: Type.Optional(Type.String({ minLength: 1, maxLength: 40, pattern: '^[a-z][a-z0-9_-]*$' })),
  },
  { additionalProperties: false, minProperties: 1, description: 'quietStart = quietEnd means no quiet hours; the inbox is always tried last even when channelOrder leaves it out' },
);
export type UpdateMessagingSettingsBody = Static<typeof UpdateMessagingSettingsBody>;

export const OUTBOX_STATUSES = ['pending', 'sent', 'suppressed', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export const DeliveryReceipt = Type.Object(
  {
    at: Type.String({ format: 'date-time' }),
    channel: Type.Union([MessageChannelName, Type.Null()]),
    outcome: Type.Union(['sent', 'failed', 'skipped', 'suppressed', 'deferred', 'dead'].map((o) => Type.Literal(o))),
    reason: Type.Optional(Type.String()),
    errcode: Type.Optional(Type.Integer()),
    msgid: Type.Optional(Type.String()),
    providerMessageId: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type DeliveryReceipt = Static<typeof DeliveryReceipt>;

export const OutboxQuery = Type.Object(
  {
    status: Type.Optional(Type.Union(OUTBOX_STATUSES.map((status) => Type.Literal(status)))),
    memberId: Type.Optional(IdOf('member')),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type OutboxQuery = Static<typeof OutboxQuery>;

export const OutboxEntry = Type.Object(
  {
    id: Type.String(),
    memberId: Type.String(),
    source: Type.Union([Type.Literal('campaign'), Type.Literal('system')]),
    sourceRef: Type.Union([Type.String(), Type.Null()]),
    marketing: Type.Boolean(),
    status: Type.Union(OUTBOX_STATUSES.map((status) => Type.Literal(status))),
    channel: Type.Union([MessageChannelName, Type.Null()]),
    channels: Type.Union([Type.Array(MessageChannelName), Type.Null()]),
    attempts: Type.Integer({ minimum: 0 }),
    nextAttemptAt: Type.String({ format: 'date-time' }),
    sentAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    lastError: Type.Union([Type.String(), Type.Null()]),
    receipt: Type.Array(DeliveryReceipt),
    createdAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type OutboxEntry = Static<typeof OutboxEntry>;

export const OutboxPage = Type.Object({ items: Type.Array(OutboxEntry), total: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type OutboxPage = Static<typeof OutboxPage>;
