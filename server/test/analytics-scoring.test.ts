import { and, eq } from 'drizzle-orm';
import { withTransaction } from '../src/db/transaction';
import { allJobs } from '../src/jobs';
import { clvModels, memberScores } from '../src/modules/analytics/analytics.tables';
import { sql } from 'drizzle-orm';
import { dayOf } from '../src/modules/analytics/scoring.repository';
import { resultRows } from '../src/modules/analytics/sql-rows';
import { dayNumber, fixedOffsetSeconds, predictClv } from '../src/modules/analytics/scoring.service';
import { DAY, T0, daysAgo, insertEvents, insertPurchase, memberJoinedAt } from './analytics-fixtures';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brandA: BrandFixture;
let brandB: BrandFixture;
let tokens: { operatorA: string; clerkA: string; operatorB: string };

/**
 * Brand A: ten buyers in the RFM window with hand-picked recency, purchase days and amounts, so the
 * quintiles are known; plus a lapsed buyer and four members who never bought. Fewer than 20 buyers:
 * no CLV, so the segments follow the day rules alone.
 *
 *   buyer  recency  days  per order  monetary   R F M  sum  segment
 *   b1        10     10     5000      50000     5 5 5   15  high_value
 *   b2        20      9     3000      27000     5 5 4   14  high_value
 *   b3        30      1    40000−10000 30000    4 1 5   10  potential   (partly refunded)
 *   b4        40      1     1000       1000     4 1 1    6  normal      (+ a fully refunded order)
 *   b5        50      3     1000       3000     3 2 1    6  normal      (ties b9 at 3000 across a tile edge)
 *   b6        60      8     1500      12000     3 4 3   10  potential   (uneven gaps, median 8)
 *   b7        70      4     1500       6000     2 2 2    6  normal
 *   b8        80      7     1000       7000     2 4 3    9  potential
 *   b9        90      5      600       3000     1 3 1    5  normal
 *   b10      200      6     3000      18000     1 3 4    8  at_risk     (silent 200 days > 180)
 */
const BUYERS = [
  { name: 'b1', recency: 10, days: 10, amount: 5000, r: 5, f: 5, m: 5, segment: 'high_value', quadrant: 'heavy_loyal' },
  { name: 'b2', recency: 20, days: 9, amount: 3000, r: 5, f: 5, m: 4, segment: 'high_value', quadrant: 'heavy_loyal' },
  { name: 'b3', recency: 30, days: 1, amount: 40000, refund: 10000, r: 4, f: 1, m: 5, segment: 'potential', quadrant: 'heavy_occasional' },
  { name: 'b4', recency: 40, days: 1, amount: 1000, r: 4, f: 1, m: 1, segment: 'normal', quadrant: 'light_occasional' },
  { name: 'b5', recency: 50, days: 3, amount: 1000, r: 3, f: 2, m: 1, segment: 'normal', quadrant: 'light_loyal' },
  { name: 'b6', recency: 60, days: 8, amount: 1500, r: 3, f: 4, m: 3, segment: 'potential', quadrant: 'heavy_loyal', gaps: [2, 4, 6, 8, 10, 12, 14] },
  { name: 'b7', recency: 70, days: 4, amount: 1500, r: 2, f: 2, m: 2, segment: 'normal', quadrant: 'light_loyal' },
  { name: 'b8', recency: 80, days: 7, amount: 1000, r: 2, f: 4, m: 3, segment: 'potential', quadrant: 'heavy_loyal' },
  { name: 'b9', recency: 90, days: 5, amount: 600, r: 1, f: 3, m: 1, segment: 'normal', quadrant: 'light_loyal' },
  { name: 'b10', recency: 200, days: 6, amount: 3000, r: 1, f: 3, m: 4, segment: 'at_risk', quadrant: 'heavy_loyal' },
] as const;

const ids: Record<string, string> = {};

async function scoresOf(brandId: string, memberId: string) {
  const [row] = await server.database.db.select().from(memberScores).where(and(eq(memberScores.brandId, brandId), eq(memberScores.memberId, memberId)));
  return row;
}

async function seedBrandA() {
  for (const buyer of BUYERS) {
    const member = await memberJoinedAt(server, 'sca', `sca-${buyer.name}`, 300);
    ids[buyer.name] = member.id;
    const gaps: readonly number[] = 'gaps' in buyer ? buyer.gaps : Array.from({ length: buyer.days - 1 }, () => 7);
    let ago = buyer.recency;
    for (let k = 0; k < buyer.days; k++) {
      // b1 buys skincare every time and makeup every other time: two category cycles
      const categories = buyer.name === 'b1' ? (k % 2 === 0 ? ['skincare', 'makeup'] : ['skincare']) : undefined;
      await insertPurchase(server, { brandId: brandA.brandId, memberId: member.id, paidFen: buyer.amount, refundedFen: 'refund' in buyer ? buyer.refund : 0, at: daysAgo(ago), categories });
      ago += gaps[k] ?? 0;
    }
  }
  await insertPurchase(server, { brandId: brandA.brandId, memberId: ids.b4!, paidFen: 99_000, refundedFen: 99_000, at: daysAgo(5) });
  const lapsed = await memberJoinedAt(server, 'sca', 'sca-lapsed', 500);
  ids.lapsed = lapsed.id;
  await insertPurchase(server, { brandId: brandA.brandId, memberId: lapsed.id, paidFen: 8000, at: daysAgo(400) });
  await insertPurchase(server, { brandId: brandA.brandId, memberId: lapsed.id, paidFen: 8000, at: daysAgo(430) });
  for (const [name, joined] of [['neverOld', 400], ['neverMid', 200], ['neverRecent', 100], ['neverNew', 5]] as const) {
    ids[name] = (await memberJoinedAt(server, 'sca', `sca-${name}`, joined)).id;
  }
}

/** Brand B: 40 buyers from a fixed pattern (enough for CLV), and members made for each high-potential flag. */
async function seedBrandB() {
  for (let j = 0; j < 40; j++) {
    const member = await memberJoinedAt(server, 'scb', `scb-${j}`, 400);
    ids[`c${j}`] = member.id;
    // early dropouts, loyal weekly buyers and occasional buyers: the models converge to interior estimates
    const { days, gap, last } =
      j % 4 === 0 ? { days: 2 + (j % 3), gap: 8, last: 100 + ((j * 7) % 200) } : j % 4 === 1 ? { days: 6 + (j % 4), gap: 6 + (j % 3), last: j % 10 } : { days: 1 + (j % 3), gap: 25, last: (j * 7) % 120 };
    for (let k = 0; k < days; k++) await insertPurchase(server, { brandId: brandB.brandId, memberId: member.id, paidFen: 1000 + 500 * (j % 7), at: daysAgo(last + k * gap) });
  }
  // weekly until last week vs. weekly long ago, same number of purchases
  for (const [name, last] of [['steady', 3], ['stopped', 250]] as const) {
    const member = await memberJoinedAt(server, 'scb', `scb-${name}`, 400);
    ids[name] = member.id;
    for (let k = 0; k < 8; k++) await insertPurchase(server, { brandId: brandB.brandId, memberId: member.id, paidFen: 2000, at: daysAgo(last + 7 * k) });
  }
  const risingValue = await memberJoinedAt(server, 'scb', 'scb-rising-value', 400);
  ids.risingValue = risingValue.id;
  for (const [ago, fen] of [[150, 1000], [120, 1000], [60, 3000], [30, 3000]] as const) await insertPurchase(server, { brandId: brandB.brandId, memberId: risingValue.id, paidFen: fen, at: daysAgo(ago) });
  const risingFrequency = await memberJoinedAt(server, 'scb', 'scb-rising-frequency', 400);
  ids.risingFrequency = risingFrequency.id;
  for (const ago of [120, 80, 60, 40, 20]) await insertPurchase(server, { brandId: brandB.brandId, memberId: risingFrequency.id, paidFen: 1000, at: daysAgo(ago) });
  for (const [name, count] of [['engaged', 6], ['browsing', 4]] as const) {
    const member = await memberJoinedAt(server, 'scb', `scb-${name}`, 400);
    ids[name] = member.id;
    await insertPurchase(server, { brandId: brandB.brandId, memberId: member.id, paidFen: 1000, at: daysAgo(200) });
    await insertEvents(server, { brandId: brandB.brandId, memberId: member.id, type: 'view_item', ats: Array.from({ length: count }, (_, i) => daysAgo(1 + 3 * i)) });
  }
  // events older than the engaged span do not count
  await insertEvents(server, { brandId: brandB.brandId, memberId: ids.browsing!, type: 'view_item', ats: [daysAgo(40), daysAgo(45)] });
}

beforeAll(async () => {
  server = await startTestServer();
  brandA = await server.createBrand('sca');
  brandB = await server.createBrand('scb');
  tokens = {
    operatorA: await server.staffToken('sca', 'operator'),
    clerkA: await server.staffToken('sca', 'clerk'),
    operatorB: await server.staffToken('scb', 'operator'),
  };
  await seedBrandA();
  await seedBrandB();
  server.clock.set(T0);
}, 60_000);
afterAll(() => server.close());

describe('scoreBrand on a hand-made brand', () => {
  let summary: Awaited<ReturnType<TestServer['app']['services']['analytics']['scoreBrand']>>;
  const progress: { stage: string; done: number; total: number }[] = [];

  beforeAll(async () => {
    summary = await server.app.services.analytics.scoreBrand(brandA.brandId, T0, (p) => progress.push(p));
  });

  it('scores every member and reports its progress', () => {
    expect(summary).toMatchObject({ brandId: brandA.brandId, computedAt: T0.toISOString(), members: 15, buyers: 11, clvFitted: false, clvFitStatus: null });
    expect(progress.map((p) => p.stage)).toEqual(expect.arrayContaining(['buyers', 'base', 'write', 'done']));
    expect(progress.at(-1)).toEqual({ stage: 'done', done: 15, total: 15 });
  });

  it('gives RFM quintiles by ntile(5), ties sharing the lower score', async () => {
    for (const buyer of BUYERS) {
      const row = await scoresOf(brandA.brandId, ids[buyer.name]!);
      const monetary = buyer.days * buyer.amount - ('refund' in buyer ? buyer.refund : 0);
      expect({ buyer: buyer.name, r: row?.rScore, f: row?.fScore, m: row?.mScore, recency: row?.recencyDays, frequency: row?.frequency, monetary: row?.monetaryFen }).toEqual({
        buyer: buyer.name,
        r: buyer.r,
        f: buyer.f,
        m: buyer.m,
        recency: buyer.recency,
        frequency: buyer.days,
        monetary,
      });
    }
  });

  it('puts members in value segments and loyalty quadrants by the default rules', async () => {
    for (const buyer of BUYERS) {
      const row = await scoresOf(brandA.brandId, ids[buyer.name]!);
      expect({ buyer: buyer.name, segment: row?.valueSegment, quadrant: row?.loyaltyQuadrant }).toEqual({ buyer: buyer.name, segment: buyer.segment, quadrant: buyer.quadrant });
    }
    const expected: Record<string, string> = { lapsed: 'churned', neverOld: 'churned', neverMid: 'at_risk', neverRecent: 'normal', neverNew: 'new' };
    for (const [name, segment] of Object.entries(expected)) {
      const row = await scoresOf(brandA.brandId, ids[name]!);
      expect({ name, segment: row?.valueSegment, r: row?.rScore ?? null, quadrant: row?.loyaltyQuadrant ?? null }).toEqual({ name, segment, r: null, quadrant: null });
    }
    const lapsed = await scoresOf(brandA.brandId, ids.lapsed!);
    expect(lapsed).toMatchObject({ recencyDays: 400, frequency: 0, monetaryFen: 0 });
  });

  it('finds the repurchase cycle: the median gap overall and per category, and the next purchase date', async () => {
    const b1 = await scoresOf(brandA.brandId, ids.b1!);
    expect(b1?.avgIntervalDays).toBe(7);
    // last purchase 2026-11-14 (Asia/Shanghai) + 7 days, at midnight there
    expect(b1?.nextPurchaseAt?.toISOString()).toBe('2026-11-20T16:00:00.000Z');
    expect(b1?.categoryCycles).toEqual({
      skincare: { intervalDays: 7, nextAt: '2026-11-20T16:00:00.000Z' },
      makeup: { intervalDays: 14, nextAt: '2026-11-27T16:00:00.000Z' },
    });
    const b6 = await scoresOf(brandA.brandId, ids.b6!);
    expect(b6?.avgIntervalDays).toBe(8);
    expect(b6?.categoryCycles).toBeNull();
    // two purchase days are not enough for a cycle (cycleMinPurchases 3); one is none
    for (const name of ['b3', 'b4', 'neverNew']) {
      const row = await scoresOf(brandA.brandId, ids[name]!);
      expect({ name, interval: row?.avgIntervalDays, next: row?.nextPurchaseAt }).toEqual({ name, interval: null, next: null });
    }
    expect((await scoresOf(brandA.brandId, ids.b5!))?.avgIntervalDays).toBe(7);
  });

  it('leaves CLV empty when the brand has too few buyers to fit', async () => {
    const b1 = await scoresOf(brandA.brandId, ids.b1!);
    expect(b1).toMatchObject({ pAlive: null, expectedPurchases: null, expectedValueFen: null, churnRisk: null });
    expect(await server.database.db.select().from(clvModels).where(eq(clvModels.brandId, brandA.brandId))).toEqual([]);
  });

  it('gives the same scores when run again, and never touches another brand', async () => {
    const before = await server.database.db.select().from(memberScores).where(eq(memberScores.brandId, brandA.brandId));
    expect(await server.database.db.select().from(memberScores).where(eq(memberScores.brandId, brandB.brandId))).toEqual([]);
    await server.app.services.analytics.scoreBrand(brandA.brandId, T0);
    const after = await server.database.db.select().from(memberScores).where(eq(memberScores.brandId, brandA.brandId));
    const byMember = (rows: typeof before) => Object.fromEntries(rows.map((row) => [row.memberId, row]));
    expect(byMember(after)).toEqual(byMember(before));
  });

  it('follows the brand’s own rules', async () => {
    const put = await server.call({
      method: 'PUT',
      url: '/analytics/settings',
      token: tokens.operatorA,
      payload: { rfmWindowDays: 365, clvHorizonDays: 365, discountRatePermille: 100, segmentRules: { highValueRfmMin: 15, atRiskDays: 250 } },
    });
    expect(put.status).toBe(200);
    expect(put.body.segmentRules).toMatchObject({ highValueRfmMin: 15, atRiskDays: 250, churnedDays: 365, newDays: 30 });
    await server.app.services.analytics.scoreBrand(brandA.brandId, T0);
    expect((await scoresOf(brandA.brandId, ids.b1!))?.valueSegment).toBe('high_value');
    expect((await scoresOf(brandA.brandId, ids.b2!))?.valueSegment).toBe('potential');
    expect((await scoresOf(brandA.brandId, ids.b10!))?.valueSegment).toBe('normal');
    const reset = await server.call({ method: 'PUT', url: '/analytics/settings', token: tokens.operatorA, payload: { rfmWindowDays: 365, clvHorizonDays: 365, discountRatePermille: 100 } });
    expect(reset.body.segmentRules.highValueRfmMin).toBe(12);
  });
});

describe('CLV and high-potential flags', () => {
  beforeAll(async () => {
    const summary = await server.app.services.analytics.scoreBrand(brandB.brandId, T0);
    expect(summary).toMatchObject({ clvFitted: true, clvFailures: 0, clvFirstFailure: null, clvFitStatus: 'converged' });
  });

  it('fits BG/NBD and Gamma-Gamma for the brand and keeps the parameters', async () => {
    const [model] = await server.database.db.select().from(clvModels).where(eq(clvModels.brandId, brandB.brandId));
    expect(model?.customers).toBe(46);
    for (const value of [model!.bgnbd.r, model!.bgnbd.alpha, model!.bgnbd.a, model!.bgnbd.b, model!.gammaGamma!.p, model!.gammaGamma!.q, model!.gammaGamma!.v]) {
      expect(value).toBeGreaterThan(0);
      expect(Number.isFinite(value)).toBe(true);
    }
    const status = await server.call({ method: 'GET', url: '/analytics/scores/status', token: tokens.operatorB });
    expect(status.body.model).toMatchObject({ customers: 46, bgnbd: { r: model!.bgnbd.r } });
  });

  it('gives every buyer P(alive), churn risk, expected purchases and value', async () => {
    const rows = await server.database.db.select().from(memberScores).where(eq(memberScores.brandId, brandB.brandId));
    expect(rows).toHaveLength(46);
    for (const row of rows) {
      expect(row.pAlive).toBeGreaterThanOrEqual(0);
      expect(row.pAlive).toBeLessThanOrEqual(1);
      expect(row.churnRisk).toBeCloseTo(1 - row.pAlive!, 12);
      expect(row.expectedPurchases).toBeGreaterThanOrEqual(0);
      expect(Number.isInteger(row.expectedValueFen)).toBe(true);
      expect(row.expectedValueFen).toBeGreaterThanOrEqual(0);
    }
    const steady = await scoresOf(brandB.brandId, ids.steady!);
    const stopped = await scoresOf(brandB.brandId, ids.stopped!);
    expect(steady!.pAlive!).toBeGreaterThan(stopped!.pAlive!);
    expect(steady!.expectedPurchases!).toBeGreaterThan(stopped!.expectedPurchases!);
    expect(steady!.expectedValueFen!).toBeGreaterThan(stopped!.expectedValueFen!);
  });

  it('flags rising order value, rising frequency and engagement without buying, with reasons', async () => {
    const flags = async (name: string) => ((await scoresOf(brandB.brandId, ids[name]!))?.highPotential ?? []).map((entry) => entry.flag);
    expect(await flags('risingValue')).toContain('rising_order_value');
    expect(await flags('risingValue')).not.toContain('rising_frequency');
    expect(await flags('risingFrequency')).toContain('rising_frequency');
    expect(await flags('risingFrequency')).not.toContain('rising_order_value');
    expect(await flags('engaged')).toContain('engaged_not_buying');
    expect(await flags('browsing')).not.toContain('engaged_not_buying');
    expect(await flags('stopped')).toEqual(expect.not.arrayContaining(['rising_frequency', 'rising_order_value', 'engaged_not_buying']));
    const risingValue = await scoresOf(brandB.brandId, ids.risingValue!);
    expect(risingValue?.highPotential.find((entry) => entry.flag === 'rising_order_value')?.reason).toBe('average order 30.00 yuan in the last 90 days against 10.00 yuan in the 90 days before');
    const engaged = await scoresOf(brandB.brandId, ids.engaged!);
    expect(engaged?.highPotential.find((entry) => entry.flag === 'engaged_not_buying')?.reason).toBe('6 app events in the last 30 days and no purchase');
  });

  it('flags CLV above spend exactly for the top expected values with a low M score', async () => {
    const rows = await server.database.db.select().from(memberScores).where(eq(memberScores.brandId, brandB.brandId));
    const values = rows.map((row) => row.expectedValueFen!).sort((a, b) => a - b);
    const cutoff = values[Math.ceil(0.8 * values.length) - 1]!;
    const expected = rows.filter((row) => row.expectedValueFen! >= cutoff && (row.mScore ?? 0) <= 2).map((row) => row.memberId).sort();
    const flagged = rows.filter((row) => row.highPotential.some((entry) => entry.flag === 'clv_above_spend')).map((row) => row.memberId).sort();
    expect(flagged).toEqual(expected);
  });

  it('discounts expected value: a higher rate never raises it', () => {
    const params = { r: 0.5, alpha: 20, a: 0.8, b: 2.5 };
    const customer = { x: 4, tx: 100, T: 150 };
    const none = predictClv(params, customer, 365, 0);
    const tenPercent = predictClv(params, customer, 365, 0.1);
    expect(none.discountedPurchases!).toBeCloseTo(none.expectedPurchases!, 12);
    expect(tenPercent.discountedPurchases!).toBeLessThan(none.discountedPurchases!);
    expect(tenPercent.discountedPurchases!).toBeGreaterThan(none.discountedPurchases! / 1.1);
    expect(tenPercent.expectedPurchases!).toBeCloseTo(none.expectedPurchases!, 12);
  });
});

describe('business days', () => {
  it('use plain arithmetic for a zone without daylight saving and agree with at time zone', async () => {
    expect(fixedOffsetSeconds('Asia/Shanghai', T0)).toBe(8 * 3600);
    expect(fixedOffsetSeconds('Europe/Berlin', T0)).toBeNull();
    expect(dayNumber(new Date('2026-11-24T15:59:59Z'), 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 24) / DAY);
    expect(dayNumber(new Date('2026-11-24T16:00:00Z'), 'Asia/Shanghai')).toBe(Date.UTC(2026, 10, 25) / DAY);
    for (const instant of ['2026-11-24T15:59:59Z', '2026-11-24T16:00:00Z', '2026-03-29T00:30:00Z', '2026-03-29T01:30:00Z']) {
      for (const timeZone of ['Asia/Shanghai', 'Europe/Berlin']) {
        const at = new Date(instant);
        const fast = fixedOffsetSeconds(timeZone, T0);
        const [row] = resultRows<{ a: number; b: number }>(await server.database.db.execute(sql`select ${dayOf({ timeZone, fixedOffsetSeconds: fast }, sql`${at}::timestamptz`)} as a, ${dayOf({ timeZone, fixedOffsetSeconds: null }, sql`${at}::timestamptz`)} as b`));
        expect({ instant, timeZone, a: Number(row!.a), b: Number(row!.b) }).toEqual({ instant, timeZone, a: dayNumber(at, timeZone), b: dayNumber(at, timeZone) });
      }
    }
  });
});

describe('scores over HTTP', () => {
  it('recomputes on demand in the background for operators and admins only', async () => {
    const clerk = await server.call({ method: 'POST', url: '/analytics/scores/recompute', token: tokens.clerkA });
    expect(clerk.status).toBe(403);
    // hold the brand's scoring lock, so the run started here waits until the test lets it go
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const holder = withTransaction(server.database.db, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`analytics.score:${brandA.brandId}`}, 0))`);
      locked();
      await new Promise<void>((resolve) => (release = resolve));
    });
    await isLocked;
    const both = await Promise.all([1, 2].map(() => server.call({ method: 'POST', url: '/analytics/scores/recompute', token: tokens.operatorA })));
    expect(both.map((response) => response.status)).toEqual([202, 202]);
    expect(both.map((response) => response.body.status).sort()).toEqual(['already_running', 'started']);
    expect(both[0]!.body.startedAt).toBe(T0.toISOString());
    const running = await server.call({ method: 'GET', url: '/analytics/scores/status', token: tokens.operatorA });
    expect(running.body).toMatchObject({ running: true, startedAt: T0.toISOString() });
    expect((await server.call({ method: 'POST', url: '/analytics/scores/recompute', token: tokens.operatorA })).body.status).toBe('already_running');
    release();
    await holder;
    await server.app.services.analytics.idle();
    const status = await server.call({ method: 'GET', url: '/analytics/scores/status', token: tokens.operatorA });
    expect(status.body).toMatchObject({ running: false, progress: null, lastRun: { error: null, summary: { brandId: brandA.brandId, members: 15 } }, model: null });
  });

  it('shows a member’s scores to staff of the brand, clerks included', async () => {
    const response = await server.call({ method: 'GET', url: `/members/${ids.b1}/scores`, token: tokens.clerkA });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      memberId: ids.b1,
      computedAt: T0.toISOString(),
      rScore: 5,
      fScore: 5,
      mScore: 5,
      valueSegment: 'high_value',
      loyaltyQuadrant: 'heavy_loyal',
      avgIntervalDays: 7,
      nextPurchaseAt: '2026-11-20T16:00:00.000Z',
      categoryCycles: { skincare: { intervalDays: 7, nextAt: '2026-11-20T16:00:00.000Z' } },
    });
    expect(response.body.repeatShare).toBeCloseTo(0.9, 12);
  });

  it('answers 404 for another brand’s member and null scores for a member not scored yet', async () => {
    const foreign = await server.call({ method: 'GET', url: `/members/${ids.c1}/scores`, token: tokens.operatorA });
    expect(foreign.status).toBe(404);
    const fresh = await memberJoinedAt(server, 'sca', 'sca-fresh', 0);
    const response = await server.call({ method: 'GET', url: `/members/${fresh.id}/scores`, token: tokens.operatorA });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ memberId: fresh.id, computedAt: null, valueSegment: null, highPotential: [] });
  });

  it('keeps settings per brand, refuses rules that contradict each other', async () => {
    const bad = await server.call({ method: 'PUT', url: '/analytics/settings', token: tokens.operatorB, payload: { rfmWindowDays: 180, clvHorizonDays: 90, discountRatePermille: 50, segmentRules: { atRiskDays: 400 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.details).toEqual([{ path: 'body/segmentRules/atRiskDays', message: 'must not be above churnedDays' }]);
    const settingsB = await server.call({ method: 'GET', url: '/analytics/settings', token: tokens.operatorB });
    expect(settingsB.body).toMatchObject({ rfmWindowDays: 365, clvHorizonDays: 365, discountRatePermille: 100 });
    expect((await server.call({ method: 'GET', url: '/analytics/settings', token: tokens.clerkA })).status).toBe(403);
  });

  it('schedules the nightly scoring of all brands at 02:30', async () => {
    const job = allJobs(server.app.services, server.database.db, server.clock).find((candidate) => candidate.name === 'analytics.score');
    expect(job).toMatchObject({ cron: '30 2 * * *', timeZone: 'Asia/Shanghai' });
    const result = await job!.run(new Date(T0.getTime() + DAY));
    expect(result).toMatchObject({ brands: 2 });
    expect((await scoresOf(brandA.brandId, ids.b1!))?.computedAt.toISOString()).toBe(new Date(T0.getTime() + DAY).toISOString());
    expect((await scoresOf(brandA.brandId, ids.b1!))?.recencyDays).toBe(11);
  });
});
