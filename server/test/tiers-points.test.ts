import { withTransaction } from '../src/db/transaction';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { DAY, history, LADDER, putLadder, putSettings, tierOf } from './tiers-fixtures';

/** The points basis: the growth value is the points earned in the window, from the points module. */

let server: TestServer;
let brand: BrandFixture;
let operator: string;
const POINTS_LADDER = LADDER.slice(0, 3).map((tier, level) => ({ ...tier, threshold: [0, 100, 500][level]! }));

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('pts');
  operator = await server.staffToken('pts', 'operator');
  await putLadder(server, operator, POINTS_LADDER);
  await putSettings(server, operator, { growthBasis: 'points', windowDays: 365, downgradePolicy: 'to_supported', graceDays: 7 });
});
afterAll(() => server.close());

const system = { type: 'system' as const, id: null };

/** Points earned and the purchase step in one transaction, as the orders module runs them. */
async function earnAndPurchase(memberId: string, amount: number, sourceId: string, at: Date) {
  return withTransaction(server.database.db, async (tx) => {
    await server.app.services.points.steps.earn(tx, { brandId: brand.brandId, memberId, amount, reason: 'test', sourceType: 'order', sourceId, actor: system, at });
    return server.app.services.tiers.steps.onPurchase(tx, { brandId: brand.brandId, memberId, at });
  });
}

describe('points basis', () => {
  it('upgrades on points earned in the window, counting the points of this purchase', async () => {
    const memberId = (await server.joinMember({ user: 'p1', brandCode: 'pts' })).member.id;
    const t0 = server.clock.now();
    expect(await earnAndPurchase(memberId, 80, 'o1', t0)).toMatchObject({ level: 0, upgraded: false });
    expect(await earnAndPurchase(memberId, 30, 'o2', t0)).toMatchObject({ level: 1, upgraded: true });
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 1, basis: 'points', growthValue: 110, nextLevel: { level: 2, threshold: 500, remaining: 390 } });

    // a refund takes the points back: the value falls, evaluation starts the grace period, then lowers
    await withTransaction(server.database.db, (tx) =>
      server.app.services.points.steps.reverseEarn(tx, { brandId: brand.brandId, memberId, earnSourceType: 'order', earnSourceId: 'o2', amount: 30, reason: 'refund', sourceType: 'refund', sourceId: 'r2', actor: system, at: t0 }),
    );
    await server.app.services.tiers.evaluate(new Date(t0.getTime() + DAY), { brandId: brand.brandId });
    expect((await tierOf(server, operator, memberId)).graceUntil).toBe(new Date(t0.getTime() + 8 * DAY).toISOString());
    await server.app.services.tiers.evaluate(new Date(t0.getTime() + 8 * DAY), { brandId: brand.brandId });
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 0, growthValue: 80 });
    expect((await history(server, operator, memberId)).map((row) => row.reason)).toEqual(['purchase_upgrade', 'grace_started', 'evaluation_downgrade']);
  });

  it('counts only points earned within the window', async () => {
    const memberId = (await server.joinMember({ user: 'p2', brandCode: 'pts' })).member.id;
    const t0 = server.clock.now();
    await earnAndPurchase(memberId, 90, 'old', new Date(t0.getTime() - 400 * DAY));
    expect(await earnAndPurchase(memberId, 20, 'new', t0)).toMatchObject({ level: 0, upgraded: false });
    expect((await tierOf(server, operator, memberId)).growthValue).toBe(20);
  });
});

describe('through the orders API', () => {
  it('a recorded purchase earns points and raises the tier in the same transaction', async () => {
    const clerk = await server.staffToken('pts', 'clerk');
    const memberId = (await server.joinMember({ user: 'p3', brandCode: 'pts' })).member.id;
    const record = (amountFen: number, externalId: string) =>
      server.call({ method: 'POST', url: '/orders', token: clerk, payload: { memberId, amountFen, storeId: brand.storeIds[0], externalId } });

    // default points rules: 10 points per ¥100
    const first = await record(120_000, 'pts-1');
    expect(first.status).toBe(201);
    expect(first.body.tier).toMatchObject({ level: 1, upgraded: true });
    // at level 1 the tier multiplier (×1.2) applies: ¥500 → 50 × 1.2 = 60 points; 120 + 60 < 500
    const second = await record(50_000, 'pts-2');
    expect(second.body.order.pointsEarned).toBe(60);
    expect(second.body.tier).toMatchObject({ level: 1, upgraded: false });
    expect((await tierOf(server, operator, memberId)).growthValue).toBe(180);
  });
});
