import { eq } from 'drizzle-orm';
import { pointAccounts, pointAllocations, pointEntries, pointLots } from '../src/modules/points/points.tables';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { inTx, insertMembers, steps, system } from './points-fixtures';

/**
 * Property test of the ledger under concurrency: many random earn / redeem / reverseEarn /
 * restoreRedemption operations on few members from many workers at once, then every invariant
 * checked from the tables alone.
 */

const MEMBERS = 500;
const OPERATIONS = Number(process.env.POINTS_PROPERTY_OPS ?? 10_000);
const WORKERS = 32;
const DAY = 86_400_000;
const T0 = new Date('2026-11-24T08:00:00Z').getTime();

let server: TestServer;
let brand: BrandFixture;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('prop');
});
afterAll(() => server.close());

/** A small seeded generator (mulberry32), so a failing run can be repeated. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)), pick: <T>(items: T[]) => items[Math.floor(next() * items.length)] };
}

interface MemberHistory {
  earns: { sourceId: string; amount: number }[];
  redemptions: string[];
}

it(`keeps balance = ledger = lots for ${MEMBERS} members under ${OPERATIONS} random operations from ${WORKERS} workers`, async () => {
  const seed = Number(process.env.POINTS_PROPERTY_SEED ?? 20261124);
  const random = generator(seed);
  const memberIds = await insertMembers(server, brand.brandId, MEMBERS);
  const history = new Map<string, MemberHistory>(memberIds.map((id) => [id, { earns: [], redemptions: [] }]));
  const points = steps(server);
  const counts = { earn: 0, redeem: 0, reverseEarn: 0, restoreRedemption: 0, insufficient: 0 };
  let issued = 0;

  async function operation(n: number): Promise<void> {
    const memberId = random.pick(memberIds)!;
    const mine = history.get(memberId)!;
    const at = new Date(T0 + random.int(0, 30 * DAY));
    const roll = random.next();
    const brandId = brand.brandId;
    if (roll < 0.4 || mine.earns.length === 0) {
      const amount = random.int(1, 400);
      const sourceId = `order-${n}`;
      const expiry = random.next();
      const expiresAt = expiry < 0.25 ? null : expiry < 0.5 ? undefined : new Date(T0 + random.int(1, 45) * DAY);
      const lockedUntil = random.next() < 0.25 ? new Date(T0 + random.int(0, 20) * DAY) : null;
      await inTx(server, (tx) => points.earn(tx, { brandId, memberId, amount, reason: 'purchase', sourceType: 'order', sourceId, actor: system, at, expiresAt, lockedUntil }));
      mine.earns.push({ sourceId, amount });
      counts.earn += 1;
    } else if (roll < 0.75) {
      const amount = random.int(1, 500);
      try {
        const result = await inTx(server, (tx) => points.redeem(tx, { brandId, memberId, amount, reason: 'exchange', sourceType: 'mall_exchange', sourceId: `exchange-${n}`, actor: system, at }));
        mine.redemptions.push(result.entryId);
        counts.redeem += 1;
      } catch (error) {
        if ((error as { code?: string }).code !== 'POINTS_INSUFFICIENT') throw error;
        counts.insufficient += 1;
      }
    } else if (roll < 0.9) {
      const earning = random.pick(mine.earns)!;
      const amount = random.int(1, earning.amount);
      await inTx(server, (tx) =>
        points.reverseEarn(tx, { brandId, memberId, earnSourceType: 'order', earnSourceId: earning.sourceId, amount, reason: 'refund', sourceType: 'refund', sourceId: `refund-${n}`, actor: system, at }),
      );
      counts.reverseEarn += 1;
    } else {
      const redeemEntryId = random.pick(mine.redemptions);
      if (!redeemEntryId) return operation(n);
      await inTx(server, (tx) =>
        points.restoreRedemption(tx, { brandId, redeemEntryId, reason: 'cancelled', sourceType: 'mall_exchange', sourceId: `cancel-${n}`, actor: system, at }),
      );
      counts.restoreRedemption += 1;
    }
  }

  // the nightly expiry runs now and then while the workers go on, sweeping ever later days
  let sweeps = 0;
  const expiry = async () => {
    for (let day = 4; issued < OPERATIONS; day += 4) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      await server.app.services.points.expireDue(new Date(T0 + day * DAY));
      sweeps += 1;
    }
  };

  const started = Date.now();
  await Promise.all([
    ...Array.from({ length: WORKERS }, async () => {
      while (issued < OPERATIONS) await operation(issued++);
    }),
    expiry(),
  ]);
  const seconds = (Date.now() - started) / 1000;
  // eslint-disable-next-line no-console
  console.log(`points property test: ${OPERATIONS} operations in ${seconds.toFixed(1)} s = ${Math.round(OPERATIONS / seconds)} ops/s (seed ${seed}), ${sweeps} expiry runs`, counts);
  expect(counts.earn + counts.redeem + counts.reverseEarn + counts.restoreRedemption + counts.insufficient).toBe(OPERATIONS);
  expect(counts.redeem).toBeGreaterThan(OPERATIONS / 10);
  expect(counts.restoreRedemption).toBeGreaterThan(0);

  // everything the brand's ledger holds, read after the workers are done
  const db = server.database.db;
  const [accounts, entries, lots, allocations] = await Promise.all([
    db.select().from(pointAccounts).where(eq(pointAccounts.brandId, brand.brandId)),
    db.select().from(pointEntries).where(eq(pointEntries.brandId, brand.brandId)),
    db.select().from(pointLots).where(eq(pointLots.brandId, brand.brandId)),
    db.select().from(pointAllocations).where(eq(pointAllocations.brandId, brand.brandId)),
  ]);
  const entryById = new Map(entries.map((e) => [e.id, e]));
  const lotById = new Map(lots.map((l) => [l.id, l]));
  const byMember = <T extends { memberId: string }>(rows: T[]) => {
    const map = new Map<string, T[]>();
    for (const row of rows) map.set(row.memberId, [...(map.get(row.memberId) ?? []), row]);
    return map;
  };
  const entriesOf = byMember(entries);
  const lotsOf = byMember(lots);
  const allocationsOf = new Map<string, typeof allocations>();
  for (const a of allocations) allocationsOf.set(a.entryId, [...(allocationsOf.get(a.entryId) ?? []), a]);

  const problems: string[] = [];
  for (const account of accounts) {
    const memberId = account.memberId;
    const ledger = (entriesOf.get(memberId) ?? []).reduce((sum, e) => sum + e.amount, 0);
    const held = (lotsOf.get(memberId) ?? []).reduce((sum, l) => sum + l.remaining, 0);
    if (account.balance !== ledger || account.balance !== held || account.balance < 0 || account.debt < 0) {
      problems.push(`${memberId}: balance ${account.balance}, ledger ${ledger}, lots ${held}, debt ${account.debt}`);
    }
    // balance_after runs through the member's entries in the order they were written (ids sort that way)
    let running = 0;
    for (const entry of [...(entriesOf.get(memberId) ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      running += entry.amount;
      if (entry.balanceAfter !== running) problems.push(`${entry.id}: balanceAfter ${entry.balanceAfter}, running sum ${running}`);
    }
  }
  // what the tiers module reads as points earned agrees with the account's lifetime total
  for (let i = 0; i < accounts.length; i += 20) {
    await Promise.all(
      accounts.slice(i, i + 20).map(async (account) => {
        const earned = await inTx(server, (tx) => points.pointsEarnedBetween(tx, brand.brandId, account.memberId, new Date(T0 - DAY), new Date(T0 + 60 * DAY)));
        if (earned !== account.lifetimeEarned) problems.push(`${account.memberId}: lifetime earned ${account.lifetimeEarned}, earned between ${earned}`);
      }),
    );
  }

  for (const lot of lots) {
    if (lot.remaining < 0 || lot.remaining > lot.amount) problems.push(`${lot.id}: remaining ${lot.remaining} of ${lot.amount}`);
  }
  // each lot's remaining is its amount less what negative entries took plus what restores put back
  const flows = new Map<string, number>(lots.map((l) => [l.id, l.amount]));
  for (const a of allocations) {
    const entry = entryById.get(a.entryId)!;
    flows.set(a.lotId, flows.get(a.lotId)! + (entry.amount < 0 ? -a.amount : a.amount));
  }
  for (const lot of lots) if (flows.get(lot.id) !== lot.remaining) problems.push(`${lot.id}: remaining ${lot.remaining}, allocations say ${flows.get(lot.id)}`);

  for (const entry of entries) {
    const taken = (allocationsOf.get(entry.id) ?? []).reduce((sum, a) => sum + a.amount, 0);
    if (entry.type === 'earn' && taken !== 0) problems.push(`${entry.id}: earn with allocations`);
    if (entry.type !== 'earn' && taken !== Math.abs(entry.amount)) problems.push(`${entry.id}: ${entry.type} ${entry.amount} but allocations ${taken}`);
    if (entry.type === 'redeem') {
      // a redemption only ever took points that were spendable at its time: never more than the available balance
      for (const a of allocationsOf.get(entry.id)!) {
        const lot = lotById.get(a.lotId)!;
        const at = entry.createdAt.getTime();
        if (lot.memberId !== entry.memberId) problems.push(`${entry.id}: took from another member's lot`);
        if (lot.lockedUntil && lot.lockedUntil.getTime() > at) problems.push(`${entry.id}: took locked points of ${lot.id}`);
        if (lot.expiresAt && lot.expiresAt.getTime() <= at) problems.push(`${entry.id}: took expired points of ${lot.id}`);
      }
    }
  }
  for (const entry of entries.filter((e) => e.type === 'expire')) {
    const lot = lotById.get(entry.sourceId)!;
    if (!lot.expiresAt || lot.expiresAt.getTime() > entry.createdAt.getTime()) problems.push(`${entry.id}: expired ${entry.sourceId} before its date`);
  }
  expect(problems.slice(0, 20)).toEqual([]);

  // a final sweep past every expiry empties exactly the expiring lots; a second one changes nothing
  const past = new Date(T0 + 800 * DAY);
  await server.app.services.points.expireDue(past);
  expect(await server.app.services.points.expireDue(past)).toEqual({ members: 0, lots: 0, points: 0 });
  const finalLots = await db.select().from(pointLots).where(eq(pointLots.brandId, brand.brandId));
  const finalAccounts = await db.select().from(pointAccounts).where(eq(pointAccounts.brandId, brand.brandId));
  expect(finalLots.filter((l) => l.expiresAt !== null && l.remaining > 0)).toEqual([]);
  const neverExpiring = new Map<string, number>();
  for (const lot of finalLots) if (lot.expiresAt === null) neverExpiring.set(lot.memberId, (neverExpiring.get(lot.memberId) ?? 0) + lot.remaining);
  expect(finalAccounts.filter((a) => a.balance !== (neverExpiring.get(a.memberId) ?? 0))).toEqual([]);
}, 120_000);
