import { asc, eq } from 'drizzle-orm';
import { withTransaction } from '../src/db/transaction';
import { auditLog } from '../src/modules/audit/audit.tables';
import { memberTiers, tierHistory } from '../src/modules/tiers/tiers.tables';
import { startTestServer, type TestServer } from './harness';
import { DAY, history, insertOrder, purchase, putLadder, putSettings, refundOrder, tierOf } from './tiers-fixtures';

let server: TestServer;
const T0 = new Date('2026-11-24T08:00:00Z');
const at = (days: number) => new Date(T0.getTime() + days * DAY);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

beforeEach(() => server.clock.set(T0));

let brands = 0;
/** A brand of its own for each test, with the standard ladder and the given settings. */
async function setUp(settings: Parameters<typeof putSettings>[2] = {}) {
  const code = `eval-${++brands}`;
  const brand = await server.createBrand(code);
  const operator = await server.staffToken(code, 'operator');
  await putLadder(server, operator);
  await putSettings(server, operator, settings);
  const join = async (user: string) => (await server.joinMember({ user: `${code}-${user}`, brandCode: code })).member.id;
  const evaluate = (now: Date) => server.app.services.tiers.evaluate(now, { brandId: brand.brandId });
  return { brand, operator, join, evaluate };
}

const moves = (rows: { fromLevel: number; toLevel: number; reason: string }[]) => rows.map((row) => `${row.fromLevel}>${row.toLevel} ${row.reason}`);

describe('evaluation and downgrades', () => {
  it('one_level: starts a grace period, keeps the level until it ends, then lowers exactly one level at a time', async () => {
    const { brand, operator, join, evaluate } = await setUp({ downgradePolicy: 'one_level', graceDays: 30 });
    const memberId = await join('a');
    const order = await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 200_000, at: T0 });
    await withTransaction(server.database.db, (tx) => server.app.services.tiers.steps.onPurchase(tx, { brandId: brand.brandId, memberId, at: T0 }));
    await refundOrder(server, brand.brandId, order, 180_000); // 20 000 left: supports level 1

    expect(await evaluate(T0)).toMatchObject({ evaluated: 1, changed: 1, graceStarted: 1, downgraded: 0 });
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 3, graceUntil: at(30).toISOString(), growthValue: 20_000 });

    expect(await evaluate(at(29))).toMatchObject({ changed: 0 });
    expect((await tierOf(server, operator, memberId)).level).toBe(3);

    expect(await evaluate(at(30))).toMatchObject({ changed: 1, downgraded: 1, graceStarted: 1 });
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 2, graceUntil: at(60).toISOString(), levelSince: at(30).toISOString() });
    expect(await evaluate(at(30))).toMatchObject({ changed: 0 });

    expect(await evaluate(at(45))).toMatchObject({ changed: 0 });
    expect(await evaluate(at(60))).toMatchObject({ changed: 1, downgraded: 1, graceStarted: 0 });
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 1, graceUntil: null });
    expect(await evaluate(at(120))).toMatchObject({ changed: 0 });

    expect(moves(await history(server, operator, memberId))).toEqual([
      '0>3 purchase_upgrade',
      '3>3 grace_started',
      '3>2 evaluation_downgrade',
      '2>2 grace_started',
      '2>1 evaluation_downgrade',
    ]);
  });

  it('to_supported: after the grace period, straight down to the level the value supports', async () => {
    const { brand, operator, join, evaluate } = await setUp({ downgradePolicy: 'to_supported', graceDays: 14 });
    const memberId = await join('a');
    const order = await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 200_000, at: T0 });
    await evaluate(T0); // evaluation raises members the purchase step never saw
    expect((await tierOf(server, operator, memberId)).level).toBe(3);
    await refundOrder(server, brand.brandId, order, 185_000); // 15 000: level 1

    await evaluate(at(1));
    expect(await evaluate(at(14))).toMatchObject({ changed: 0 });
    expect((await tierOf(server, operator, memberId)).level).toBe(3);
    expect(await evaluate(at(15))).toMatchObject({ downgraded: 1 });
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 1, graceUntil: null });
    expect(moves(await history(server, operator, memberId))).toEqual(['0>3 evaluation_upgrade', '3>3 grace_started', '3>1 evaluation_downgrade']);
  });

  it('none: nobody is lowered and no grace period is announced; one already running is ended', async () => {
    const { brand, operator, join, evaluate } = await setUp({ downgradePolicy: 'one_level', graceDays: 30 });
    const memberId = await join('a');
    const order = await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 60_000, at: T0 });
    await evaluate(T0);
    await refundOrder(server, brand.brandId, order, 60_000);
    await evaluate(at(1));
    expect((await tierOf(server, operator, memberId)).graceUntil).toBe(at(31).toISOString());

    await putSettings(server, operator, { downgradePolicy: 'none', graceDays: 30 });
    expect(await evaluate(at(2))).toMatchObject({ graceCleared: 1 });
    for (const day of [40, 400, 800]) expect(await evaluate(at(day))).toMatchObject({ changed: 0 });
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 2, graceUntil: null, growthValue: 0 });
    expect(moves(await history(server, operator, memberId))).toEqual(['0>2 evaluation_upgrade', '2>2 grace_started', '2>2 grace_cleared']);
  });

  it('no grace days: the level drops at the first evaluation, once per evaluation instant', async () => {
    const { brand, operator, join, evaluate } = await setUp({ downgradePolicy: 'one_level', graceDays: 0 });
    const memberId = await join('a');
    const order = await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 200_000, at: T0 });
    await evaluate(T0);
    await refundOrder(server, brand.brandId, order, 200_000);
    expect(await evaluate(at(1))).toMatchObject({ downgraded: 1, graceStarted: 0 });
    expect(await evaluate(at(1))).toMatchObject({ changed: 0 });
    expect((await tierOf(server, operator, memberId)).level).toBe(2);
    await evaluate(at(2));
    await evaluate(at(3));
    await evaluate(at(4));
    expect((await tierOf(server, operator, memberId)).level).toBe(0);
  });

  it('a purchase in the grace period that restores the value keeps the level', async () => {
    const { brand, operator, join, evaluate } = await setUp({ downgradePolicy: 'to_supported', graceDays: 30 });
    const memberId = await join('a');
    const order = await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 50_000, at: T0 });
    await evaluate(T0);
    await refundOrder(server, brand.brandId, order, 10_000);
    await evaluate(at(1));
    await purchase(server, { brandId: brand.brandId, memberId, paidFen: 10_000, at: at(10) });
    expect(await evaluate(at(40))).toMatchObject({ changed: 0 });
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 2, graceUntil: null });
  });
});

describe('the rolling window', () => {
  it('lowers the value as old orders leave the window', async () => {
    const { brand, operator, join, evaluate } = await setUp({ downgradePolicy: 'to_supported', graceDays: 30, windowDays: 365 });
    const memberId = await join('a');
    await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 45_000, at: T0 });
    await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 8_000, at: at(200) });
    await evaluate(at(200));
    server.clock.set(at(200));
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 2, growthValue: 53_000 });

    // the first order is still in [now − 365 days, now] on day 365, gone a day later
    await evaluate(at(365));
    expect((await tierOf(server, operator, memberId)).graceUntil).toBeNull();
    server.clock.set(at(366));
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 2, growthValue: 8_000, nextLevel: { level: 3, remaining: 192_000 } });
    expect(await evaluate(at(366))).toMatchObject({ graceStarted: 1 });
    await evaluate(at(396));
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 0, growthValue: 8_000 });
    // and the second order leaves the window on day 566
    server.clock.set(at(566));
    expect((await tierOf(server, operator, memberId)).growthValue).toBe(0);
  });

  it('follows a shorter window from the settings', async () => {
    const { brand, operator, join, evaluate } = await setUp({ downgradePolicy: 'to_supported', graceDays: 0, windowDays: 30 });
    const memberId = await join('a');
    await insertOrder(server, { brandId: brand.brandId, memberId, paidFen: 12_000, at: T0 });
    await evaluate(at(29));
    expect((await tierOf(server, operator, memberId)).level).toBe(1);
    await evaluate(at(31));
    expect((await tierOf(server, operator, memberId)).level).toBe(0);
  });
});

describe('manual levels', () => {
  it('outrank the earned level until their date, end there, and never become a floor', async () => {
    const { brand, operator, join, evaluate } = await setUp({ downgradePolicy: 'one_level', graceDays: 30 });
    const admin = await server.staffToken(brand.code, 'admin');
    const memberId = await join('vip');
    await purchase(server, { brandId: brand.brandId, memberId, paidFen: 12_000 });
    const until = at(10).toISOString();

    const set = await server.call({ method: 'PUT', url: `/members/${memberId}/tier/manual`, token: operator, payload: { level: 3, until, reason: '投诉补偿' } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ level: 1, effectiveLevel: 3, effectiveName: '钻石卡', manual: { level: 3, until }, benefits: { pointsMultiplierPermille: 2000 } });
    const steps = server.app.services.tiers.steps;
    await withTransaction(server.database.db, async (tx) => {
      expect(await steps.effectiveLevel(tx, brand.brandId, memberId, at(9))).toBe(3);
      expect(await steps.pointsMultiplierPermille(tx, brand.brandId, memberId, at(9))).toBe(2000);
      // at its date the manual level is over, evaluation or not
      expect(await steps.effectiveLevel(tx, brand.brandId, memberId, at(10))).toBe(1);
      expect(await steps.pointsMultiplierPermille(tx, brand.brandId, memberId, at(10))).toBe(1200);
    });

    // purchases move the earned level underneath
    await purchase(server, { brandId: brand.brandId, memberId, paidFen: 40_000, at: at(2) });
    expect(await evaluate(at(5))).toMatchObject({ changed: 0 });
    server.clock.set(at(5));
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 2, effectiveLevel: 3 });

    expect(await evaluate(at(10))).toMatchObject({ manualExpired: 1 });
    server.clock.set(at(10));
    expect(await tierOf(server, operator, memberId)).toMatchObject({ level: 2, effectiveLevel: 2, manual: null });
    expect(await evaluate(at(10))).toMatchObject({ changed: 0 });

    const rows = await history(server, admin, memberId);
    expect(moves(rows)).toEqual(['0>1 purchase_upgrade', '1>3 manual_set', '1>2 purchase_upgrade', '3>2 manual_expired']);
    expect(rows[1]!.actor).toEqual({ type: 'staff', id: brand.staff.operator });
    expect(rows[3]!.actor).toEqual({ type: 'system', id: null });
  });

  it('a manual level below the earned one also rules while it lasts', async () => {
    const { brand, operator, join } = await setUp();
    const memberId = await join('low');
    await purchase(server, { brandId: brand.brandId, memberId, paidFen: 60_000 });
    const set = await server.call({ method: 'PUT', url: `/members/${memberId}/tier/manual`, token: operator, payload: { level: 0, until: at(3).toISOString(), reason: '违规' } });
    expect(set.body).toMatchObject({ level: 2, effectiveLevel: 0, benefits: { pointsMultiplierPermille: 1000 } });
  });

  it('can be ended early with a reason in the query or the body, and both changes are audited', async () => {
    const { brand, operator, join } = await setUp();
    const memberId = await join('clear');
    await purchase(server, { brandId: brand.brandId, memberId, paidFen: 12_000 });
    const put = (level: number) => server.call({ method: 'PUT', url: `/members/${memberId}/tier/manual`, token: operator, payload: { level, until: at(30).toISOString(), reason: '活动' } });

    await put(2);
    const byQuery = await server.call({ method: 'DELETE', url: `/members/${memberId}/tier/manual?reason=${encodeURIComponent('活动取消')}`, token: operator });
    expect(byQuery.status).toBe(200);
    expect(byQuery.body).toMatchObject({ level: 1, effectiveLevel: 1, manual: null });

    await put(3);
    const byBody = await server.call({ method: 'DELETE', url: `/members/${memberId}/tier/manual`, token: operator, payload: { reason: '误操作' } });
    expect(byBody.status).toBe(200);
    expect(byBody.body.manual).toBeNull();

    const none = await server.call({ method: 'DELETE', url: `/members/${memberId}/tier/manual`, token: operator });
    expect(none.status).toBe(400);
    expect(none.body.code).toBe('VALIDATION_FAILED');
    // nothing to clear: nothing changes
    expect((await server.call({ method: 'DELETE', url: `/members/${memberId}/tier/manual?reason=x`, token: operator })).status).toBe(200);

    expect(moves(await history(server, operator, memberId))).toEqual(['0>1 purchase_upgrade', '1>2 manual_set', '2>1 manual_cleared', '1>3 manual_set', '3>1 manual_cleared']);
    const audit = (await server.database.db.select().from(auditLog).where(eq(auditLog.targetId, memberId))).filter((row) => row.action.startsWith('tier.'));
    // all at one instant: audit ids do not order them, so compare as a set
    expect(audit.map((row) => `${row.action} ${row.data.reason}`).sort()).toEqual(['tier.manual_cleared 活动取消', 'tier.manual_cleared 误操作', 'tier.manual_set 活动', 'tier.manual_set 活动'].sort());
    expect(audit.every((row) => row.actorType === 'staff' && row.actorId === brand.staff.operator)).toBe(true);
  });

  it('refuses an end in the past or beyond two years, and a level the ladder does not have', async () => {
    const { operator, join } = await setUp();
    const memberId = await join('bad');
    const put = (payload: object) => server.call({ method: 'PUT', url: `/members/${memberId}/tier/manual`, token: operator, payload });
    for (const until of [at(-1).toISOString(), T0.toISOString(), at(2 * 366).toISOString(), 'tomorrow']) {
      const response = await put({ level: 1, until, reason: 'x' });
      expect({ until, status: response.status, code: response.body.code }).toEqual({ until, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await put({ level: 1, until: at(2 * 365).toISOString(), reason: 'x' })).status).toBe(200);
    const missing = await put({ level: 7, until: at(1).toISOString(), reason: 'x' });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('TIER_NOT_FOUND');
    expect((await put({ level: 1, until: at(1).toISOString(), reason: '' })).status).toBe(400);
  });
});

describe('idempotency', () => {
  it('running the evaluation twice at the same instant changes nothing the second time', async () => {
    const { brand, operator, join, evaluate } = await setUp({ downgradePolicy: 'one_level', graceDays: 10 });
    const ids = await Promise.all(['up', 'grace', 'down', 'manual', 'idle'].map(join));
    const [up, grace, down, manual] = ids as [string, string, string, string];
    await insertOrder(server, { brandId: brand.brandId, memberId: up, paidFen: 60_000, at: T0 });
    const graceOrder = await insertOrder(server, { brandId: brand.brandId, memberId: grace, paidFen: 60_000, at: T0 });
    const downOrder = await insertOrder(server, { brandId: brand.brandId, memberId: down, paidFen: 250_000, at: T0 });
    await insertOrder(server, { brandId: brand.brandId, memberId: manual, paidFen: 1_000, at: T0 });
    await evaluate(T0);
    await server.call({ method: 'PUT', url: `/members/${manual}/tier/manual`, token: operator, payload: { level: 2, until: at(11).toISOString(), reason: 'x' } });
    await refundOrder(server, brand.brandId, downOrder, 250_000);
    await evaluate(at(1));
    await refundOrder(server, brand.brandId, graceOrder, 55_000);
    await insertOrder(server, { brandId: brand.brandId, memberId: up, paidFen: 200_000, at: at(5) });

    const snapshot = async () => ({
      tiers: await server.database.db.select().from(memberTiers).where(eq(memberTiers.brandId, brand.brandId)).orderBy(asc(memberTiers.memberId)),
      history: (await server.database.db.select().from(tierHistory).where(eq(tierHistory.brandId, brand.brandId))).length,
    });
    const first = await evaluate(at(11));
    expect(first).toMatchObject({ evaluated: 5, upgraded: 1, downgraded: 1, graceStarted: 2, manualExpired: 1 });
    const after = await snapshot();
    expect(await evaluate(at(11))).toMatchObject({ evaluated: 5, changed: 0, upgraded: 0, downgraded: 0, graceStarted: 0, graceCleared: 0, manualExpired: 0 });
    expect(await snapshot()).toEqual(after);
  });

  it('reports progress by batch', async () => {
    const { brand, join } = await setUp();
    for (let i = 0; i < 5; i++) await join(`p${i}`);
    const progress: number[] = [];
    const summary = await server.app.services.tiers.evaluate(T0, { brandId: brand.brandId, batchSize: 2, parallel: 1, onProgress: (p) => progress.push(p.evaluated) });
    expect(progress).toEqual([2, 4, 5]);
    expect(summary).toMatchObject({ brands: 1, evaluated: 5 });
    // side by side, batches finish in any order; the count still reaches every member once
    const parallel: number[] = [];
    expect(await server.app.services.tiers.evaluate(T0, { brandId: brand.brandId, batchSize: 2, parallel: 3, onProgress: (p) => parallel.push(p.evaluated) })).toMatchObject({ evaluated: 5, changed: 0 });
    expect(parallel).toHaveLength(3);
    expect(parallel.at(-1)).toBe(5);
  });
});
