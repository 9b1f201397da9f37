import { Type, type Static } from '@sinclair/typebox';

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
