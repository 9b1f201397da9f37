import { and, asc, eq } from 'drizzle-orm';
import { auditLog } from '../src/modules/audit/audit.tables';
import { pointAllocations, pointEntries, pointLots, pointMultipliers, pointRules } from '../src/modules/points/points.tables';
import { pointsJobs } from '../src/modules/points';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { inTx, insertMembers, ledgerState, steps, system } from './points-fixtures';

let server: TestServer;
let brand: BrandFixture;
const DAY = 86_400_000;
const T0 = new Date('2026-11-24T08:00:00Z');
const after = (days: number) => new Date(T0.getTime() + days * DAY);

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('ledger');
});
afterAll(() => server.close());

async function member(): Promise<string> {
  return (await insertMembers(server, brand.brandId, 1))[0]!;
}

let seq = 0;
const source = (prefix: string) => `${prefix}-${++seq}`;

async function earn(memberId: string, amount: number, options: { expiresAt?: Date | null; lockedUntil?: Date | null; at?: Date; sourceId?: string } = {}) {
  return inTx(server, (tx) =>
    steps(server).earn(tx, {
      brandId: brand.brandId,
      memberId,
      amount,
      reason: 'test earning',
      sourceType: 'order',
      sourceId: options.sourceId ?? source('order'),
      actor: system,
      at: options.at ?? T0,
      lockedUntil: options.lockedUntil,
      expiresAt: options.expiresAt,
    }),
  );
}

async function redeem(memberId: string, amount: number, at = T0, sourceId = source('exchange')) {
  return inTx(server, (tx) =>
    steps(server).redeem(tx, { brandId: brand.brandId, memberId, amount, reason: 'test redemption', sourceType: 'mall_exchange', sourceId, actor: system, at }),
  );
}

async function lotsOf(memberId: string) {
  return server.database.db.select().from(pointLots).where(eq(pointLots.memberId, memberId)).orderBy(asc(pointLots.id));
}

async function expectConsistent(memberId: string) {
  const state = await ledgerState(server, brand.brandId, memberId);
  expect(state.ledger).toBe(state.balance);
  expect(state.lots).toBe(state.balance);
  return state;
}

describe('FIFO by expiry', () => {
  it('lots expire at the end of their day: the nightly job takes them then, and not before', async () => {
    await server.database.db.insert(pointRules).values({ brandId: brand.brandId, expiryMode: 'rolling_days', expiryDays: 2 });
    try {
      const m = await member();
      await earn(m, 40);
      const [lot] = await lotsOf(m);
      // earned 2026-11-24 (Shanghai) + 2 days → usable through 11-26, gone at 11-27 00:00 +08:00
      expect(lot!.expiresAt).toEqual(new Date('2026-11-26T16:00:00Z'));

      expect((await server.app.services.points.expireDue(new Date('2026-11-26T15:59:59.999Z'))).lots).toBe(0);
      expect((await lotsOf(m))[0]!.remaining).toBe(40);
      const run = await server.app.services.points.expireDue(new Date('2026-11-26T16:10:00Z'));
      expect(run.lots).toBeGreaterThanOrEqual(1);
      expect((await lotsOf(m))[0]!.remaining).toBe(0);
      expect((await expectConsistent(m)).balance).toBe(0);
    } finally {
      await server.database.db.delete(pointRules).where(eq(pointRules.brandId, brand.brandId));
    }
  });

  it('a redemption takes the soonest-expiring points first, never-expiring last', async () => {
    const m = await member();
    await earn(m, 50, { expiresAt: null });
    await earn(m, 30, { expiresAt: after(100) });
    await earn(m, 20, { expiresAt: after(10) });
    const { entryId, balance } = await redeem(m, 40);
    expect(balance).toBe(60);
    const taken = await server.database.db.select().from(pointAllocations).where(eq(pointAllocations.entryId, entryId));
    const lots = await lotsOf(m);
    const byExpiry = (expiresAt: Date | null) => lots.find((lot) => String(lot.expiresAt) === String(expiresAt))!;
    expect(Object.fromEntries(taken.map((a) => [a.lotId, a.amount]))).toEqual({ [byExpiry(after(10)).id]: 20, [byExpiry(after(100)).id]: 20 });
    expect(byExpiry(null).remaining).toBe(50);
    await expectConsistent(m);
  });

  it('the expiry job takes only expired points, once per lot, and a second run changes nothing', async () => {
    const m = await member();
    await earn(m, 10, { expiresAt: after(5) });
    await earn(m, 20, { expiresAt: after(5) });
    await earn(m, 30, { expiresAt: after(6) });
    await earn(m, 40, { expiresAt: null });
    await redeem(m, 15); // 10 from the first lot, 5 from the second

    const first = await server.app.services.points.expireDue(after(5));
    expect(first.points).toBeGreaterThanOrEqual(15);
    const state = await expectConsistent(m);
    expect(state.balance).toBe(70);
    const expiries = await server.database.db
      .select()
      .from(pointEntries)
      .where(and(eq(pointEntries.memberId, m), eq(pointEntries.type, 'expire')));
    // the emptied first lot gets no entry; the second lot's 15 left expire in one entry
    expect(expiries.map((e) => e.amount)).toEqual([-15]);
    expect(expiries[0]!.balanceAfter).toBe(70);
    expect(expiries[0]!.sourceType).toBe('lot');

    const again = await server.app.services.points.expireDue(after(5));
    expect(again).toEqual({ members: 0, lots: 0, points: 0 });
    expect((await expectConsistent(m)).balance).toBe(70);

    await server.app.services.points.expireDue(after(7));
    expect((await expectConsistent(m)).balance).toBe(40);
    await server.app.services.points.expireDue(after(7));
    expect((await expectConsistent(m)).balance).toBe(40);
  });
});

describe('the nightly job', () => {
  it('is described for the scheduler and runs the expiry', async () => {
    const [job] = pointsJobs(server.app.services.points);
    expect(job).toMatchObject({ name: 'points.expire', cron: '10 0 * * *', timeZone: 'Asia/Shanghai' });
    const m = await member();
    await earn(m, 9, { expiresAt: after(200) });
    const messages: string[] = [];
    const result = await job!.run(after(200), (message) => messages.push(message));
    expect(result).toMatchObject({ lots: expect.any(Number) });
    expect(messages.length).toBeGreaterThan(0);
    expect((await expectConsistent(m)).balance).toBe(0);
  });
});

describe('locked points', () => {
  it('cannot be redeemed until they unlock', async () => {
    const m = await member();
    await earn(m, 100, { lockedUntil: after(7), expiresAt: after(365) });
    await earn(m, 10, { expiresAt: after(365) });
    await expect(redeem(m, 50, after(1))).rejects.toMatchObject({ code: 'POINTS_INSUFFICIENT' });
    const summary = await server.app.services.points.memberSummary(
      { brandId: brand.brandId, actor: { type: 'staff', staffId: brand.staff.operator, role: 'operator', storeIds: [] } },
      m,
    );
    expect(summary).toMatchObject({ balance: 110, available: 10, locked: 100 });
    expect((await redeem(m, 10, after(1))).balance).toBe(100);
    expect((await redeem(m, 50, after(7))).balance).toBe(50);
    await expectConsistent(m);
  });
});

describe('restoreRedemption', () => {
  it('puts the points back into the lots they came from, with their expiry, once', async () => {
    const m = await member();
    await earn(m, 50, { expiresAt: after(10) });
    await earn(m, 50, { expiresAt: after(100) });
    const redemption = await redeem(m, 70);
    await redeem(m, 30); // empties both lots: the restore must not depend on them holding anything
    expect((await expectConsistent(m)).balance).toBe(0);

    const restored = await inTx(server, (tx) =>
      steps(server).restoreRedemption(tx, { brandId: brand.brandId, redeemEntryId: redemption.entryId, reason: 'Exchange cancelled', sourceType: 'mall_exchange', sourceId: 'cancel-1', actor: system, at: after(1) }),
    );
    expect(restored).toMatchObject({ amount: 70, balance: 70 });
    const lots = await lotsOf(m);
    expect(lots.map((lot) => [lot.expiresAt, lot.remaining])).toEqual([
      [after(10), 50],
      [after(100), 20],
    ]);
    const [entry] = await server.database.db.select().from(pointEntries).where(eq(pointEntries.id, restored.entryId!));
    expect(entry).toMatchObject({ type: 'reverse', amount: 70, balanceAfter: 70, sourceType: 'redemption', sourceId: redemption.entryId });

    const again = await inTx(server, (tx) =>
      steps(server).restoreRedemption(tx, { brandId: brand.brandId, redeemEntryId: redemption.entryId, reason: 'again', sourceType: 'mall_exchange', sourceId: 'cancel-2', actor: system, at: after(1) }),
    );
    expect(again).toMatchObject({ entryId: restored.entryId, duplicate: true, balance: 70 });
    expect((await expectConsistent(m)).balance).toBe(70);

    // the points restored into the soon lot still expire on its date
    await server.app.services.points.expireDue(after(10));
    expect((await expectConsistent(m)).balance).toBe(20);
  });

  it('does not return points whose lot expired in the meantime', async () => {
    const m = await member();
    await earn(m, 40, { expiresAt: after(3) });
    await earn(m, 60, { expiresAt: null });
    const redemption = await redeem(m, 50); // 40 from the expiring lot, 10 from the other
    await server.app.services.points.expireDue(after(3));
    const restored = await inTx(server, (tx) =>
      steps(server).restoreRedemption(tx, { brandId: brand.brandId, redeemEntryId: redemption.entryId, reason: 'Exchange cancelled', sourceType: 'mall_exchange', sourceId: 'late-cancel', actor: system, at: after(4) }),
    );
    expect(restored).toMatchObject({ amount: 10, expiredNotRestored: 40, balance: 60 });
    await expectConsistent(m);
    expect((await server.app.services.points.expireDue(after(4))).lots).toBe(0);
  });
});

describe('reverseEarn and debt', () => {
  it('takes back what is left, turns what was spent into debt, and later earnings pay the debt first', async () => {
    const m = await member();
    await earn(m, 100, { sourceId: 'order-A', expiresAt: after(365) });
    await redeem(m, 80);
    const reversal = await inTx(server, (tx) =>
      steps(server).reverseEarn(tx, {
        brandId: brand.brandId,
        memberId: m,
        earnSourceType: 'order',
        earnSourceId: 'order-A',
        amount: 100,
        reason: 'Refund',
        sourceType: 'refund',
        sourceId: 'refund-A',
        actor: system,
        at: after(1),
      }),
    );
    expect(reversal).toMatchObject({ reversed: 20, debtAdded: 80, balance: 0 });
    expect(await ledgerState(server, brand.brandId, m)).toMatchObject({ balance: 0, debt: 80, ledger: 0, lots: 0 });
    const [audit] = await server.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, m), eq(auditLog.action, 'points.debt_added')));
    expect(audit!.data).toMatchObject({ debtAdded: 80, reversed: 20 });

    // the same refund again changes nothing
    const repeat = await inTx(server, (tx) =>
      steps(server).reverseEarn(tx, {
        brandId: brand.brandId,
        memberId: m,
        earnSourceType: 'order',
        earnSourceId: 'order-A',
        amount: 100,
        reason: 'Refund',
        sourceType: 'refund',
        sourceId: 'refund-A',
        actor: system,
        at: after(1),
      }),
    );
    expect(repeat).toMatchObject({ entryId: reversal.entryId, duplicate: true });
    expect((await ledgerState(server, brand.brandId, m)).debt).toBe(80);

    const first = await earn(m, 50, { at: after(2), expiresAt: after(365) });
    expect(first).toMatchObject({ amount: 50, debtPaid: 50, balance: 0 });
    expect(await ledgerState(server, brand.brandId, m)).toMatchObject({ balance: 0, debt: 30, ledger: 0, lots: 0 });
    const [earnEntry] = await server.database.db.select().from(pointEntries).where(eq(pointEntries.id, first.entryId));
    expect(earnEntry!.reason).toMatch(/paid off debt/);

    const second = await earn(m, 100, { at: after(3), expiresAt: after(365) });
    expect(second).toMatchObject({ debtPaid: 30, balance: 70 });
    const state = await expectConsistent(m);
    expect(state).toMatchObject({ balance: 70, debt: 0 });
    // earned 250, refunds took 20 from lots and 80 through debt
    expect(await inTx(server, (tx) => steps(server).pointsEarnedBetween(tx, brand.brandId, m, after(-1), after(10)))).toBe(150);
    expect(state.lifetimeEarned).toBe(150);
  });

  it('a redemption cancelled while the member owes debt pays the debt before giving points back', async () => {
    const m = await member();
    await earn(m, 100, { sourceId: 'order-D', expiresAt: after(365) });
    const redemption = await redeem(m, 60);
    const reverse = await inTx(server, (tx) =>
      steps(server).reverseEarn(tx, {
        brandId: brand.brandId,
        memberId: m,
        earnSourceType: 'order',
        earnSourceId: 'order-D',
        amount: 100,
        reason: 'Refund',
        sourceType: 'refund',
        sourceId: 'refund-D',
        actor: system,
        at: after(1),
      }),
    );
    expect(reverse).toMatchObject({ reversed: 40, debtAdded: 60, balance: 0 });
    const restored = await inTx(server, (tx) =>
      steps(server).restoreRedemption(tx, { brandId: brand.brandId, redeemEntryId: redemption.entryId, reason: 'Exchange cancelled', sourceType: 'mall_exchange', sourceId: 'cancel-D', actor: system, at: after(2) }),
    );
    // the 60 come back and settle the 60 owed: the refunded order leaves nothing behind
    expect(restored).toMatchObject({ amount: 60, debtPaid: 60, balance: 0 });
    expect(await expectConsistent(m)).toMatchObject({ balance: 0, debt: 0, lifetimeEarned: 0 });
    const [entry] = await server.database.db.select().from(pointEntries).where(eq(pointEntries.id, restored.entryId!));
    expect(entry!.reason).toMatch(/paid off debt/);
  });

  it('takes from the earning’s own lot first, locked or not, and never more than it gave', async () => {
    const m = await member();
    await earn(m, 30, { expiresAt: after(5) });
    await earn(m, 50, { sourceId: 'order-B', lockedUntil: after(7), expiresAt: after(365) });
    const reversal = await inTx(server, (tx) =>
      steps(server).reverseEarn(tx, {
        brandId: brand.brandId,
        memberId: m,
        earnSourceType: 'order',
        earnSourceId: 'order-B',
        amount: 500,
        reason: 'Refund',
        sourceType: 'refund',
        sourceId: 'refund-B',
        actor: system,
        at: after(1),
      }),
    );
    expect(reversal).toMatchObject({ reversed: 50, debtAdded: 0, balance: 30 });
    expect((await lotsOf(m)).map((lot) => lot.remaining)).toEqual([30, 0]);
    await expectConsistent(m);
  });

  it('reverses nothing for an earning that does not exist or is another member’s', async () => {
    const [m, other] = await insertMembers(server, brand.brandId, 2);
    await earn(other!, 40, { sourceId: 'order-C' });
    const result = await inTx(server, (tx) =>
      steps(server).reverseEarn(tx, {
        brandId: brand.brandId,
        memberId: m!,
        earnSourceType: 'order',
        earnSourceId: 'order-C',
        amount: 40,
        reason: 'Refund',
        sourceType: 'refund',
        sourceId: 'refund-C',
        actor: system,
        at: T0,
      }),
    );
    expect(result).toMatchObject({ entryId: null, reversed: 0, debtAdded: 0 });
    expect((await ledgerState(server, brand.brandId, other!)).balance).toBe(40);
  });
});

describe('earn', () => {
  it('gives once per source and refuses a member of another brand', async () => {
    const m = await member();
    const first = await earn(m, 25, { sourceId: 'order-once' });
    const again = await earn(m, 25, { sourceId: 'order-once' });
    expect(again).toMatchObject({ entryId: first.entryId, duplicate: true, balance: 25 });
    expect((await expectConsistent(m)).balance).toBe(25);

    const elsewhere = await server.createBrand('ledger-other');
    const [stranger] = await insertMembers(server, elsewhere.brandId, 1);
    await expect(earn(stranger!, 10)).rejects.toMatchObject({ code: 'MEMBER_NOT_FOUND' });
  });

  it('takes its expiry from the brand rules (default 365 days rolling)', async () => {
    const m = await member();
    await earn(m, 5);
    expect((await lotsOf(m))[0]!.expiresAt).toEqual(new Date('2027-11-24T16:00:00Z'));
  });
});

describe('order points, lock and referral', () => {
  it('computes order points from the rules and multipliers in the database', async () => {
    const other = await server.createBrand('ledger-rules');
    const compute = (at: Date, tierMultiplierPermille = 1000) =>
      inTx(server, (tx) =>
        steps(server).computeOrderPoints(tx, {
          brandId: other.brandId,
          at,
          grossFen: 20_000,
          paidFen: 20_000,
          items: [
            { sku: 'LIP-1', category: 'cosmetics', amountFen: 10_000 },
            { sku: 'TEE-1', category: 'apparel', amountFen: 10_000 },
          ],
          tierMultiplierPermille,
        }),
      );
    expect(await compute(T0)).toBe(20);
    await server.database.db.insert(pointRules).values({ brandId: other.brandId, earnPoints: 1, earnPerFen: 100, lockDays: 7 });
    await server.database.db.insert(pointMultipliers).values([
      { id: 'pmu_01JAAAAAAAAAAAAAAAAAAAAAA1', brandId: other.brandId, name: 'lipstick', kind: 'sku', target: 'LIP-1', multiplierPermille: 3000 },
      { id: 'pmu_01JAAAAAAAAAAAAAAAAAAAAAA2', brandId: other.brandId, name: 'cosmetics', kind: 'category', target: 'cosmetics', multiplierPermille: 2000 },
      { id: 'pmu_01JAAAAAAAAAAAAAAAAAAAAAA3', brandId: other.brandId, name: 'double 11', kind: 'period', target: null, startsAt: after(-1), endsAt: after(1), multiplierPermille: 2000 },
    ]);
    // 200 base: 100 × 3 + 100 × 1 = 400, × 2 (period) = 800, × 1.25 (tier) = 1000
    expect(await compute(T0, 1250)).toBe(1000);
    expect(await compute(after(2))).toBe(400);
    expect(await inTx(server, (tx) => steps(server).lockedUntilForPurchase(tx, other.brandId, T0))).toEqual(after(7));
    expect(await inTx(server, (tx) => steps(server).lockedUntilForPurchase(tx, brand.brandId, T0))).toBeNull();
  });

  it('awards a referral once per invitee', async () => {
    const [inviter, invitee, other] = await insertMembers(server, brand.brandId, 3);
    const award = (from: string) => inTx(server, (tx) => steps(server).awardReferral(tx, { brandId: brand.brandId, inviterId: from, inviteeId: invitee!, at: T0 }));
    const first = await award(inviter!);
    expect(first).toMatchObject({ awarded: true, inviter: { amount: 100 }, invitee: { amount: 50 } });
    expect((await award(inviter!)).awarded).toBe(false);
    expect((await award(other!)).awarded).toBe(false);
    expect((await expectConsistent(inviter!)).balance).toBe(100);
    expect((await expectConsistent(invitee!)).balance).toBe(50);
    expect((await expectConsistent(other!)).balance).toBe(0);
  });
});
