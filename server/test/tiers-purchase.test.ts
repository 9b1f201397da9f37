import { eq } from 'drizzle-orm';
import { withTransaction } from '../src/db/transaction';
import { memberTiers } from '../src/modules/tiers/tiers.tables';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { DAY, history, insertOrder, LADDER, purchase, putLadder, refundOrder, tierOf } from './tiers-fixtures';

let server: TestServer;
let brand: BrandFixture;
let operator: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('buy');
  operator = await server.staffToken('buy', 'operator');
  await putLadder(server, operator);
});
afterAll(() => server.close());

const join = async (user: string) => (await server.joinMember({ user, brandCode: 'buy' })).member.id;
const steps = () => server.app.services.tiers.steps;

describe('onPurchase', () => {
  it('upgrades at once when a purchase crosses a threshold, counting the purchase itself', async () => {
    const memberId = await join('cross');
    expect(await purchase(server, { brandId: brand.brandId, memberId, paidFen: 9_000 })).toMatchObject({ level: 0, upgraded: false });
    expect(await purchase(server, { brandId: brand.brandId, memberId, paidFen: 1_000 })).toMatchObject({ level: 1, previousLevel: 0, upgraded: true });

    const view = await tierOf(server, operator, memberId);
    expect(view).toMatchObject({ level: 1, name: '银卡', effectiveLevel: 1, growthValue: 10_000, basis: 'spend', windowDays: 365, graceUntil: null, manual: null });
    expect(view.nextLevel).toEqual({ level: 2, name: '金卡', threshold: 50_000, remaining: 40_000 });
    expect(view.benefits).toEqual(LADDER[1]!.benefits);
    expect(view.ladder).toEqual(LADDER);
    expect(view.levelSince).toBe(server.clock.now().toISOString());

    const rows = await history(server, operator, memberId);
    expect(rows.map((row) => [row.fromLevel, row.toLevel, row.reason, row.actor.type])).toEqual([[0, 1, 'purchase_upgrade', 'system']]);
  });

  it('jumps several levels in one purchase with one history row', async () => {
    const memberId = await join('jump');
    expect(await purchase(server, { brandId: brand.brandId, memberId, paidFen: 230_000 })).toMatchObject({ level: 3, upgraded: true });
    expect((await history(server, operator, memberId)).map((row) => [row.fromLevel, row.toLevel, row.reason])).toEqual([[0, 3, 'purchase_upgrade']]);
    const view = await tierOf(server, operator, memberId);
    expect(view.nextLevel).toBeNull();
    expect(view.benefits.pointsMultiplierPermille).toBe(2000);
  });

  it('never downgrades on a purchase, even when refunds took the value below the level', async () => {
    const memberId = await join('refund');
    const at = server.clock.now();
    const big = await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 60_000, at });
    await withTransaction(server.database.db, (tx) => steps().onPurchase(tx, { brandId: brand.brandId, memberId, at }));
    expect((await tierOf(server, operator, memberId)).level).toBe(2);

    await refundOrder(server, brand.brandId, big, 55_000);
    const result = await purchase(server, { brandId: brand.brandId, memberId, paidFen: 100 });
    expect(result).toMatchObject({ level: 2, upgraded: false });
    const view = await tierOf(server, operator, memberId);
    expect(view).toMatchObject({ level: 2, growthValue: 5_100 });
    expect((await history(server, operator, memberId)).map((row) => row.reason)).toEqual(['purchase_upgrade']);
    const [stored] = await server.database.db.select().from(memberTiers).where(eq(memberTiers.memberId, memberId));
    expect(stored!.growthValue).toBe(5_100);
  });

  it('ends a running grace period when a purchase brings the value back to the level', async () => {
    const memberId = await join('grace-back');
    const at = server.clock.now();
    const order = await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 12_000, at });
    await withTransaction(server.database.db, (tx) => steps().onPurchase(tx, { brandId: brand.brandId, memberId, at }));
    await refundOrder(server, brand.brandId, order, 6_000);

    await server.app.services.tiers.evaluate(server.clock.now(), { brandId: brand.brandId });
    const inGrace = await tierOf(server, operator, memberId);
    expect(inGrace.level).toBe(1);
    expect(inGrace.graceUntil).toBe(new Date(at.getTime() + 30 * DAY).toISOString());

    server.clock.advance(DAY);
    await purchase(server, { brandId: brand.brandId, memberId, paidFen: 3_000 });
    expect((await tierOf(server, operator, memberId)).graceUntil).toBe(inGrace.graceUntil);
    await purchase(server, { brandId: brand.brandId, memberId, paidFen: 1_500 });
    const back = await tierOf(server, operator, memberId);
    expect(back).toMatchObject({ level: 1, graceUntil: null, growthValue: 10_500 });
    expect((await history(server, operator, memberId)).map((row) => [row.fromLevel, row.toLevel, row.reason])).toEqual([
      [0, 1, 'purchase_upgrade'],
      [1, 1, 'grace_started'],
      [1, 1, 'grace_cleared'],
    ]);
  });

  it('gives the points multiplier of the effective tier, and the effective level', async () => {
    const memberId = await join('multiplier');
    const at = server.clock.now();
    await withTransaction(server.database.db, async (tx) => {
      expect(await steps().pointsMultiplierPermille(tx, brand.brandId, memberId, at)).toBe(1000);
      expect(await steps().effectiveLevel(tx, brand.brandId, memberId, at)).toBe(0);
    });
    await purchase(server, { brandId: brand.brandId, memberId, paidFen: 50_000 });
    await withTransaction(server.database.db, async (tx) => {
      expect(await steps().pointsMultiplierPermille(tx, brand.brandId, memberId, at)).toBe(1500);
      expect(await steps().effectiveLevel(tx, brand.brandId, memberId, at)).toBe(2);
    });
  });

  it('counts concurrent purchases of one member once each and upgrades once', async () => {
    const memberId = await join('rush');
    const results = await Promise.all(Array.from({ length: 12 }, () => purchase(server, { brandId: brand.brandId, memberId, paidFen: 1_000 })));
    expect(results.filter((result) => result.upgraded)).toHaveLength(1);
    const [stored] = await server.database.db.select().from(memberTiers).where(eq(memberTiers.memberId, memberId));
    expect(stored).toMatchObject({ level: 1, growthValue: 12_000 });
    expect((await history(server, operator, memberId)).map((row) => row.reason)).toEqual(['purchase_upgrade']);
  });

  it('refuses a member of another brand in the purchase step', async () => {
    const other = await server.createBrand('buy-other');
    const { member } = await server.joinMember({ user: 'stranger', brandCode: 'buy-other' });
    await expect(withTransaction(server.database.db, (tx) => steps().onPurchase(tx, { brandId: brand.brandId, memberId: member.id, at: server.clock.now() }))).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
    expect(other.brandId).not.toBe(brand.brandId);
  });
});
