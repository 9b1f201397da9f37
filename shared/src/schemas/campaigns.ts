/** Campaign definitions, reports and API shapes (built by the campaigns module; see its README). */
import { Type, type Static } from '@sinclair/typebox';
import { Nullable, Timestamp } from './common';
import { MessageChannelName, MessageContent } from './messaging';

/** Ids in paths are matched loosely so an unknown id is a 404 of the campaign, not a validation error. */
export const CampaignId = Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: 'campaign id (cmp_…)' });
export const CampaignRunId = Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: 'campaign run id (crn_…)' });

export const CAMPAIGN_KINDS = ['one_off', 'scheduled', 'triggered'] as const;
export const CampaignKind = Type.Union(CAMPAIGN_KINDS.map((kind) => Type.Literal(kind)));
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];

export const CAMPAIGN_STATUSES = ['draft', 'active', 'paused', 'ended'] as const;
export const CampaignStatus = Type.Union(CAMPAIGN_STATUSES.map((status) => Type.Literal(status)));
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/**
 * Behaviour triggers. Event triggers (joined, first_purchase, tier_upgraded, cart_abandoned) are scanned every
 * minute; day triggers (the rest) once per brand-local day at `hour`. See the campaigns README for exactly when each fires.
 */
export const TRIGGER_TYPES = [
  'joined',
  'first_purchase',
  'inactive',
  'birthday',
  'anniversary',
  'cart_abandoned',
  'repurchase_due',
  'tier_upgraded',
  'tier_downgrade_soon',
  'points_expiring',
  'coupon_expiring',
] as const;
export type TriggerType = (typeof TRIGGER_TYPES)[number];
/** Triggers that need `days` (inactive: days since the last purchase; the rest: how far ahead to look). */
export const TRIGGERS_WITH_DAYS: readonly TriggerType[] = ['inactive', 'tier_downgrade_soon', 'points_expiring', 'coupon_expiring'];
/** Triggers scanned once per brand-local day (at `hour`, default 10). */
export const DAILY_TRIGGERS: readonly TriggerType[] = ['inactive', 'birthday', 'anniversary', 'repurchase_due', 'tier_downgrade_soon', 'points_expiring', 'coupon_expiring'];

export const CampaignTrigger = Type.Object(
  {
    type: Type.Union(TRIGGER_TYPES.map((type) => Type.Literal(type))),
    days: Type.Optional(Type.Integer({ minimum: 0, maximum: 3650, description: 'inactive: N days since the last purchase; *_soon/*_expiring: look N days ahead; repurchase_due: N days before the predicted date (default 0)' })),
    hours: Type.Optional(Type.Integer({ minimum: 1, maximum: 720, description: 'cart_abandoned: no purchase within N hours after the cart add (default 24)' })),
    hour: Type.Optional(Type.Integer({ minimum: 0, maximum: 23, description: 'daily triggers: the brand-local hour the day scan runs at (default 10)' })),
  },
  { additionalProperties: false },
);
export type CampaignTrigger = Static<typeof CampaignTrigger>;

/** One point costs this many fen against a campaign budget (100 points = ¥1). */
export const POINT_COST_FEN = 1;

export const CampaignActions = Type.Object(
  {
    couponTemplateId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: 'issue one coupon of this template' })),
    points: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'grant this many points' })),
    message: Type.Optional(MessageContent),
  },
  { additionalProperties: false },
);
export type CampaignActions = Static<typeof CampaignActions>;

export const CampaignVariant = Type.Object(
  {
    key: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,31}$', description: "variant name; 'control' is reserved for the holdout" }),
    weight: Type.Integer({ minimum: 1, maximum: 10_000, description: 'share of the treated audience, relative to the other weights' }),
    actions: CampaignActions,
  },
  { additionalProperties: false },
);
export type CampaignVariant = Static<typeof CampaignVariant>;

const CampaignFields = {
  name: Type.String({ minLength: 1, maxLength: 100 }),
  kind: CampaignKind,
  sendAt: Type.Optional(Nullable(Timestamp)),
  cron: Type.Optional(Nullable(Type.String({ minLength: 9, maxLength: 100, description: 'scheduled: 5-field cron (minute hour day month weekday) in the brand time zone' }))),
  trigger: Type.Optional(Nullable(CampaignTrigger)),
  segmentId: Type.Optional(Nullable(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$', description: 'saved segment; with a trigger it filters the trigger\'s members' }))),
  variants: Type.Array(CampaignVariant, { minItems: 1, maxItems: 10 }),
  holdoutPercent: Type.Optional(Type.Integer({ minimum: 0, maximum: 90, default: 0 })),
  attributionDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 7 })),
  channels: Type.Optional(Nullable(Type.Array(MessageChannelName, { minItems: 1, maxItems: 3, uniqueItems: true }))),
  marketing: Type.Optional(Type.Boolean({ default: true })),
  budgetFen: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 }))),
  startsAt: Type.Optional(Nullable(Timestamp)),
  endsAt: Type.Optional(Nullable(Timestamp)),
};

export const CreateCampaignBody = Type.Object(CampaignFields, { additionalProperties: false });
export type CreateCampaignBody = Static<typeof CreateCampaignBody>;
/** A full replacement of the definition (draft or paused campaigns only). */
export const UpdateCampaignBody = CreateCampaignBody;
export type UpdateCampaignBody = CreateCampaignBody;

export const Campaign = Type.Object(
  {
    id: Type.String(),
    brandId: Type.String(),
    name: Type.String(),
    kind: CampaignKind,
    status: CampaignStatus,
    sendAt: Nullable(Timestamp),
    cron: Nullable(Type.String()),
    trigger: Nullable(CampaignTrigger),
    segmentId: Nullable(Type.String()),
    variants: Type.Array(CampaignVariant),
    holdoutPercent: Type.Integer(),
    attributionDays: Type.Integer(),
    channels: Nullable(Type.Array(MessageChannelName)),
    marketing: Type.Boolean(),
    budgetFen: Nullable(Type.Integer()),
    spentFen: Type.Integer(),
    startsAt: Nullable(Timestamp),
    endsAt: Nullable(Timestamp),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type Campaign = Static<typeof Campaign>;

export const CampaignListQuery = Type.Object(
  {
    status: Type.Optional(CampaignStatus),
    kind: Type.Optional(CampaignKind),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type CampaignListQuery = Static<typeof CampaignListQuery>;

export const CampaignPage = Type.Object({ items: Type.Array(Campaign, { description: 'newest first' }), total: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type CampaignPage = Static<typeof CampaignPage>;

export const CAMPAIGN_RUN_STATUSES = ['deciding', 'done', 'failed', 'cancelled'] as const;

export const CampaignRun = Type.Object(
  {
    id: Type.String(),
    campaignId: Type.String(),
    runKey: Type.String(),
    status: Type.Union(CAMPAIGN_RUN_STATUSES.map((status) => Type.Literal(status))),
    audienceCount: Nullable(Type.Integer()),
    decidedCount: Type.Integer(),
    counts: Type.Object(
      { queued: Type.Integer(), heldOut: Type.Integer(), skipped: Type.Integer() },
      { additionalProperties: false, description: 'deliveries of this run by status' },
    ),
    skipReasons: Type.Record(Type.String(), Type.Integer(), { description: 'skipped deliveries by reason' }),
    startedAt: Timestamp,
    heartbeatAt: Timestamp,
    finishedAt: Nullable(Timestamp),
    error: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type CampaignRun = Static<typeof CampaignRun>;

export const CampaignRunList = Type.Object({ items: Type.Array(CampaignRun, { description: 'newest first' }) }, { additionalProperties: false });
export type CampaignRunList = Static<typeof CampaignRunList>;

export const Interval = Type.Object({ low: Type.Number(), high: Type.Number() }, { additionalProperties: false });

export const VariantReport = Type.Object(
  {
    variant: Type.String({ description: "a variant key, or 'control' for the holdout" }),
    members: Type.Integer({ description: 'member decisions in this arm (queued or held out; skipped members are not in the experiment)' }),
    delivered: Type.Integer({ description: 'messages sent (actions-only arms: decisions with actions taken); 0 for control' }),
    converted: Type.Integer({ description: 'members with a purchase (not fully refunded) within attributionDays after the delivery' }),
    conversionRate: Type.Number(),
    revenueFen: Type.Integer(),
    revenuePerMemberFen: Type.Number(),
    costFen: Type.Integer({ description: 'coupon discounts actually used on orders' }),
    pointsGranted: Type.Integer(),
    upliftOverControl: Nullable(
      Type.Object(
        {
          difference: Type.Number({ description: 'conversion rate minus the control\'s (absolute)' }),
          relative: Nullable(Type.Number({ description: 'difference / control rate' })),
          confidenceInterval: Interval,
          confidenceLevel: Type.Number(),
          pValue: Type.Number({ description: 'two-sided two-proportion z-test' }),
          z: Type.Number(),
        },
        { additionalProperties: false },
      ),
    ),
    roi: Nullable(Type.Number({ description: '(incremental revenue over control − cost) / cost; null without a control or a cost' })),
  },
  { additionalProperties: false },
);
export type VariantReport = Static<typeof VariantReport>;

export const CampaignReport = Type.Object(
  {
    campaignId: Type.String(),
    attributionDays: Type.Integer(),
    computedAt: Timestamp,
    variants: Type.Array(VariantReport, { description: 'each variant, then control' }),
  },
  { additionalProperties: false },
);
export type CampaignReport = Static<typeof CampaignReport>;

export const CampaignSettings = Type.Object(
  {
    frequencyCapCount: Type.Integer({ minimum: 1, maximum: 1000, description: 'at most this many marketing deliveries per member …' }),
    frequencyCapDays: Type.Integer({ minimum: 1, maximum: 365, description: '… in any this many days, across campaigns' }),
  },
  { additionalProperties: false },
);
export type CampaignSettings = Static<typeof CampaignSettings>;

export const UpdateCampaignSettingsBody = Type.Object(
  {
    frequencyCapCount: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    frequencyCapDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateCampaignSettingsBody = Static<typeof UpdateCampaignSettingsBody>;
