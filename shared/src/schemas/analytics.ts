import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CalendarDate, IdOf, Nullable, Timestamp } from './common';
import { MemberStaffView } from './members';

/* ------------------------------------------------------------------------------------------------
 * Behaviour events
 * ---------------------------------------------------------------------------------------------- */

/** What the mini-program reports besides purchases; scoring and segments count these. */
export const EVENT_TYPES = ['view_item', 'cart_add', 'favorite', 'checkin', 'share', 'search', 'view_coupon', 'view_mall_item', 'view_page'] as const;
export const EventType = Type.Union(EVENT_TYPES.map((type) => Type.Literal(type)));
export type EventType = Static<typeof EventType>;

export const EVENTS_PER_BATCH_MAX = 50;
/** An event may be reported this long after it happened (the app queues them while offline). */
export const EVENT_MAX_AGE_DAYS = 7;
/** Device clocks run ahead: an event up to this far in the future is taken as happening now. */
export const EVENT_CLOCK_SKEW_MS = 5 * 60_000;
/** The serialized `data` of one event, at most. */
export const EVENT_DATA_MAX_BYTES = 2048;

export const EventInput = Type.Object(
  {
    type: EventType,
    target: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'what it is about: a SKU, a mall item or coupon template id, a search term' })),
    occurredAt: Type.Optional(Type.String({ format: 'date-time', description: `when it happened (default: now); not in the future, at most ${EVENT_MAX_AGE_DAYS} days ago` })),
    data: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 20, description: `free-form details, at most ${EVENT_DATA_MAX_BYTES} bytes as JSON` })),
  },
  { additionalProperties: false },
);
export type EventInput = Static<typeof EventInput>;

export const RecordEventsBody = Type.Object(
  { events: Type.Array(EventInput, { minItems: 1, maxItems: EVENTS_PER_BATCH_MAX }) },
  { additionalProperties: false },
);
export type RecordEventsBody = Static<typeof RecordEventsBody>;

export const RecordEventsResponse = Type.Object({ recorded: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });
export type RecordEventsResponse = Static<typeof RecordEventsResponse>;

/* ------------------------------------------------------------------------------------------------
 * Scores and settings
 * ---------------------------------------------------------------------------------------------- */

export const VALUE_SEGMENTS = ['high_value', 'potential', 'normal', 'at_risk', 'churned', 'new'] as const;
export const ValueSegment = Type.Union(VALUE_SEGMENTS.map((segment) => Type.Literal(segment)));
export type ValueSegment = Static<typeof ValueSegment>;

export const LOYALTY_QUADRANTS = ['heavy_loyal', 'heavy_occasional', 'light_loyal', 'light_occasional'] as const;
export const LoyaltyQuadrant = Type.Union(LOYALTY_QUADRANTS.map((quadrant) => Type.Literal(quadrant)));
export type LoyaltyQuadrant = Static<typeof LoyaltyQuadrant>;

export const HIGH_POTENTIAL_FLAGS = ['rising_order_value', 'rising_frequency', 'engaged_not_buying', 'clv_above_spend'] as const;
export const HighPotentialFlag = Type.Union(HIGH_POTENTIAL_FLAGS.map((flag) => Type.Literal(flag)));
export type HighPotentialFlag = Static<typeof HighPotentialFlag>;

/**
 * The thresholds of the value segments, the loyalty quadrants, the repurchase cycle and the
 * high-potential flags. A brand overrides any of them; the rest keep these defaults
 * (server/src/modules/analytics/README.md explains each).
 */
export const DEFAULT_SEGMENT_RULES = {
  newDays: 30,
  newMaxPurchases: 1,
  churnedDays: 365,
  churnedPAlive: 0.1,
  atRiskDays: 180,
  atRiskPAlive: 0.5,
  highValueRfmMin: 12,
  potentialRfmMin: 9,
  heavySpendQuantile: 0.5,
  loyalRepeatShare: 0.5,
  cycleMinPurchases: 3,
  cycleLookbackDays: 730,
  risingWindowDays: 90,
  risingRatio: 1.25,
  risingMinPurchases: 2,
  engagedDays: 30,
  engagedMinEvents: 5,
  clvHighQuantile: 0.8,
  clvLowSpendMaxMScore: 2,
} as const;
export type SegmentRules = { -readonly [K in keyof typeof DEFAULT_SEGMENT_RULES]: number };

const Days = (description: string) => Type.Integer({ minimum: 1, maximum: 3650, description });
const Share = (description: string) => Type.Number({ minimum: 0, maximum: 1, description });

export const SegmentRulesSchema = Type.Object(
  {
    newDays: Type.Integer({ minimum: 0, maximum: 365, description: 'new: joined at most this many days ago …' }),
    newMaxPurchases: Type.Integer({ minimum: 0, maximum: 100, description: '… with at most this many purchases' }),
    churnedDays: Days('churned: no purchase for this many days (or never bought and joined longer ago)'),
    churnedPAlive: Share('churned: or P(alive) below this'),
    atRiskDays: Days('at risk: no purchase for this many days'),
    atRiskPAlive: Share('at risk: or P(alive) below this'),
    highValueRfmMin: Type.Integer({ minimum: 3, maximum: 15, description: 'high value: R + F + M at least this' }),
    potentialRfmMin: Type.Integer({ minimum: 3, maximum: 15, description: 'potential: R + F + M at least this' }),
    heavySpendQuantile: Share('heavy spend: spend in the RFM window at or above this quantile of the brand’s buyers'),
    loyalRepeatShare: Share('loyal: repeat share (purchase days after the first / purchase days, in the window) at least this'),
    cycleMinPurchases: Type.Integer({ minimum: 2, maximum: 100, description: 'purchase days needed for a repurchase cycle (overall and per category)' }),
    cycleLookbackDays: Type.Integer({ minimum: 30, maximum: 3650, description: 'repurchase cycles look at the purchase days of this many days back' }),
    risingWindowDays: Type.Integer({ minimum: 7, maximum: 365, description: 'rising: the last this-many days against the same span before' }),
    risingRatio: Type.Number({ minimum: 1, maximum: 100, description: 'rising: the recent figure at least this times the earlier one' }),
    risingMinPurchases: Type.Integer({ minimum: 1, maximum: 100, description: 'rising frequency: at least this many purchases in the recent span' }),
    engagedDays: Days('engaged without buying: events in the last this-many days …'),
    engagedMinEvents: Type.Integer({ minimum: 1, maximum: 100_000, description: '… at least this many, and no purchase in that time' }),
    clvHighQuantile: Share('CLV above spend: expected value at or above this quantile of the brand …'),
    clvLowSpendMaxMScore: Type.Integer({ minimum: 0, maximum: 5, description: '… while the M score is at most this (0: no purchase in the window)' }),
  },
  { additionalProperties: false },
);

export const AnalyticsSettings = Type.Object(
  {
    rfmWindowDays: Days('RFM looks at purchases in this many days before scoring'),
    clvHorizonDays: Days('CLV horizon: expected purchases and value over this many days'),
    discountRatePermille: Type.Integer({ minimum: 0, maximum: 1000, description: 'yearly discount rate for CLV in permille (100 = 10 %)' }),
    segmentRules: SegmentRulesSchema,
  },
  { additionalProperties: false },
);
export type AnalyticsSettings = Static<typeof AnalyticsSettings>;

/** PUT /analytics/settings: rules left out keep their defaults. */
export const UpdateAnalyticsSettingsBody = Type.Object(
  {
    rfmWindowDays: AnalyticsSettings.properties.rfmWindowDays,
    clvHorizonDays: AnalyticsSettings.properties.clvHorizonDays,
    discountRatePermille: AnalyticsSettings.properties.discountRatePermille,
    segmentRules: Type.Optional(Type.Partial(SegmentRulesSchema)),
  },
  { additionalProperties: false },
);
export type UpdateAnalyticsSettingsBody = Static<typeof UpdateAnalyticsSettingsBody>;

export const CategoryCycle = Type.Object({ intervalDays: Type.Number(), nextAt: Timestamp }, { additionalProperties: false });

export const HighPotentialEntry = Type.Object({ flag: HighPotentialFlag, reason: Type.String() }, { additionalProperties: false });
export type HighPotentialEntry = Static<typeof HighPotentialEntry>;

export const MemberScores = Type.Object(
  {
    memberId: IdOf('member'),
    computedAt: Nullable(Timestamp),
    recencyDays: Nullable(Type.Integer({ description: 'days since the last purchase day' })),
    frequency: Type.Integer({ description: 'orders in the RFM window' }),
    monetaryFen: Type.Integer({ description: 'paid minus refunded in the RFM window' }),
    rScore: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
    fScore: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
    mScore: Nullable(Type.Integer({ minimum: 1, maximum: 5 })),
    valueSegment: Nullable(ValueSegment),
    loyaltyQuadrant: Nullable(LoyaltyQuadrant),
    repeatShare: Nullable(Type.Number()),
    pAlive: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    expectedPurchases: Nullable(Type.Number({ minimum: 0, description: 'over the CLV horizon' })),
    expectedValueFen: Nullable(Type.Integer({ description: 'discounted, over the CLV horizon' })),
    churnRisk: Nullable(Type.Number({ minimum: 0, maximum: 1 })),
    avgIntervalDays: Nullable(Type.Number({ description: 'typical days between purchase days (median)' })),
    nextPurchaseAt: Nullable(Timestamp),
    categoryCycles: Nullable(Type.Record(Type.String(), CategoryCycle)),
    highPotential: Type.Array(HighPotentialEntry),
  },
  { additionalProperties: false },
);
export type MemberScores = Static<typeof MemberScores>;

export const RecomputeScoresResponse = Type.Object(
  {
    status: Type.Union([Type.Literal('started'), Type.Literal('already_running')]),
    startedAt: Timestamp,
  },
  { additionalProperties: false },
);
export type RecomputeScoresResponse = Static<typeof RecomputeScoresResponse>;

export const ScoringSummary = Type.Object(
  {
    brandId: IdOf('brand'),
    computedAt: Timestamp,
    members: Type.Integer(),
    buyers: Type.Integer(),
    clvFitted: Type.Boolean(),
    clvFailures: Type.Integer({ minimum: 0, description: 'distinct (x, tₓ, T) whose expected purchases the CLV library could not evaluate (those members get P(alive) only)' }),
    clvFirstFailure: Nullable(Type.String()),
    clvFitStatus: Nullable(
      Type.Union([Type.Literal('converged'), Type.Literal('max-evaluations'), Type.Literal('non-finite-start')], {
        description: 'how the BG/NBD parameter search ended (null without a fit): converged, or stopped at its evaluation limit, or no finite likelihood at the start',
      }),
    ),
    ms: Type.Integer(),
  },
  { additionalProperties: false },
);
export type ScoringSummary = Static<typeof ScoringSummary>;

export const ScoringStatus = Type.Object(
  {
    running: Type.Boolean(),
    startedAt: Nullable(Timestamp),
    progress: Nullable(Type.Object({ stage: Type.String(), done: Type.Integer(), total: Type.Integer() }, { additionalProperties: false })),
    lastRun: Nullable(Type.Object({ finishedAt: Timestamp, summary: Nullable(ScoringSummary), error: Nullable(Type.String()) }, { additionalProperties: false })),
    model: Nullable(
      Type.Object(
        {
          fittedAt: Timestamp,
          customers: Type.Integer(),
          bgnbd: Type.Object({ r: Type.Number(), alpha: Type.Number(), a: Type.Number(), b: Type.Number(), logLikelihood: Type.Number() }, { additionalProperties: false }),
          gammaGamma: Nullable(Type.Object({ p: Type.Number(), q: Type.Number(), v: Type.Number(), logLikelihood: Type.Number() }, { additionalProperties: false })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ScoringStatus = Static<typeof ScoringStatus>;

/* ------------------------------------------------------------------------------------------------
 * Segment filter language
 *
 *   filter := { all: [filter, …] } | { any: [filter, …] } | { not: filter } | condition
 *
 * A condition names a `field`, an `op` and (for most ops) a `value`. Members without scores yet
 * have null scores; `not` is the complement, so `{ not: { field: 'rScore', op: 'gte', value: 4 } }`
 * includes them. Ranges (`between`) include both ends for numbers and are [from, to) for instants.
 * ---------------------------------------------------------------------------------------------- */

export const SEGMENT_FILTER_LIMITS = {
  /** nesting of all/any/not, the root counting as 1 */
  depth: 5,
  /** conditions in the whole filter */
  conditions: 30,
  /** entries of one all/any */
  groupItems: 20,
  /** values of one in/notIn or categories of one boughtCategory */
  values: 50,
  days: 3650,
} as const;

/** Numeric fields: scores (null until the member is scored), the effective tier level, the birthday month. */
export const SEGMENT_NUMBER_FIELDS = {
  rScore: { integer: true, min: 1, max: 5, nullable: true },
  fScore: { integer: true, min: 1, max: 5, nullable: true },
  mScore: { integer: true, min: 1, max: 5, nullable: true },
  recencyDays: { integer: true, min: 0, max: 100_000, nullable: true },
  frequency: { integer: true, min: 0, max: 1_000_000_000, nullable: true },
  monetaryFen: { integer: true, min: -2_147_483_648, max: 2_147_483_647, nullable: true },
  pAlive: { integer: false, min: 0, max: 1, nullable: true },
  churnRisk: { integer: false, min: 0, max: 1, nullable: true },
  expectedPurchases: { integer: false, min: 0, max: 1_000_000, nullable: true },
  expectedValueFen: { integer: true, min: -2_147_483_648, max: 2_147_483_647, nullable: true },
  avgIntervalDays: { integer: false, min: 0, max: 100_000, nullable: true },
  tierLevel: { integer: true, min: 0, max: 19, nullable: false },
  birthdayMonth: { integer: true, min: 1, max: 12, nullable: true },
} as const;
export type SegmentNumberField = keyof typeof SEGMENT_NUMBER_FIELDS;

/** Instants: when the member joined, when the next purchase is due. */
export const SEGMENT_INSTANT_FIELDS = { joinedAt: { nullable: false }, nextPurchaseAt: { nullable: true } } as const;
export type SegmentInstantField = keyof typeof SEGMENT_INSTANT_FIELDS;

export const SEGMENT_ENUM_FIELDS = { valueSegment: VALUE_SEGMENTS, loyaltyQuadrant: LOYALTY_QUADRANTS } as const;
export type SegmentEnumField = keyof typeof SEGMENT_ENUM_FIELDS;

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const pair = <T extends TSchema>(item: T) => Type.Array(item, { minItems: 2, maxItems: 2 });
const list = <T extends TSchema>(item: T) => Type.Array(item, { minItems: 1, maxItems: SEGMENT_FILTER_LIMITS.values });
const DayCount = Type.Integer({ minimum: 1, maximum: SEGMENT_FILTER_LIMITS.days });
const strict = { additionalProperties: false } as const;

export const COMPARE_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte'] as const;
export type CompareOp = (typeof COMPARE_OPS)[number];
const CompareOp = literals(COMPARE_OPS);
const NullOp = literals(['isNull', 'isNotNull'] as const);
const SetOp = literals(['in', 'notIn'] as const);

const NumberField = literals(Object.keys(SEGMENT_NUMBER_FIELDS) as SegmentNumberField[]);
export const NumberCondition = Type.Union([
  Type.Object({ field: NumberField, op: CompareOp, value: Type.Number() }, strict),
  Type.Object({ field: NumberField, op: Type.Literal('between'), value: pair(Type.Number()) }, strict),
  Type.Object({ field: NumberField, op: SetOp, value: list(Type.Number()) }, strict),
  Type.Object({ field: NumberField, op: NullOp }, strict),
]);

const InstantField = literals(Object.keys(SEGMENT_INSTANT_FIELDS) as SegmentInstantField[]);
export const InstantCondition = Type.Union([
  Type.Object({ field: InstantField, op: literals(['before', 'after'] as const), value: Timestamp }, strict),
  Type.Object({ field: InstantField, op: Type.Literal('between'), value: pair(Timestamp) }, strict),
  Type.Object({ field: InstantField, op: literals(['inLastDays', 'notInLastDays', 'inNextDays'] as const), value: DayCount }, strict),
  Type.Object({ field: InstantField, op: NullOp }, strict),
]);

const enumCondition = <F extends SegmentEnumField>(field: F) =>
  Type.Union([
    Type.Object({ field: Type.Literal(field), op: literals(['eq', 'ne'] as const), value: literals(SEGMENT_ENUM_FIELDS[field]) }, strict),
    Type.Object({ field: Type.Literal(field), op: SetOp, value: list(literals(SEGMENT_ENUM_FIELDS[field])) }, strict),
    Type.Object({ field: Type.Literal(field), op: NullOp }, strict),
  ]);
export const ValueSegmentCondition = enumCondition('valueSegment');
export const LoyaltyQuadrantCondition = enumCondition('loyaltyQuadrant');

export const MarketingConsentCondition = Type.Object({ field: Type.Literal('marketingConsent'), op: Type.Literal('eq'), value: Type.Boolean() }, strict);

const StoreId = IdOf('store');
export const JoinStoreCondition = Type.Union([
  Type.Object({ field: Type.Literal('joinStoreId'), op: literals(['eq', 'ne'] as const), value: StoreId }, strict),
  Type.Object({ field: Type.Literal('joinStoreId'), op: SetOp, value: list(StoreId) }, strict),
  Type.Object({ field: Type.Literal('joinStoreId'), op: NullOp }, strict),
]);

export const HighPotentialCondition = Type.Union([
  Type.Object({ field: Type.Literal('highPotential'), op: Type.Literal('has'), value: HighPotentialFlag }, strict),
  Type.Object({ field: Type.Literal('highPotential'), op: Type.Literal('hasAny') }, strict),
]);

/** A time span of purchases: the last N days up to now, or [from, to) (either end may be left open). */
export const PurchasePeriod = Type.Object(
  { lastDays: Type.Optional(DayCount), from: Type.Optional(Timestamp), to: Type.Optional(Timestamp) },
  { additionalProperties: false, description: 'either lastDays or from/to; left out: all time' },
);
export type PurchasePeriod = Static<typeof PurchasePeriod>;

const PurchaseField = literals(['purchaseCount', 'purchaseAmountFen'] as const);
const PurchaseValue = Type.Integer({ minimum: 0, maximum: 2_000_000_000 });
/** Orders (not fully refunded) and their amount (paid − refunded) in a period; members without any have 0. */
export const PurchaseCondition = Type.Union([
  Type.Object({ field: PurchaseField, period: Type.Optional(PurchasePeriod), op: CompareOp, value: PurchaseValue }, strict),
  Type.Object({ field: PurchaseField, period: Type.Optional(PurchasePeriod), op: Type.Literal('between'), value: pair(PurchaseValue) }, strict),
]);

const Category = Type.String({ minLength: 1, maxLength: 64 });
/** Bought at least one item of any of these categories in the period. */
export const BoughtCategoryCondition = Type.Object(
  { field: Type.Literal('boughtCategory'), op: Type.Literal('in'), value: list(Category), period: Type.Optional(PurchasePeriod) },
  strict,
);

const EventCountValue = Type.Integer({ minimum: 0, maximum: 1_000_000 });
/** Events of a type in the last N days; members without any have 0. */
export const EventCountCondition = Type.Union([
  Type.Object({ field: Type.Literal('eventCount'), eventType: EventType, lastDays: Type.Integer({ minimum: 1, maximum: 365 }), op: CompareOp, value: EventCountValue }, strict),
  Type.Object({ field: Type.Literal('eventCount'), eventType: EventType, lastDays: Type.Integer({ minimum: 1, maximum: 365 }), op: Type.Literal('between'), value: pair(EventCountValue) }, strict),
]);

export const SegmentCondition = Type.Union([
  NumberCondition,
  InstantCondition,
  ValueSegmentCondition,
  LoyaltyQuadrantCondition,
  MarketingConsentCondition,
  JoinStoreCondition,
  HighPotentialCondition,
  PurchaseCondition,
  BoughtCategoryCondition,
  EventCountCondition,
]);
export type SegmentCondition = Static<typeof SegmentCondition>;

export const SegmentFilter = Type.Recursive(
  (Self) =>
    Type.Union([
      Type.Object({ all: Type.Array(Self, { minItems: 1, maxItems: SEGMENT_FILTER_LIMITS.groupItems }) }, strict),
      Type.Object({ any: Type.Array(Self, { minItems: 1, maxItems: SEGMENT_FILTER_LIMITS.groupItems }) }, strict),
      Type.Object({ not: Self }, strict),
      SegmentCondition,
    ]),
  { $id: 'SegmentFilter', description: 'all / any / not over conditions; see SEGMENT_FILTER_LIMITS for the limits' },
);
export type SegmentFilter = { all: SegmentFilter[] } | { any: SegmentFilter[] } | { not: SegmentFilter } | SegmentCondition;

export interface SegmentFilterProblem {
  path: string;
  message: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;
const isInstant = (value: unknown): value is string => typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
const STORE_ID = /^sto_[0-9A-HJKMNP-TV-Z]{26}$/;

function allowedKeys(node: Record<string, unknown>, keys: readonly string[], path: string, problems: SegmentFilterProblem[]): void {
  for (const key of Object.keys(node)) if (!keys.includes(key)) problems.push({ path: `${path}/${key}`, message: `unknown property "${key}" (allowed here: ${keys.join(', ')})` });
}

function checkPeriod(period: unknown, path: string, problems: SegmentFilterProblem[]): void {
  if (period === undefined) return;
  if (!isObject(period)) return void problems.push({ path, message: 'must be an object { lastDays } or { from, to }' });
  allowedKeys(period, ['lastDays', 'from', 'to'], path, problems);
  const { lastDays, from, to } = period;
  if (lastDays !== undefined) {
    if (!(Number.isInteger(lastDays) && (lastDays as number) >= 1 && (lastDays as number) <= SEGMENT_FILTER_LIMITS.days)) problems.push({ path: `${path}/lastDays`, message: `must be a whole number of days from 1 to ${SEGMENT_FILTER_LIMITS.days}` });
    if (from !== undefined || to !== undefined) problems.push({ path, message: 'give either lastDays or from/to, not both' });
    return;
  }
  if (from === undefined && to === undefined) return void problems.push({ path, message: 'give lastDays, from or to (leave period out for all time)' });
  if (from !== undefined && !isInstant(from)) problems.push({ path: `${path}/from`, message: 'must be an ISO 8601 date-time' });
  if (to !== undefined && !isInstant(to)) problems.push({ path: `${path}/to`, message: 'must be an ISO 8601 date-time' });
  if (isInstant(from) && isInstant(to) && Date.parse(from) >= Date.parse(to)) problems.push({ path, message: 'from must be before to' });
}

type ValueCheck = (value: unknown) => string | null;

/** The value an op needs: none, one, a [low, high] pair or a list. */
function checkValue(node: Record<string, unknown>, op: string, path: string, one: ValueCheck, problems: SegmentFilterProblem[], ordered?: (a: unknown, b: unknown) => boolean): void {
  const value = node.value;
  if (['isNull', 'isNotNull', 'hasAny'].includes(op)) {
    if (value !== undefined) problems.push({ path: `${path}/value`, message: `op "${op}" takes no value` });
    return;
  }
  if (value === undefined) return void problems.push({ path: `${path}/value`, message: `op "${op}" needs a value` });
  if (op === 'between') {
    if (!Array.isArray(value) || value.length !== 2) return void problems.push({ path: `${path}/value`, message: 'between needs [low, high]' });
    value.forEach((item, index) => {
      const problem = one(item);
      if (problem) problems.push({ path: `${path}/value/${index}`, message: problem });
    });
    if (!one(value[0]) && !one(value[1]) && ordered && !ordered(value[0], value[1])) problems.push({ path: `${path}/value`, message: 'the low end must not be above the high end' });
    return;
  }
  if (op === 'in' || op === 'notIn') {
    if (!Array.isArray(value) || value.length < 1 || value.length > SEGMENT_FILTER_LIMITS.values) {
      return void problems.push({ path: `${path}/value`, message: `${op} needs a list of 1 to ${SEGMENT_FILTER_LIMITS.values} values` });
    }
    value.forEach((item, index) => {
      const problem = one(item);
      if (problem) problems.push({ path: `${path}/value/${index}`, message: problem });
    });
    return;
  }
  const problem = one(value);
  if (problem) problems.push({ path: `${path}/value`, message: problem });
}

function checkOp(op: unknown, ops: readonly string[], field: string, path: string, problems: SegmentFilterProblem[]): op is string {
  if (typeof op === 'string' && ops.includes(op)) return true;
  problems.push({ path: `${path}/op`, message: `${field} takes op ${ops.map((o) => `"${o}"`).join(', ')}` });
  return false;
}

const numberCheck =
  (spec: { integer: boolean; min: number; max: number }): ValueCheck =>
  (value) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'must be a number';
    if (spec.integer && !Number.isInteger(value)) return 'must be a whole number';
    if (value < spec.min || value > spec.max) return `must be from ${spec.min} to ${spec.max}`;
    return null;
  };
const oneOf =
  (values: readonly string[]): ValueCheck =>
  (value) =>
    typeof value === 'string' && values.includes(value) ? null : `must be one of ${values.join(', ')}`;
const numberOrder = (a: unknown, b: unknown) => (a as number) <= (b as number);

function checkCondition(node: Record<string, unknown>, path: string, problems: SegmentFilterProblem[]): void {
  const field = node.field;
  const op = node.op;
  if (typeof field !== 'string') return void problems.push({ path, message: 'a condition needs a field (or use all / any / not)' });
  if (field in SEGMENT_NUMBER_FIELDS) {
    const spec = SEGMENT_NUMBER_FIELDS[field as SegmentNumberField];
    allowedKeys(node, ['field', 'op', 'value'], path, problems);
    const ops = [...COMPARE_OPS, 'between', 'in', 'notIn', ...(spec.nullable ? ['isNull', 'isNotNull'] : [])];
    if (checkOp(op, ops, field, path, problems)) checkValue(node, op, path, numberCheck(spec), problems, numberOrder);
  } else if (field in SEGMENT_INSTANT_FIELDS) {
    const spec = SEGMENT_INSTANT_FIELDS[field as SegmentInstantField];
    allowedKeys(node, ['field', 'op', 'value'], path, problems);
    const ops = ['before', 'after', 'between', 'inLastDays', 'notInLastDays', 'inNextDays', ...(spec.nullable ? ['isNull', 'isNotNull'] : [])];
    if (!checkOp(op, ops, field, path, problems)) return;
    const check: ValueCheck = op.endsWith('Days')
      ? numberCheck({ integer: true, min: 1, max: SEGMENT_FILTER_LIMITS.days })
      : (value) => (isInstant(value) ? null : 'must be an ISO 8601 date-time');
    checkValue(node, op, path, check, problems, (a, b) => Date.parse(a as string) < Date.parse(b as string));
  } else if (field in SEGMENT_ENUM_FIELDS) {
    allowedKeys(node, ['field', 'op', 'value'], path, problems);
    if (checkOp(op, ['eq', 'ne', 'in', 'notIn', 'isNull', 'isNotNull'], field, path, problems)) checkValue(node, op, path, oneOf(SEGMENT_ENUM_FIELDS[field as SegmentEnumField]), problems);
  } else if (field === 'marketingConsent') {
    allowedKeys(node, ['field', 'op', 'value'], path, problems);
    if (checkOp(op, ['eq'], field, path, problems)) checkValue(node, op, path, (value) => (typeof value === 'boolean' ? null : 'must be true or false'), problems);
  } else if (field === 'joinStoreId') {
    allowedKeys(node, ['field', 'op', 'value'], path, problems);
    if (checkOp(op, ['eq', 'ne', 'in', 'notIn', 'isNull', 'isNotNull'], field, path, problems)) {
      checkValue(node, op, path, (value) => (typeof value === 'string' && STORE_ID.test(value) ? null : 'must be a store id'), problems);
    }
  } else if (field === 'highPotential') {
    allowedKeys(node, ['field', 'op', 'value'], path, problems);
    if (checkOp(op, ['has', 'hasAny'], field, path, problems)) checkValue(node, op, path, oneOf(HIGH_POTENTIAL_FLAGS), problems);
  } else if (field === 'purchaseCount' || field === 'purchaseAmountFen') {
    allowedKeys(node, ['field', 'op', 'value', 'period'], path, problems);
    checkPeriod(node.period, `${path}/period`, problems);
    if (checkOp(op, [...COMPARE_OPS, 'between'], field, path, problems)) checkValue(node, op, path, numberCheck({ integer: true, min: 0, max: 2_000_000_000 }), problems, numberOrder);
  } else if (field === 'boughtCategory') {
    allowedKeys(node, ['field', 'op', 'value', 'period'], path, problems);
    checkPeriod(node.period, `${path}/period`, problems);
    if (checkOp(op, ['in'], field, path, problems)) {
      checkValue(node, op, path, (value) => (typeof value === 'string' && value.length >= 1 && value.length <= 64 ? null : 'must be a category name of 1 to 64 characters'), problems);
    }
  } else if (field === 'eventCount') {
    allowedKeys(node, ['field', 'op', 'value', 'eventType', 'lastDays'], path, problems);
    if (!(typeof node.eventType === 'string' && (EVENT_TYPES as readonly string[]).includes(node.eventType))) problems.push({ path: `${path}/eventType`, message: `must be one of ${EVENT_TYPES.join(', ')}` });
    if (!(Number.isInteger(node.lastDays) && (node.lastDays as number) >= 1 && (node.lastDays as number) <= 365)) problems.push({ path: `${path}/lastDays`, message: 'must be a whole number of days from 1 to 365' });
    if (checkOp(op, [...COMPARE_OPS, 'between'], field, path, problems)) checkValue(node, op, path, numberCheck({ integer: true, min: 0, max: 1_000_000 }), problems, numberOrder);
  } else {
    problems.push({ path: `${path}/field`, message: `unknown field "${field.slice(0, 40)}"` });
  }
}

/**
 * Every problem of a segment filter, each with its path (`body/filter/all/1/value`) and a message
 * meant for the operator who built it; [] when the filter is valid. Also enforces the limits
 * (SEGMENT_FILTER_LIMITS), which a JSON schema cannot express.
 */
export function segmentFilterProblems(filter: unknown, basePath = 'filter'): SegmentFilterProblem[] {
  const problems: SegmentFilterProblem[] = [];
  let conditions = 0;
  const visit = (node: unknown, path: string, depth: number): void => {
    if (problems.length >= 20) return;
    if (depth > SEGMENT_FILTER_LIMITS.depth) return void problems.push({ path, message: `nested deeper than ${SEGMENT_FILTER_LIMITS.depth} levels` });
    if (!isObject(node)) return void problems.push({ path, message: 'must be an object: { all }, { any }, { not } or a condition' });
    const group = ['all', 'any', 'not'].filter((key) => key in node);
    if (group.length > 1 || (group.length === 1 && Object.keys(node).length > 1)) {
      return void problems.push({ path, message: 'a group has exactly one of all, any, not and nothing else' });
    }
    if (group[0] === 'not') return visit(node.not, `${path}/not`, depth + 1);
    if (group[0] === 'all' || group[0] === 'any') {
      const items = node[group[0]];
      if (!Array.isArray(items) || items.length < 1 || items.length > SEGMENT_FILTER_LIMITS.groupItems) {
        return void problems.push({ path: `${path}/${group[0]}`, message: `must be a list of 1 to ${SEGMENT_FILTER_LIMITS.groupItems} filters` });
      }
      items.forEach((item, index) => visit(item, `${path}/${group[0]}/${index}`, depth + 1));
      return;
    }
    conditions++;
    if (conditions === SEGMENT_FILTER_LIMITS.conditions + 1) problems.push({ path, message: `more than ${SEGMENT_FILTER_LIMITS.conditions} conditions` });
    checkCondition(node, path, problems);
  };
  visit(filter, basePath, 1);
  return problems;
}

/* ------------------------------------------------------------------------------------------------
 * Segments
 * ---------------------------------------------------------------------------------------------- */

export const SegmentName = Type.String({ minLength: 1, maxLength: 100 });

export const SegmentBody = Type.Object({ name: SegmentName, filter: SegmentFilter }, strict);
export type SegmentBody = { name: string; filter: SegmentFilter };

export const SegmentPreviewBody = Type.Object(
  { filter: SegmentFilter, sampleSize: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, default: 20 })) },
  strict,
);
export type SegmentPreviewBody = { filter: SegmentFilter; sampleSize?: number };

export const SegmentPreview = Type.Object(
  { count: Type.Integer({ minimum: 0 }), sample: Type.Array(MemberStaffView), countedAt: Timestamp, ms: Type.Integer({ minimum: 0 }) },
  strict,
);
export type SegmentPreview = Static<typeof SegmentPreview>;

export const SegmentCount = Type.Object({ segmentId: IdOf('segment'), count: Type.Integer({ minimum: 0 }), countedAt: Timestamp, ms: Type.Integer({ minimum: 0 }) }, strict);
export type SegmentCount = Static<typeof SegmentCount>;

export const Segment = Type.Object(
  {
    id: IdOf('segment'),
    name: Type.String(),
    filter: SegmentFilter,
    lastCount: Nullable(Type.Integer()),
    lastCountedAt: Nullable(Timestamp),
    createdBy: Nullable(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  strict,
);
export type Segment = Omit<Static<typeof Segment>, 'filter'> & { filter: SegmentFilter };

/* ------------------------------------------------------------------------------------------------
 * Dashboard
 * ---------------------------------------------------------------------------------------------- */

export const DashboardQuery = Type.Object(
  {
    from: Type.Optional(CalendarDate),
    to: Type.Optional(CalendarDate),
  },
  { additionalProperties: false, description: 'business days in the brand’s time zone, both included; default: the last 30 days up to today' },
);
export type DashboardQuery = Static<typeof DashboardQuery>;

const Count = Type.Integer({ minimum: 0 });
const Rate = Nullable(Type.Number({ minimum: 0, maximum: 1, description: 'null when there is nothing to divide by' }));

export const Dashboard = Type.Object(
  {
    from: CalendarDate,
    to: CalendarDate,
    members: Type.Object({ total: Count, newInRange: Count }, strict),
    activeRate: Type.Object({ buyers: Count, rate: Rate }, strict),
    orders: Type.Object({ count: Count, netFen: Type.Integer(), averageOrderValueFen: Nullable(Type.Integer()) }, strict),
    repurchase: Type.Object({ buyers: Count, repeatBuyers: Count, rate: Rate }, strict),
    points: Type.Object({ issued: Type.Integer(), redeemed: Type.Integer(), expired: Type.Integer() }, strict),
    tiers: Type.Array(Type.Object({ level: Type.Integer(), count: Count }, strict), { description: 'effective level now' }),
    valueSegments: Type.Array(Type.Object({ segment: ValueSegment, count: Count }, strict), { description: 'from the latest scores' }),
    rfmGrid: Type.Array(Type.Object({ r: Type.Integer(), f: Type.Integer(), count: Count }, strict), { description: 'from the latest scores, members with an R and F score' }),
    scoresComputedAt: Nullable(Timestamp),
  },
  strict,
);
export type Dashboard = Static<typeof Dashboard>;
