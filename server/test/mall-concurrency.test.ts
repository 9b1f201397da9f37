import { count, eq } from 'drizzle-orm';
import { idempotencyKeys } from '../src/http/idempotency.tables';
import { mallExchanges, mallMemberCounts } from '../src/modules/mall/mall.tables';
import { pointEntries } from '../src/modules/points/points.tables';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { ledgerState } from './points-fixtures';
import { balanceOf, createItem, exchange, heldCount, itemRow, membersWithPoints } from './mall-fixtures';

/** The mall under load: stock and per-member limits hold, and points move only with stock. */

let server: TestServer;
let brand: BrandFixture;
let operator: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('mallrush');
  operator = await server.staffToken('mallrush', 'operator');
});
afterAll(() => server.close());

async function exchangesOf(itemId: string) {
  const [row] = await server.database.db.select({ n: count() }).from(mallExchanges).where(eq(mallExchanges.itemId, itemId));
  return row!.n;
}

describe('exchanges under load', () => {
  it('500 members exchanging an item with stock 20 at once: exactly 20 exchanges, the others keep their points', async () => {
    const item = await createItem(server, operator, { name: '限量帆布包', pointsPrice: 300, stock: 20, perMemberLimit: 1 });
    const people = await membersWithPoints(server, brand.brandId, 500, 1000);

    const started = performance.now();
    const responses = await Promise.all(people.map((person) => exchange(server, person.token, { itemId: item.id })));
    const seconds = (performance.now() - started) / 1000;

    const byStatus = new Map<string, number>();
    for (const r of responses) {
      const key = r.status === 201 ? 'exchanged' : `${r.status} ${r.body.code}`;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(byStatus)).toEqual({ exchanged: 20, '409 MALL_OUT_OF_STOCK': 480 });

    const row = await itemRow(server, item.id);
    expect({ stock: row.stock, exchangedCount: row.exchangedCount }).toEqual({ stock: 0, exchangedCount: 20 });
    expect(await exchangesOf(item.id)).toBe(20);
    const [counts] = await server.database.db.select({ n: count() }).from(mallMemberCounts).where(eq(mallMemberCounts.itemId, item.id));
    expect(counts!.n).toBe(20);

    // points moved exactly for the 20, nobody else's; every ledger still adds up
    const winners = new Set(responses.flatMap((r, i) => (r.status === 201 ? [people[i]!.id] : [])));
    const codes = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.exchange.pickupCode));
    expect(codes.size).toBe(20);
    for (const r of responses.filter((r) => r.status === 201)) expect(r.body.pointsBalance).toBe(700);
    const balances = await Promise.all(people.map((p) => balanceOf(server, brand.brandId, p.id)));
    people.forEach((p, i) => expect({ member: p.id, balance: balances[i] }).toEqual({ member: p.id, balance: winners.has(p.id) ? 700 : 1000 }));
    const [redeems] = await server.database.db.select({ n: count() }).from(pointEntries).where(eq(pointEntries.sourceType, 'mall_exchange'));
    expect(redeems!.n).toBe(20);
    for (const p of people.slice(0, 40)) {
      const state = await ledgerState(server, brand.brandId, p.id);
      expect(state.ledger).toBe(state.balance);
      expect(state.lots).toBe(state.balance);
    }
    console.log(`500 concurrent exchanges (stock 20) in ${seconds.toFixed(2)} s: ${Math.round(500 / seconds)} exchanges/s`);
  }, 60_000);

  it('a per-member limit of 3 under 30 parallel exchanges by one member: exactly 3', async () => {
    const item = await createItem(server, operator, { name: '每人限 3', pointsPrice: 50, stock: 100, perMemberLimit: 3 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 10_000);
    const responses = await Promise.all(Array.from({ length: 30 }, () => exchange(server, person!.token, { itemId: item.id })));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(responses.filter((r) => r.status === 409 && r.body.code === 'MALL_LIMIT_REACHED')).toHaveLength(27);
    expect(await heldCount(server, item.id, person!.id)).toBe(3);
    expect((await itemRow(server, item.id)).stock).toBe(97);
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(10_000 - 150);
  });

  it('a limit with quantities: 2 + 2 against a limit of 3 gives one exchange of 2', async () => {
    const item = await createItem(server, operator, { pointsPrice: 10, stock: 100, perMemberLimit: 3 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    const responses = await Promise.all(Array.from({ length: 6 }, () => exchange(server, person!.token, { itemId: item.id, quantity: 2 })));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(await heldCount(server, item.id, person!.id)).toBe(2);
    const tooMany = await exchange(server, person!.token, { itemId: item.id, quantity: 4 });
    expect(tooMany).toMatchObject({ status: 409, body: { code: 'MALL_LIMIT_REACHED' } });
    const one = await exchange(server, person!.token, { itemId: item.id, quantity: 1 });
    expect(one.status).toBe(201);
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(1000 - 30);
  });

  it('20 parallel requests with one Idempotency-Key: one exchange, identical answers', async () => {
    const item = await createItem(server, operator, { pointsPrice: 100, stock: 50 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 5000);
    const responses = await Promise.all(Array.from({ length: 20 }, () => exchange(server, person!.token, { itemId: item.id, quantity: 2 }, 'buy-once')));
    expect(new Set(responses.map((r) => r.status))).toEqual(new Set([201]));
    const first = JSON.stringify(responses[0]!.body);
    for (const r of responses) expect(JSON.stringify(r.body)).toBe(first);
    expect(await exchangesOf(item.id)).toBe(1);
    expect((await itemRow(server, item.id)).stock).toBe(48);
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(4800);

    // the same key with another body: refused, and nothing written
    const keysBefore = (await server.database.db.select({ n: count() }).from(idempotencyKeys))[0]!.n;
    const reused = await exchange(server, person!.token, { itemId: item.id, quantity: 1 }, 'buy-once');
    expect(reused).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await exchangesOf(item.id)).toBe(1);
    expect((await itemRow(server, item.id)).stock).toBe(48);
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(4800);
    expect((await server.database.db.select({ n: count() }).from(idempotencyKeys))[0]!.n).toBe(keysBefore);
  });

  it('10 parallel cancellations of one exchange: one returns the points and stock, the others are refused', async () => {
    const item = await createItem(server, operator, { pointsPrice: 100, stock: 5 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    const made = await exchange(server, person!.token, { itemId: item.id, quantity: 3 });
    expect(made.status).toBe(201);
    const id = made.body.exchange.id;
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => server.call({ method: 'POST', url: `/members/me/exchanges/${id}/cancel`, token: person!.token })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409 && r.body.code === 'EXCHANGE_NOT_CANCELLABLE')).toHaveLength(9);
    expect((await itemRow(server, item.id)).stock).toBe(5);
    expect(await heldCount(server, item.id, person!.id)).toBe(0);
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(1000);
  });
});
