/**
 * member_purchase_summaries is kept by triggers on orders (migration 0007): whatever writes orders —
 * the orders routes, multi-row inserts, updates, deletes, concurrent transactions — the summary
 * equals the aggregate of the member's orders. Segment conditions read it, so the segment tests at
 * the end compare summary-based counts with the orders themselves around a pinned clock.
 */
import type { SegmentFilter } from '@memberloop/shared';
import { sql } from 'drizzle-orm';
import { withTransaction } from '../src/db/transaction';
import { orders } from '../src/modules/orders/orders.tables';
import { resultRows } from '../src/modules/analytics/sql-rows';
import { DAY, T0, daysAgo, insertPurchase, memberJoinedAt } from './analytics-fixtures';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;
let clerk: string;
let operator: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('summ');
  clerk = await server.staffToken('summ', 'clerk');
  operator = await server.staffToken('summ', 'operator');
  server.clock.set(T0);
});
afterAll(() => server.close());

interface Summary {
  order_count: number;
  net_paid_fen: number;
  first_purchase_at: Date | null;
  last_purchase_at: Date | null;
}

/** The stored summary, and the same figures computed from the orders now. */
async function summaryAndTruth(memberId: string): Promise<{ stored: Summary | undefined; truth: Summary }> {
  const stored = resultRows<Summary>(
    await server.database.db.execute(
      sql`select order_count, net_paid_fen::float8 as net_paid_fen, first_purchase_at, last_purchase_at from member_purchase_summaries where brand_id = ${brand.brandId} and member_id = ${memberId}`,
    ),
  )[0];
  const truth = resultRows<Summary>(
    await server.database.db.execute(sql`
      select count(*)::int as order_count, coalesce(sum(paid_fen - refunded_fen), 0)::float8 as net_paid_fen,
             min(occurred_at) as first_purchase_at, max(occurred_at) as last_purchase_at
        from orders where brand_id = ${brand.brandId} and member_id = ${memberId} and status <> 'refunded'`),
  )[0]!;
  return { stored: stored && { ...stored, first_purchase_at: stored.first_purchase_at && new Date(stored.first_purchase_at), last_purchase_at: stored.last_purchase_at && new Date(stored.last_purchase_at) }, truth: { ...truth, first_purchase_at: truth.first_purchase_at && new Date(truth.first_purchase_at), last_purchase_at: truth.last_purchase_at && new Date(truth.last_purchase_at) } };
}

async function expectExact(memberId: string) {
  const { stored, truth } = await summaryAndTruth(memberId);
  expect(stored).toEqual(truth);
  return stored!;
}

describe('the purchase summary follows the orders', () => {
  it('through purchases and refunds recorded by clerks', async () => {
    const { member } = await server.joinMember({ user: 'summ-api', brandCode: 'summ' });
    const record = (amountFen: number, occurredAt: Date) =>
      server.call({ method: 'POST', url: '/orders', token: clerk, payload: { memberId: member.id, amountFen, occurredAt: occurredAt.toISOString() } });
    const older = await record(10_000, daysAgo(40));
    const newer = await record(4_500, daysAgo(2));
    expect(newer.status).toBe(201);
    expect(await expectExact(member.id)).toMatchObject({ order_count: 2, net_paid_fen: 14_500, first_purchase_at: daysAgo(40), last_purchase_at: daysAgo(2) });

    const partial = await server.call({ method: 'POST', url: `/orders/${older.body.order.id}/refunds`, token: clerk, payload: { externalId: 'S-1', amountFen: 3_000 } });
    expect(partial.status).toBe(201);
    expect(await expectExact(member.id)).toMatchObject({ order_count: 2, net_paid_fen: 11_500 });

    // the newest purchase refunded in full: the last purchase moves back to the older one
    const full = await server.call({ method: 'POST', url: `/orders/${newer.body.order.id}/refunds`, token: clerk, payload: { externalId: 'S-2' } });
    expect(full.status).toBe(201);
    expect(await expectExact(member.id)).toMatchObject({ order_count: 1, net_paid_fen: 7_000, last_purchase_at: daysAgo(40) });
  });

  it('through multi-row inserts, updates and deletes of many members at once', async () => {
    const ids = await Promise.all([1, 2, 3].map(async (n) => (await memberJoinedAt(server, 'summ', `summ-bulk-${n}`, 300)).id));
    const rows = ids.flatMap((memberId, n) =>
      [10, 50, 90 + n].map((days, k) => ({
        id: `ord_bulk_${n}_${k}`,
        brandId: brand.brandId,
        memberId,
        channel: 'pos' as const,
        externalId: `BULK-${n}-${k}`,
        grossFen: 1_000 * (k + 1),
        paidFen: 1_000 * (k + 1),
        occurredAt: daysAgo(days),
      })),
    );
    await server.database.db.insert(orders).values(rows);
    for (const id of ids) expect(await expectExact(id)).toMatchObject({ order_count: 3, net_paid_fen: 6_000 });

    await server.database.db.execute(sql`update orders set status = 'refunded', refunded_fen = paid_fen where brand_id = ${brand.brandId} and external_id like 'BULK-%-0'`);
    for (const id of ids) expect(await expectExact(id)).toMatchObject({ order_count: 2, net_paid_fen: 5_000, last_purchase_at: daysAgo(50) });

    // an order moved to another member leaves the first one's summary too
    await server.database.db.execute(sql`update orders set member_id = ${ids[1]} where id = 'ord_bulk_0_1'`);
    expect(await expectExact(ids[0]!)).toMatchObject({ order_count: 1, net_paid_fen: 3_000 });
    expect(await expectExact(ids[1]!)).toMatchObject({ order_count: 3, net_paid_fen: 7_000 });

    await server.database.db.execute(sql`delete from orders where id in ('ord_bulk_2_0', 'ord_bulk_2_1', 'ord_bulk_2_2')`);
    expect(await expectExact(ids[2]!)).toMatchObject({ order_count: 0, net_paid_fen: 0, last_purchase_at: null });
  });

  it('when many transactions record orders for the same member at the same time', async () => {
    const { id: memberId } = await memberJoinedAt(server, 'summ', 'summ-race', 300);
    const writers = 16;
    await Promise.all(
      Array.from({ length: writers }, (_, n) =>
        withTransaction(server.database.db, async (tx) => {
          await tx.insert(orders).values({ id: `ord_race_${n}`, brandId: brand.brandId, memberId, channel: 'pos', externalId: `RACE-${n}`, grossFen: 100 + n, paidFen: 100 + n, occurredAt: daysAgo(n + 1) });
          // hold the transaction open so the others overlap it
          await tx.execute(sql`select pg_sleep(0.05)`);
        }),
      ),
    );
    const expectedFen = Array.from({ length: writers }, (_, n) => 100 + n).reduce((a, b) => a + b, 0);
    expect(await expectExact(memberId)).toMatchObject({ order_count: writers, net_paid_fen: expectedFen, first_purchase_at: daysAgo(writers), last_purchase_at: daysAgo(1) });
  });
});

describe('segment purchase conditions read the summary and agree with the orders', () => {
  const names: Record<string, string> = {};
  /**
   * Purchases in days relative to the pinned clock (negative: before it; positive: after it, as on
   * a server whose clock a test pinned in the past):
   *   p1 −5          p2 −40, −200      p3 −200, +3      p4 −60 refunded in full, −100
   *   p5 +2 only     p6 —              p7 −10, −95
   */
  beforeAll(async () => {
    const plan: Record<string, { days: number; refunded?: boolean }[]> = {
      p1: [{ days: -5 }],
      p2: [{ days: -40 }, { days: -200 }],
      p3: [{ days: -200 }, { days: 3 }],
      p4: [{ days: -60, refunded: true }, { days: -100 }],
      p5: [{ days: 2 }],
      p6: [],
      p7: [{ days: -10 }, { days: -95 }],
    };
    for (const [name, purchases] of Object.entries(plan)) {
      const { id } = await memberJoinedAt(server, 'summ', `summ-seg-${name}`, 400);
      names[id] = name;
      for (const { days, refunded } of purchases) {
        await insertPurchase(server, { brandId: brand.brandId, memberId: id, paidFen: 2_000, at: new Date(T0.getTime() + days * DAY), refundedFen: refunded ? 2_000 : 0 });
      }
    }
  });

  /** The p-members a filter selects, through the preview route. */
  async function selected(filter: SegmentFilter): Promise<string[]> {
    const response = await server.call({ method: 'POST', url: '/segments/preview', token: operator, payload: { filter, sampleSize: 20 } });
    expect(response.status).toBe(200);
    return (response.body.sample as { id: string }[]).map((member) => names[member.id]).filter((name): name is string => name !== undefined).sort();
  }

  const iso = (days: number) => new Date(T0.getTime() + days * DAY).toISOString();
  const CASES: [string, SegmentFilter, string[]][] = [
    ['bought in the last 30 days (p3 and p5 only bought after now)', { field: 'purchaseCount', period: { lastDays: 30 }, op: 'gte', value: 1 }, ['p1', 'p7']],
    ['bought in the last 90 days', { field: 'purchaseCount', period: { lastDays: 90 }, op: 'gt', value: 0 }, ['p1', 'p2', 'p7']],
    ['bought in the last 365 days (a purchase after now does not hide an earlier one)', { field: 'purchaseCount', period: { lastDays: 365 }, op: 'gte', value: 1 }, ['p1', 'p2', 'p3', 'p4', 'p7']],
    ['no purchase in the last 90 days', { field: 'purchaseCount', period: { lastDays: 90 }, op: 'eq', value: 0 }, ['p3', 'p4', 'p5', 'p6']],
    ['not bought in the last 30 days', { not: { field: 'purchaseCount', period: { lastDays: 30 }, op: 'gte', value: 1 } }, ['p2', 'p3', 'p4', 'p5', 'p6']],
    ['bought from a date on', { field: 'purchaseCount', period: { from: iso(-50) }, op: 'gte', value: 1 }, ['p1', 'p2', 'p3', 'p5', 'p7']],
    ['bought before a date', { field: 'purchaseCount', period: { to: iso(-99) }, op: 'gte', value: 1 }, ['p2', 'p3', 'p4']],
    ['bought in a closed window (p2 and p3 straddle it without a purchase inside)', { field: 'purchaseCount', period: { from: iso(-150), to: iso(-50) }, op: 'gte', value: 1 }, ['p4', 'p7']],
    ['bought in a window that ends after the latest purchase', { field: 'purchaseCount', period: { from: iso(-50), to: iso(10) }, op: 'gte', value: 1 }, ['p1', 'p2', 'p3', 'p5', 'p7']],
    ['bought in a window that ends before the latest purchase (p3 and p5 bought after it)', { field: 'purchaseCount', period: { from: iso(-50), to: iso(1) }, op: 'gte', value: 1 }, ['p1', 'p2', 'p7']],
    ['no purchase in a closed window', { field: 'purchaseCount', period: { from: iso(-150), to: iso(-50) }, op: 'lt', value: 1 }, ['p1', 'p2', 'p3', 'p5', 'p6']],
    ['never bought', { field: 'purchaseCount', op: 'eq', value: 0 }, ['p6']],
    ['all-time count (refunded orders do not count)', { field: 'purchaseCount', op: 'gte', value: 2 }, ['p2', 'p3', 'p7']],
    ['all-time amount', { field: 'purchaseAmountFen', op: 'lte', value: 2_000 }, ['p1', 'p4', 'p5', 'p6']],
    ['all-time amount between', { field: 'purchaseAmountFen', op: 'between', value: [3_000, 5_000] }, ['p2', 'p3', 'p7']],
    ['bought recently and a profile condition', { all: [{ field: 'marketingConsent', op: 'eq', value: false }, { field: 'purchaseCount', period: { lastDays: 45 }, op: 'gte', value: 1 }] }, ['p1', 'p2', 'p7']],
  ];

  it.each(CASES)('%s', async (_name, filter, expected) => {
    expect(await selected(filter)).toEqual(expected);
  });
});
