import { segmentFilterProblems, type SegmentFilter } from '@memberloop/shared';
import { and, eq, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { memberScores } from '../src/modules/analytics/analytics.tables';
import { compileSegmentFilter } from '../src/modules/analytics/segment-compiler';
import { members } from '../src/modules/members/members.tables';
import { memberTiers } from '../src/modules/tiers/tiers.tables';
import { DAY, T0, daysAgo, insertEvents, insertPurchase, memberJoinedAt } from './analytics-fixtures';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;
let other: BrandFixture;
let tokens: { operator: string; admin: string; clerk: string; otherOperator: string };
const m: Record<string, string> = {};
const later = (days: number) => new Date(T0.getTime() + days * DAY);

type Scores = Partial<typeof memberScores.$inferInsert>;

async function setScores(brandId: string, memberId: string, scores: Scores) {
  await server.database.db.insert(memberScores).values({ brandId, memberId, computedAt: T0, valueSegment: 'normal', ...scores });
}

async function setTier(brandId: string, memberId: string, tier: { level: number; manualLevel?: number; manualUntil?: Date }) {
  await server.database.db.insert(memberTiers).values({ brandId, memberId, level: tier.level, manualLevel: tier.manualLevel ?? null, manualUntil: tier.manualUntil ?? null, levelSince: daysAgo(100) });
}

async function setProfile(memberId: string, profile: Partial<typeof members.$inferInsert>) {
  await server.database.db.update(members).set(profile).where(eq(members.id, memberId));
}

/**
 * Four active members with known profile, tier, scores, purchases and events, a disabled member
 * who matches everything, and a member of another brand who does too.
 *
 *         joined  birthday  consent store  tier (effective)     scores                                   orders                       events
 *   m1    100d    03-15     yes     1      2                    r5 f4 m3 high_value heavy_loyal p.9      2 × 10.00 in 30d, skincare   3 view_item in 7d
 *   m2     10d    —         no      —      0, manual 3 (runs)   new, no RFM                              —                            —
 *   m3    400d    12-01     yes     2      1, manual 3 (ended)  r2 f1 m1 churned light_occ. p.05         50.00 200d ago, makeup       —
 *   m4     50d    —         no      —      no row → 0           (not scored)                             30.00 in 30d, makeup         —
 */
async function seed() {
  const [store1, store2] = brand.storeIds;
  m.m1 = (await memberJoinedAt(server, 'seg', 'seg-m1', 100)).id;
  m.m2 = (await memberJoinedAt(server, 'seg', 'seg-m2', 10)).id;
  m.m3 = (await memberJoinedAt(server, 'seg', 'seg-m3', 400)).id;
  m.m4 = (await memberJoinedAt(server, 'seg', 'seg-m4', 50)).id;
  m.m5 = (await memberJoinedAt(server, 'seg', 'seg-m5', 100)).id;
  m.x1 = (await memberJoinedAt(server, 'seg-other', 'seg-x1', 100)).id;

  await setProfile(m.m1, { birthday: '1990-03-15', marketingConsent: true, joinStoreId: store1 });
  await setProfile(m.m3, { birthday: '1985-12-01', marketingConsent: true, joinStoreId: store2 });
  await setProfile(m.m5, { birthday: '1990-03-15', marketingConsent: true, joinStoreId: store1, status: 'disabled' });
  await setProfile(m.x1, { birthday: '1990-03-15', marketingConsent: true });

  await setTier(brand.brandId, m.m1, { level: 2 });
  await setTier(brand.brandId, m.m2, { level: 0, manualLevel: 3, manualUntil: later(10) });
  await setTier(brand.brandId, m.m3, { level: 1, manualLevel: 3, manualUntil: daysAgo(1) });
  await setTier(brand.brandId, m.m5, { level: 2 });
  await setTier(other.brandId, m.x1, { level: 2 });

  const high: Scores = {
    rScore: 5,
    fScore: 4,
    mScore: 3,
    recencyDays: 5,
    frequency: 2,
    monetaryFen: 2000,
    valueSegment: 'high_value',
    loyaltyQuadrant: 'heavy_loyal',
    pAlive: 0.9,
    churnRisk: 0.1,
    expectedPurchases: 4.5,
    expectedValueFen: 50_000,
    avgIntervalDays: 8,
    nextPurchaseAt: later(3),
    highPotential: [{ flag: 'rising_frequency', reason: 'test' }],
  };
  await setScores(brand.brandId, m.m1, high);
  await setScores(brand.brandId, m.m2, { valueSegment: 'new' });
  await setScores(brand.brandId, m.m3, { rScore: 2, fScore: 1, mScore: 1, recencyDays: 200, frequency: 1, monetaryFen: 5000, valueSegment: 'churned', loyaltyQuadrant: 'light_occasional', pAlive: 0.05, churnRisk: 0.95, expectedValueFen: 100 });
  await setScores(brand.brandId, m.m5, high);
  await setScores(other.brandId, m.x1, high);

  for (const [memberId, brandId] of [[m.m1, brand.brandId], [m.m5, brand.brandId], [m.x1, other.brandId]] as const) {
    await insertPurchase(server, { brandId, memberId, paidFen: 1000, at: daysAgo(5), categories: ['skincare'] });
    await insertPurchase(server, { brandId, memberId, paidFen: 1000, at: daysAgo(12), categories: ['skincare'] });
    await insertEvents(server, { brandId, memberId, type: 'view_item', ats: [daysAgo(1), daysAgo(2), daysAgo(3)] });
  }
  await insertPurchase(server, { brandId: brand.brandId, memberId: m.m1, paidFen: 7000, refundedFen: 7000, at: daysAgo(3), categories: ['makeup'] });
  await insertPurchase(server, { brandId: brand.brandId, memberId: m.m3, paidFen: 5000, at: daysAgo(200), categories: ['makeup'] });
  await insertPurchase(server, { brandId: brand.brandId, memberId: m.m4, paidFen: 3000, at: daysAgo(20), categories: ['makeup'] });
  await insertEvents(server, { brandId: brand.brandId, memberId: m.m1, type: 'share', ats: [daysAgo(20)] });
}

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('seg');
  other = await server.createBrand('seg-other');
  tokens = {
    operator: await server.staffToken('seg', 'operator'),
    admin: await server.staffToken('seg', 'admin'),
    clerk: await server.staffToken('seg', 'clerk'),
    otherOperator: await server.staffToken('seg-other', 'operator'),
  };
  await seed();
  server.clock.set(T0);
});
afterAll(() => server.close());

async function preview(filter: unknown, token = tokens.operator) {
  return server.call({ method: 'POST', url: '/segments/preview', token, payload: { filter } as object });
}

/** The members (by name) a filter selects, through the preview route. */
async function selected(filter: SegmentFilter): Promise<string[]> {
  const response = await preview(filter);
  if (response.status !== 200) throw new Error(`preview failed: ${JSON.stringify(response.body)}`);
  const names = Object.fromEntries(Object.entries(m).map(([name, id]) => [id, name]));
  const found = (response.body.sample as { id: string }[]).map((member) => names[member.id] ?? member.id).sort();
  expect(response.body.count).toBe(found.length);
  return found;
}

const iso = (date: Date) => date.toISOString();

const CASES: [string, SegmentFilter, string[]][] = [
  ['rScore eq', { field: 'rScore', op: 'eq', value: 5 }, ['m1']],
  ['rScore ne (nulls are unknown)', { field: 'rScore', op: 'ne', value: 5 }, ['m3']],
  ['rScore gt', { field: 'rScore', op: 'gt', value: 2 }, ['m1']],
  ['rScore gte', { field: 'rScore', op: 'gte', value: 2 }, ['m1', 'm3']],
  ['rScore lt', { field: 'rScore', op: 'lt', value: 5 }, ['m3']],
  ['rScore lte', { field: 'rScore', op: 'lte', value: 2 }, ['m3']],
  ['rScore between', { field: 'rScore', op: 'between', value: [2, 4] }, ['m3']],
  ['rScore in', { field: 'rScore', op: 'in', value: [2, 5] }, ['m1', 'm3']],
  ['rScore notIn', { field: 'rScore', op: 'notIn', value: [5] }, ['m3']],
  ['rScore isNull', { field: 'rScore', op: 'isNull' }, ['m2', 'm4']],
  ['rScore isNotNull', { field: 'rScore', op: 'isNotNull' }, ['m1', 'm3']],
  ['fScore / mScore', { all: [{ field: 'fScore', op: 'eq', value: 4 }, { field: 'mScore', op: 'eq', value: 3 }] }, ['m1']],
  ['pAlive gt', { field: 'pAlive', op: 'gt', value: 0.5 }, ['m1']],
  ['pAlive between', { field: 'pAlive', op: 'between', value: [0, 0.1] }, ['m3']],
  ['churnRisk gte', { field: 'churnRisk', op: 'gte', value: 0.9 }, ['m3']],
  ['expectedValueFen gte', { field: 'expectedValueFen', op: 'gte', value: 10_000 }, ['m1']],
  ['expectedPurchases isNotNull', { field: 'expectedPurchases', op: 'isNotNull' }, ['m1']],
  ['recencyDays lte', { field: 'recencyDays', op: 'lte', value: 30 }, ['m1']],
  ['frequency gte', { field: 'frequency', op: 'gte', value: 1 }, ['m1', 'm3']],
  ['monetaryFen gt', { field: 'monetaryFen', op: 'gt', value: 3000 }, ['m3']],
  ['avgIntervalDays lt', { field: 'avgIntervalDays', op: 'lt', value: 10 }, ['m1']],
  ['tierLevel (manual while it lasts)', { field: 'tierLevel', op: 'gte', value: 2 }, ['m1', 'm2']],
  ['tierLevel eq 0 without a tier row', { field: 'tierLevel', op: 'eq', value: 0 }, ['m4']],
  ['tierLevel in (ended manual level)', { field: 'tierLevel', op: 'in', value: [0, 1] }, ['m3', 'm4']],
  ['birthdayMonth eq', { field: 'birthdayMonth', op: 'eq', value: 3 }, ['m1']],
  ['birthdayMonth in', { field: 'birthdayMonth', op: 'in', value: [3, 12] }, ['m1', 'm3']],
  ['birthdayMonth isNull', { field: 'birthdayMonth', op: 'isNull' }, ['m2', 'm4']],
  ['joinedAt inLastDays', { field: 'joinedAt', op: 'inLastDays', value: 30 }, ['m2']],
  ['joinedAt notInLastDays', { field: 'joinedAt', op: 'notInLastDays', value: 365 }, ['m3']],
  ['joinedAt before', { field: 'joinedAt', op: 'before', value: iso(daysAgo(60)) }, ['m1', 'm3']],
  ['joinedAt after', { field: 'joinedAt', op: 'after', value: iso(daysAgo(60)) }, ['m2', 'm4']],
  ['joinedAt between [from, to)', { field: 'joinedAt', op: 'between', value: [iso(daysAgo(120)), iso(daysAgo(50))] }, ['m1']],
  ['nextPurchaseAt inNextDays', { field: 'nextPurchaseAt', op: 'inNextDays', value: 7 }, ['m1']],
  ['nextPurchaseAt isNull', { field: 'nextPurchaseAt', op: 'isNull' }, ['m2', 'm3', 'm4']],
  ['valueSegment eq', { field: 'valueSegment', op: 'eq', value: 'high_value' }, ['m1']],
  ['valueSegment ne', { field: 'valueSegment', op: 'ne', value: 'high_value' }, ['m2', 'm3']],
  ['valueSegment in', { field: 'valueSegment', op: 'in', value: ['new', 'churned'] }, ['m2', 'm3']],
  ['valueSegment notIn', { field: 'valueSegment', op: 'notIn', value: ['new', 'churned'] }, ['m1']],
  ['valueSegment isNull (not scored)', { field: 'valueSegment', op: 'isNull' }, ['m4']],
  ['loyaltyQuadrant eq', { field: 'loyaltyQuadrant', op: 'eq', value: 'heavy_loyal' }, ['m1']],
  ['loyaltyQuadrant isNotNull', { field: 'loyaltyQuadrant', op: 'isNotNull' }, ['m1', 'm3']],
  ['marketingConsent true', { field: 'marketingConsent', op: 'eq', value: true }, ['m1', 'm3']],
  ['marketingConsent false', { field: 'marketingConsent', op: 'eq', value: false }, ['m2', 'm4']],
  ['highPotential hasAny', { field: 'highPotential', op: 'hasAny' }, ['m1']],
  ['highPotential has', { field: 'highPotential', op: 'has', value: 'rising_frequency' }, ['m1']],
  ['highPotential has (nobody)', { field: 'highPotential', op: 'has', value: 'engaged_not_buying' }, []],
  ['purchaseCount gte in the last days', { field: 'purchaseCount', period: { lastDays: 30 }, op: 'gte', value: 1 }, ['m1', 'm4']],
  ['purchaseCount gte 2 (refunded orders do not count)', { field: 'purchaseCount', period: { lastDays: 30 }, op: 'gte', value: 2 }, ['m1']],
  ['purchaseCount eq 0 includes members without orders', { field: 'purchaseCount', period: { lastDays: 30 }, op: 'eq', value: 0 }, ['m2', 'm3']],
  ['purchaseCount lt', { field: 'purchaseCount', period: { lastDays: 30 }, op: 'lt', value: 1 }, ['m2', 'm3']],
  ['purchaseCount ne', { field: 'purchaseCount', period: { lastDays: 30 }, op: 'ne', value: 2 }, ['m2', 'm3', 'm4']],
  ['purchaseCount between from 0', { field: 'purchaseCount', period: { lastDays: 30 }, op: 'between', value: [0, 1] }, ['m2', 'm3', 'm4']],
  ['purchaseCount all time', { field: 'purchaseCount', op: 'gte', value: 1 }, ['m1', 'm3', 'm4']],
  ['purchaseCount from/to', { field: 'purchaseCount', period: { from: iso(daysAgo(250)), to: iso(daysAgo(100)) }, op: 'gt', value: 0 }, ['m3']],
  ['purchaseCount from only', { field: 'purchaseCount', period: { from: iso(daysAgo(10)) }, op: 'eq', value: 1 }, ['m1']],
  ['purchaseAmountFen gt', { field: 'purchaseAmountFen', period: { lastDays: 30 }, op: 'gt', value: 2500 }, ['m4']],
  ['purchaseAmountFen lte', { field: 'purchaseAmountFen', period: { lastDays: 30 }, op: 'lte', value: 2000 }, ['m1', 'm2', 'm3']],
  ['boughtCategory in the last days', { field: 'boughtCategory', op: 'in', value: ['makeup'], period: { lastDays: 30 } }, ['m4']],
  ['boughtCategory all time', { field: 'boughtCategory', op: 'in', value: ['makeup'] }, ['m3', 'm4']],
  ['boughtCategory any of', { field: 'boughtCategory', op: 'in', value: ['skincare', 'makeup'] }, ['m1', 'm3', 'm4']],
  ['eventCount gte', { field: 'eventCount', eventType: 'view_item', lastDays: 7, op: 'gte', value: 3 }, ['m1']],
  ['eventCount eq 0', { field: 'eventCount', eventType: 'view_item', lastDays: 7, op: 'eq', value: 0 }, ['m2', 'm3', 'm4']],
  ['eventCount outside the days', { field: 'eventCount', eventType: 'share', lastDays: 7, op: 'gte', value: 1 }, []],
  ['eventCount between', { field: 'eventCount', eventType: 'share', lastDays: 30, op: 'between', value: [1, 5] }, ['m1']],
  ['joinStoreId eq', { field: 'joinStoreId', op: 'eq', value: 'STORE1' }, ['m1']],
  ['joinStoreId ne', { field: 'joinStoreId', op: 'ne', value: 'STORE1' }, ['m3']],
  ['joinStoreId notIn', { field: 'joinStoreId', op: 'notIn', value: ['STORE1'] }, ['m3']],
  ['joinStoreId isNull', { field: 'joinStoreId', op: 'isNull' }, ['m2', 'm4']],
  ['all', { all: [{ field: 'rScore', op: 'gte', value: 2 }, { field: 'tierLevel', op: 'gte', value: 2 }] }, ['m1']],
  ['any', { any: [{ field: 'valueSegment', op: 'eq', value: 'new' }, { field: 'birthdayMonth', op: 'eq', value: 12 }] }, ['m2', 'm3']],
  ['not is the complement (nulls included)', { not: { field: 'rScore', op: 'gte', value: 4 } }, ['m2', 'm3', 'm4']],
  ['not all', { not: { all: [{ field: 'marketingConsent', op: 'eq', value: true }, { field: 'tierLevel', op: 'gte', value: 2 }] } }, ['m2', 'm3', 'm4']],
  ['not any', { not: { any: [{ field: 'valueSegment', op: 'eq', value: 'new' }, { field: 'purchaseCount', period: { lastDays: 30 }, op: 'gte', value: 1 }] } }, ['m3']],
  ['not not', { not: { not: { field: 'rScore', op: 'gte', value: 4 } } }, ['m1']],
  ['not of a zero-count condition', { not: { field: 'purchaseCount', period: { lastDays: 30 }, op: 'eq', value: 0 } }, ['m1', 'm4']],
  // with a condition on the member's own data, period figures are per-member subqueries instead of joined aggregates
  ['purchaseCount gte 2 and consent', { all: [{ field: 'marketingConsent', op: 'eq', value: true }, { field: 'purchaseCount', period: { lastDays: 30 }, op: 'gte', value: 2 }] }, ['m1']],
  ['purchaseCount eq 0 and no consent (members without orders count as 0)', { all: [{ field: 'marketingConsent', op: 'eq', value: false }, { field: 'purchaseCount', period: { lastDays: 30 }, op: 'eq', value: 0 }] }, ['m2']],
  ['purchaseAmountFen lte and consent', { all: [{ field: 'marketingConsent', op: 'eq', value: true }, { field: 'purchaseAmountFen', period: { lastDays: 30 }, op: 'lte', value: 2000 }] }, ['m1', 'm3']],
  ['eventCount eq 0 and no consent', { all: [{ field: 'marketingConsent', op: 'eq', value: false }, { field: 'eventCount', eventType: 'view_item', lastDays: 7, op: 'eq', value: 0 }] }, ['m2', 'm4']],
  ['not of a zero-count condition, and consent', { all: [{ field: 'marketingConsent', op: 'eq', value: true }, { not: { field: 'purchaseCount', period: { lastDays: 30 }, op: 'eq', value: 0 } }] }, ['m1']],
  [
    'score + tier + purchase date',
    { all: [{ field: 'rScore', op: 'gte', value: 4 }, { field: 'tierLevel', op: 'gte', value: 2 }, { field: 'purchaseCount', period: { lastDays: 30 }, op: 'gte', value: 1 }] },
    ['m1'],
  ],
  [
    'nested groups',
    {
      any: [
        { all: [{ field: 'marketingConsent', op: 'eq', value: true }, { not: { field: 'valueSegment', op: 'eq', value: 'high_value' } }] },
        { all: [{ field: 'rScore', op: 'isNull' }, { field: 'boughtCategory', op: 'in', value: ['makeup'] }] },
      ],
    },
    ['m3', 'm4'],
  ],
];

describe('segment filters select the right members', () => {
  it.each(CASES)('%s', async (_name, filter, expected) => {
    const withStores = JSON.parse(JSON.stringify(filter).replaceAll('STORE1', brand.storeIds[0])) as SegmentFilter;
    expect(await selected(withStores)).toEqual(expected);
  });

  it('never counts disabled members or another brand’s members, and samples staff views', async () => {
    const response = await preview({ field: 'rScore', op: 'gte', value: 1 });
    expect(response.body.count).toBe(2);
    expect(response.body.sample[0]).toMatchObject({ id: m.m1, brandId: brand.brandId, maskedPhone: null });
    expect(response.body.sample[0].phone).toBeUndefined();
    expect(await server.app.services.analytics.countSegment(other.brandId, { field: 'rScore', op: 'gte', value: 1 })).toBe(1);
  });

  it('counts through the service for scripts, and refuses a bad filter there too', async () => {
    const filter: SegmentFilter = { field: 'purchaseCount', period: { lastDays: 30 }, op: 'gte', value: 1 };
    expect(await server.app.services.analytics.countSegment(brand.brandId, filter)).toBe(2);
    await expect(server.app.services.analytics.countSegment(brand.brandId, { field: 'rScore', op: 'gte', value: 6 } as SegmentFilter)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('limits the sample', async () => {
    const response = await server.call({ method: 'POST', url: '/segments/preview', token: tokens.admin, payload: { filter: { field: 'tierLevel', op: 'gte', value: 0 }, sampleSize: 1 } });
    expect(response.body.count).toBe(4);
    expect(response.body.sample).toHaveLength(1);
    const none = await server.call({ method: 'POST', url: '/segments/preview', token: tokens.admin, payload: { filter: { field: 'tierLevel', op: 'gte', value: 0 }, sampleSize: 0 } });
    expect(none.body).toMatchObject({ count: 4, sample: [] });
  });
});

describe('bad filters', () => {
  const problemsOf = async (filter: unknown) => {
    const response = await preview(filter);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    return response.body.details as { path: string; message: string }[];
  };

  it('name the path and say what is wrong', async () => {
    expect(await problemsOf({ all: [{ field: 'rScore', op: 'gte', value: 4 }, { field: 'rScore', op: 'gte', value: 9 }] })).toEqual([{ path: 'body/filter/all/1/value', message: 'must be from 1 to 5' }]);
    expect(await problemsOf({ field: 'phone', op: 'eq', value: '138' })).toEqual([{ path: 'body/filter/field', message: 'unknown field "phone"' }]);
    expect(await problemsOf({ field: 'valueSegment', op: 'gte', value: 'new' })).toEqual([{ path: 'body/filter/op', message: 'valueSegment takes op "eq", "ne", "in", "notIn", "isNull", "isNotNull"' }]);
    expect(await problemsOf({ field: 'tierLevel', op: 'isNull' })).toEqual([expect.objectContaining({ path: 'body/filter/op' })]);
    expect(await problemsOf({ field: 'rScore', op: 'between', value: [4, 2] })).toEqual([{ path: 'body/filter/value', message: 'the low end must not be above the high end' }]);
    expect(await problemsOf({ field: 'rScore', op: 'isNull', value: 1 })).toEqual([{ path: 'body/filter/value', message: 'op "isNull" takes no value' }]);
    expect(await problemsOf({ field: 'rScore', op: 'eq' })).toEqual([{ path: 'body/filter/value', message: 'op "eq" needs a value' }]);
    expect(await problemsOf({ field: 'purchaseCount', op: 'gte', value: 1, period: { lastDays: 30, from: iso(T0) } })).toEqual([{ path: 'body/filter/period', message: 'give either lastDays or from/to, not both' }]);
    expect(await problemsOf({ field: 'purchaseCount', op: 'gte', value: 1, period: { from: iso(T0), to: iso(daysAgo(1)) } })).toEqual([{ path: 'body/filter/period', message: 'from must be before to' }]);
    expect(await problemsOf({ field: 'eventCount', eventType: 'hack', lastDays: 7, op: 'gte', value: 1 })).toEqual([expect.objectContaining({ path: 'body/filter/eventType' })]);
    expect(await problemsOf({ field: 'joinedAt', op: 'before', value: 'yesterday' })).toEqual([{ path: 'body/filter/value', message: 'must be an ISO 8601 date-time' }]);
    expect(await problemsOf({ all: [], any: [] })).toEqual([{ path: 'body/filter', message: 'a group has exactly one of all, any, not and nothing else' }]);
    expect(await problemsOf({ all: [] })).toEqual([{ path: 'body/filter/all', message: 'must be a list of 1 to 20 filters' }]);
    expect(await problemsOf({ field: 'rScore', op: 'gte', value: 4, sql: '1=1' })).toEqual([{ path: 'body/filter/sql', message: 'unknown property "sql" (allowed here: field, op, value)' }]);
  });

  it('enforce the depth, size and list limits', async () => {
    const leaf = { field: 'rScore', op: 'gte', value: 1 };
    let deep: unknown = leaf;
    for (let i = 0; i < 5; i++) deep = { not: deep };
    expect(await problemsOf(deep)).toEqual([{ path: 'body/filter/not/not/not/not/not', message: 'nested deeper than 5 levels' }]);
    expect(await problemsOf({ any: Array.from({ length: 21 }, () => leaf) })).toEqual([expect.objectContaining({ path: 'body/filter/any' })]);
    const wide = { all: Array.from({ length: 2 }, () => ({ any: Array.from({ length: 16 }, () => leaf) })) };
    expect(await problemsOf(wide)).toEqual([{ path: 'body/filter/all/1/any/14', message: 'more than 30 conditions' }]);
    expect(await problemsOf({ field: 'boughtCategory', op: 'in', value: Array.from({ length: 51 }, (_, i) => `c${i}`) })).toEqual([{ path: 'body/filter/value', message: 'in needs a list of 1 to 50 values' }]);
    // built as text: nested this deep, JSON.stringify itself runs out of stack
    for (const levels of [5000, 120_000]) {
      const payload = `{"filter":${'{"not":'.repeat(levels)}${JSON.stringify(leaf)}${'}'.repeat(levels)}}`;
      const response = await server.call({ method: 'POST', url: '/segments/preview', token: tokens.operator, payload, headers: { 'content-type': 'application/json' } });
      expect({ levels, status: response.status, code: response.body.code }).toEqual({ levels, status: 400, code: expect.stringMatching(/VALIDATION_FAILED|INVALID_JSON/) });
    }
  });

  it('match the validator in shared for clients', () => {
    expect(segmentFilterProblems({ field: 'mScore', op: 'in', value: [1, 2.5] })).toEqual([{ path: 'filter/value/1', message: 'must be a whole number' }]);
    expect(segmentFilterProblems({ all: [{ field: 'rScore', op: 'gte', value: 4 }, { not: { field: 'valueSegment', op: 'in', value: ['new', 'vip'] } }] })).toEqual([
      { path: 'filter/all/1/not/value/1', message: 'must be one of high_value, potential, normal, at_risk, churned, new' },
    ]);
    expect(segmentFilterProblems(null)).toEqual([{ path: 'filter', message: 'must be an object: { all }, { any }, { not } or a condition' }]);
  });
});

describe('input never becomes SQL', () => {
  const HOSTILE = "x'); drop table members; --";

  it('keeps every value a bind parameter', () => {
    const filter: SegmentFilter = {
      any: [
        { field: 'boughtCategory', op: 'in', value: [HOSTILE, `${HOSTILE}"`] },
        { field: 'valueSegment', op: 'eq', value: 'new' },
        { field: 'joinedAt', op: 'before', value: '2026-01-01T00:00:00Z' },
        { field: 'highPotential', op: 'has', value: 'rising_frequency' },
        { field: 'eventCount', eventType: 'search', lastDays: 7, op: 'gte', value: 2 },
      ],
    };
    const query = new PgDialect().sqlToQuery(sql`select count(*) ${compileSegmentFilter(filter, { brandId: "brd_'; --", now: T0 }).body}`);
    expect(query.sql).not.toContain('drop table');
    expect(query.sql).not.toContain("brd_'");
    expect(query.sql).not.toContain('rising_frequency');
    expect(query.sql).not.toContain('search');
    expect(query.params).toEqual(expect.arrayContaining([HOSTILE, `${HOSTILE}"`, 'new', "brd_'; --", JSON.stringify([{ flag: 'rising_frequency' }]), 'search']));
  });

  it('counts hostile strings as plain values over HTTP', async () => {
    const response = await preview({ field: 'boughtCategory', op: 'in', value: [HOSTILE, "' or 1=1 --", '\\'] });
    expect(response.status).toBe(200);
    expect(response.body.count).toBe(0);
    const still = await server.database.db.select({ n: sql<number>`count(*)::int` }).from(members).where(eq(members.brandId, brand.brandId));
    expect(still[0]!.n).toBe(5);
  });
});

describe('saved segments', () => {
  const filter: SegmentFilter = { all: [{ field: 'tierLevel', op: 'gte', value: 2 }, { field: 'marketingConsent', op: 'eq', value: true }] };

  it('are created, listed, counted, changed and deleted by operators', async () => {
    const created = await server.call({ method: 'POST', url: '/segments', token: tokens.operator, payload: { name: '金卡以上 · 可营销', filter } });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ name: '金卡以上 · 可营销', filter, lastCount: null, lastCountedAt: null, createdBy: brand.staff.operator, createdAt: iso(T0) });
    const id = created.body.id as string;
    expect(id).toMatch(/^seg_/);

    const list = await server.call({ method: 'GET', url: '/segments', token: tokens.admin });
    expect(list.body).toMatchObject({ total: 1, items: [{ id, name: '金卡以上 · 可营销' }] });

    const count = await server.call({ method: 'GET', url: `/segments/${id}/count`, token: tokens.operator });
    expect(count.status).toBe(200);
    expect(count.body).toMatchObject({ segmentId: id, count: 1, countedAt: iso(T0) });
    expect((await server.call({ method: 'GET', url: `/segments/${id}`, token: tokens.operator })).body).toMatchObject({ lastCount: 1, lastCountedAt: iso(T0) });

    const changed = await server.call({ method: 'PUT', url: `/segments/${id}`, token: tokens.operator, payload: { name: '金卡以上', filter: { field: 'tierLevel', op: 'gte', value: 2 } } });
    expect(changed.body).toMatchObject({ name: '金卡以上', lastCount: null });
    expect((await server.call({ method: 'GET', url: `/segments/${id}/count`, token: tokens.operator })).body.count).toBe(2);

    const bad = await server.call({ method: 'PUT', url: `/segments/${id}`, token: tokens.operator, payload: { name: 'x', filter: { field: 'tierLevel', op: 'gte', value: 99 } } });
    expect(bad.body.details).toEqual([{ path: 'body/filter/value', message: 'must be from 0 to 19' }]);

    expect((await server.call({ method: 'DELETE', url: `/segments/${id}`, token: tokens.operator })).body).toEqual({ ok: true });
    for (const method of ['GET', 'DELETE'] as const) {
      const gone = await server.call({ method, url: `/segments/${id}`, token: tokens.operator });
      expect({ method, status: gone.status, code: gone.body.code }).toEqual({ method, status: 404, code: 'SEGMENT_NOT_FOUND' });
    }
    for (const [method, url] of [['GET', '/segments/seg_nope/count'], ['GET', '/segments/not-an-id'], ['PUT', '/segments/seg_01ZZZZZZZZZZZZZZZZZZZZZZZZ']] as const) {
      const unknown = await server.call({ method, url, token: tokens.operator, payload: method === 'PUT' ? { name: 'x', filter } : undefined });
      expect({ url, status: unknown.status, code: unknown.body.code }).toEqual({ url, status: 404, code: 'SEGMENT_NOT_FOUND' });
    }
  });

  it('belong to their brand and to the office', async () => {
    const created = await server.call({ method: 'POST', url: '/segments', token: tokens.operator, payload: { name: 'mine', filter } });
    const id = created.body.id as string;
    for (const [method, url] of [['GET', `/segments/${id}`], ['GET', `/segments/${id}/count`], ['PUT', `/segments/${id}`], ['DELETE', `/segments/${id}`]] as const) {
      const response = await server.call({ method, url, token: tokens.otherOperator, payload: method === 'PUT' ? { name: 'stolen', filter } : undefined });
      expect({ method, url, status: response.status, code: response.body.code }).toEqual({ method, url, status: 404, code: 'SEGMENT_NOT_FOUND' });
    }
    expect((await server.call({ method: 'GET', url: '/segments', token: tokens.otherOperator })).body.total).toBe(0);
    for (const [method, url] of [['GET', '/segments'], ['POST', '/segments/preview'], ['GET', `/segments/${id}/count`]] as const) {
      const response = await server.call({ method, url, token: tokens.clerk, payload: method === 'POST' ? { filter } : undefined });
      expect({ url, status: response.status }).toEqual({ url, status: 403 });
    }
    const [row] = await server.database.db.select().from(memberScores).where(and(eq(memberScores.brandId, brand.brandId), eq(memberScores.memberId, m.m1!)));
    expect(row?.valueSegment).toBe('high_value');
  });
});
