import { newId } from '@memberloop/shared';
import { eq, sql } from 'drizzle-orm';
import { memberScores } from '../src/modules/analytics/analytics.tables';
import { pointEntries } from '../src/modules/points/points.tables';
import { memberTiers } from '../src/modules/tiers/tiers.tables';
import { DAY, T0, insertPurchase, memberJoinedAt } from './analytics-fixtures';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;
let other: BrandFixture;
let tokens: { operator: string; admin: string; clerk: string; otherOperator: string };
const ids: Record<string, string> = {};

/** Days before T0 (2026-11-24 16:00 in Asia/Shanghai) at which each member joined. */
const since = (iso: string) => Math.round((T0.getTime() - Date.parse(iso)) / DAY);

async function points(brandId: string, memberId: string, entries: [type: 'earn' | 'redeem' | 'expire' | 'adjust', amount: number, at: string][]) {
  for (const [type, amount, at] of entries) {
    await server.database.db.insert(pointEntries).values({
      id: newId('pointEntry', new Date(at)),
      brandId,
      memberId,
      type,
      amount,
      balanceAfter: 1000,
      reason: 'fixture',
      sourceType: 'fixture',
      sourceId: newId('pointEntry'),
      actorType: 'system',
      createdAt: new Date(at),
    });
  }
}

/**
 * Range 2026-11-01 … 2026-11-24 (Asia/Shanghai), i.e. [2026-10-31T16:00Z, 2026-11-24T16:00Z):
 *
 *   d1  joined 10-01   orders 100.00 + 200.00 in range           tier 2
 *   d2  joined 11-10   50.00, 10.00 refunded                     tier 1, manual 3 running
 *   d3  joined 11-20   an order refunded in full (no purchase)
 *   d4  joined 09-01   30.00 at 00:00 on 11-01, 99.00 at 23:59:59 on 10-31 (out of range)
 *   d5  joined today   nothing
 *
 *   members 5, new 3; buyers 3 → active rate 0.6; orders 4, net 370.00, average 92.50;
 *   repeat buyers 1 of 3; points issued 100 + 50 + 5 = 155, redeemed 30, expired 20.
 */
async function seed() {
  ids.d1 = (await memberJoinedAt(server, 'dash', 'dash-d1', since('2026-09-30T16:00:00Z'))).id;
  ids.d2 = (await memberJoinedAt(server, 'dash', 'dash-d2', since('2026-11-09T16:00:00Z'))).id;
  ids.d3 = (await memberJoinedAt(server, 'dash', 'dash-d3', since('2026-11-19T16:00:00Z'))).id;
  ids.d4 = (await memberJoinedAt(server, 'dash', 'dash-d4', since('2026-08-31T16:00:00Z'))).id;
  ids.d5 = (await memberJoinedAt(server, 'dash', 'dash-d5', 0)).id;
  ids.x1 = (await memberJoinedAt(server, 'dash-other', 'dash-x1', 10)).id;

  const b = brand.brandId;
  await insertPurchase(server, { brandId: b, memberId: ids.d1, paidFen: 10_000, at: new Date('2026-11-05T03:00:00Z') });
  await insertPurchase(server, { brandId: b, memberId: ids.d1, paidFen: 20_000, at: new Date('2026-11-20T03:00:00Z') });
  await insertPurchase(server, { brandId: b, memberId: ids.d2, paidFen: 5_000, refundedFen: 1_000, at: new Date('2026-11-12T03:00:00Z') });
  await insertPurchase(server, { brandId: b, memberId: ids.d3, paidFen: 8_000, refundedFen: 8_000, at: new Date('2026-11-21T03:00:00Z') });
  await insertPurchase(server, { brandId: b, memberId: ids.d4, paidFen: 3_000, at: new Date('2026-10-31T16:00:00Z') });
  await insertPurchase(server, { brandId: b, memberId: ids.d4, paidFen: 9_900, at: new Date('2026-10-31T15:59:59Z') });
  await insertPurchase(server, { brandId: other.brandId, memberId: ids.x1, paidFen: 777_700, at: new Date('2026-11-20T03:00:00Z') });

  await points(b, ids.d1, [['earn', 100, '2026-11-05T03:00:00Z'], ['redeem', -30, '2026-11-06T03:00:00Z'], ['earn', 70, '2026-10-20T03:00:00Z']]);
  await points(b, ids.d2, [['earn', 50, '2026-11-12T03:00:00Z'], ['expire', -20, '2026-11-13T03:00:00Z']]);
  await points(b, ids.d4, [['adjust', 5, '2026-11-02T03:00:00Z'], ['adjust', -3, '2026-11-03T03:00:00Z']]);
  await points(other.brandId, ids.x1, [['earn', 9999, '2026-11-20T03:00:00Z'], ['expire', -99, '2026-11-21T03:00:00Z']]);

  await server.database.db.insert(memberTiers).values([
    { brandId: b, memberId: ids.d1, level: 2, levelSince: T0 },
    { brandId: b, memberId: ids.d2, level: 1, manualLevel: 3, manualUntil: new Date(T0.getTime() + DAY), levelSince: T0 },
    { brandId: other.brandId, memberId: ids.x1, level: 3, levelSince: T0 },
  ]);
}

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('dash');
  other = await server.createBrand('dash-other');
  tokens = {
    operator: await server.staffToken('dash', 'operator'),
    admin: await server.staffToken('dash', 'admin'),
    clerk: await server.staffToken('dash', 'clerk'),
    otherOperator: await server.staffToken('dash-other', 'operator'),
  };
  await seed();
  server.clock.set(T0);
  await server.app.services.analytics.scoreBrand(brand.brandId, T0);
  await server.app.services.analytics.scoreBrand(other.brandId, T0);
});
afterAll(() => server.close());

const dashboard = (query: string, token = tokens.operator) => server.call({ method: 'GET', url: `/analytics/dashboard${query}`, token });

describe('GET /analytics/dashboard', () => {
  it('counts members, buyers, orders, repurchase and points over business days in the brand’s zone', async () => {
    const response = await dashboard('?from=2026-11-01&to=2026-11-24');
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      from: '2026-11-01',
      to: '2026-11-24',
      members: { total: 5, newInRange: 3 },
      activeRate: { buyers: 3, rate: 0.6 },
      orders: { count: 4, netFen: 37_000, averageOrderValueFen: 9_250 },
      repurchase: { buyers: 3, repeatBuyers: 1 },
      points: { issued: 155, redeemed: 30, expired: 20 },
      tiers: [
        { level: 0, count: 3 },
        { level: 2, count: 1 },
        { level: 3, count: 1 },
      ],
      scoresComputedAt: T0.toISOString(),
    });
    expect(response.body.repurchase.rate).toBeCloseTo(1 / 3, 12);
  });

  it('takes the value segments and the RFM grid from the latest scores', async () => {
    const response = await dashboard('?from=2026-11-01&to=2026-11-24');
    const segments = await server.database.db
      .select({ segment: memberScores.valueSegment, count: sql<number>`count(*)::int` })
      .from(memberScores)
      .where(eq(memberScores.brandId, brand.brandId))
      .groupBy(memberScores.valueSegment)
      .orderBy(memberScores.valueSegment);
    expect(response.body.valueSegments).toEqual(segments);
    expect(response.body.valueSegments.reduce((sum: number, entry: { count: number }) => sum + entry.count, 0)).toBe(5);
    const grid = response.body.rfmGrid as { r: number; f: number; count: number }[];
    // d1, d2 and d4 bought in the RFM window (d4 twice, one just before the range)
    expect(grid.reduce((sum, cell) => sum + cell.count, 0)).toBe(3);
    for (const cell of grid) {
      expect(cell.r).toBeGreaterThanOrEqual(1);
      expect(cell.f).toBeLessThanOrEqual(5);
    }
  });

  it('includes both ends of the range, to the second', async () => {
    const lastDay = await dashboard('?from=2026-10-31&to=2026-10-31');
    expect(lastDay.body.orders).toEqual({ count: 1, netFen: 9_900, averageOrderValueFen: 9_900 });
    const firstDay = await dashboard('?from=2026-11-01&to=2026-11-01');
    expect(firstDay.body.orders).toEqual({ count: 1, netFen: 3_000, averageOrderValueFen: 3_000 });
    const empty = await dashboard('?from=2026-01-01&to=2026-01-31');
    expect(empty.body).toMatchObject({ members: { total: 0, newInRange: 0 }, activeRate: { buyers: 0, rate: null }, orders: { count: 0, netFen: 0, averageOrderValueFen: null }, repurchase: { rate: null } });
  });

  it('defaults to the 30 days up to today', async () => {
    const response = await dashboard('');
    expect(response.body).toMatchObject({ from: '2026-10-26', to: '2026-11-24' });
    expect(response.body.orders.count).toBe(5);
  });

  it('never counts another brand’s data', async () => {
    const response = await dashboard('?from=2026-11-01&to=2026-11-24', tokens.otherOperator);
    expect(response.body).toMatchObject({
      members: { total: 1, newInRange: 1 },
      orders: { count: 1, netFen: 777_700 },
      points: { issued: 9999, redeemed: 0, expired: 99 },
      tiers: [{ level: 3, count: 1 }],
    });
  });

  it('refuses bad ranges and clerks', async () => {
    for (const query of ['?from=2026-11-24&to=2026-11-01', '?from=2026-02-30', '?from=2000-01-01&to=2026-11-24', '?from=yesterday']) {
      const response = await dashboard(query);
      expect({ query, status: response.status, code: response.body.code }).toEqual({ query, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await dashboard('', tokens.clerk)).status).toBe(403);
    const member = await memberJoinedAt(server, 'dash', 'dash-nosy', 0);
    for (const [method, url] of [['GET', '/analytics/dashboard'], ['GET', '/analytics/settings'], ['POST', '/analytics/scores/recompute'], ['GET', `/members/${ids.d1}/scores`], ['GET', '/segments']] as const) {
      const response = await server.call({ method, url, token: member.token });
      expect({ url, status: response.status }).toEqual({ url, status: 403 });
    }
    expect((await dashboard('', tokens.admin)).status).toBe(200);
  });
});
