import type { MallCatalogueItem, MallExchange, MallExchangePage, MallItem } from '@memberloop/shared';
import { and, count, eq } from 'drizzle-orm';
import { auditLog } from '../src/modules/audit/audit.tables';
import { mallExchanges } from '../src/modules/mall/mall.tables';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { ADDRESS, balanceOf, createItem, exchange, givePoints, heldCount, insertMembers, itemRow, lotsOf, membersWithPoints } from './mall-fixtures';
import { ledgerState } from './points-fixtures';
import { putLadder, purchase } from './tiers-fixtures';

/** Items, the catalogue, exchanging and cancelling, shipping. */

const DAY = 86_400_000;
let server: TestServer;
let brand: BrandFixture;
let operator: string;
let admin: string;
let clerk: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('mall');
  operator = await server.staffToken('mall', 'operator');
  admin = await server.staffToken('mall', 'admin');
  clerk = await server.staffToken('mall', 'clerk');
});
afterAll(() => server.close());

const now = () => server.clock.now();
const later = (ms: number) => new Date(now().getTime() + ms).toISOString();

async function auditCount(action: string, targetId: string) {
  const [row] = await server.database.db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)));
  return row!.n;
}

describe('items', () => {
  it('operators create, list, read and change items; clerks and members may not', async () => {
    const created = await createItem(server, operator, { name: '定制马克杯', description: '陶瓷', imageUrl: 'https://img.example.cn/mug.png', pointsPrice: 800, cashPriceFen: 990, stock: 30, perMemberLimit: 2 });
    expect(created).toMatchObject({ id: expect.stringMatching(/^itm_/), brandId: brand.brandId, stock: 30, exchangedCount: 0, status: 'active', fulfilment: 'pickup', minTierLevel: 0, couponTemplateId: null });

    const list = await server.call<MallItem[]>({ method: 'GET', url: '/mall/items', token: admin });
    expect(list.status).toBe(200);
    expect(list.body.map((i) => i.id)).toContain(created.id);
    const one = await server.call<MallItem>({ method: 'GET', url: `/mall/items/${created.id}`, token: operator });
    expect(one.body).toEqual(created);

    const patched = await server.call<MallItem>({ method: 'PATCH', url: `/mall/items/${created.id}`, token: operator, payload: { pointsPrice: 900, perMemberLimit: null, status: 'inactive' } });
    expect(patched).toMatchObject({ status: 200, body: { pointsPrice: 900, perMemberLimit: null, status: 'inactive', stock: 30 } });
    const inactive = await server.call<MallItem[]>({ method: 'GET', url: '/mall/items?status=inactive', token: operator });
    expect(inactive.body.map((i) => i.id)).toEqual([created.id]);
    expect(await auditCount('mall_item.updated', created.id)).toBe(1);

    expect((await server.call({ method: 'POST', url: '/mall/items', token: clerk, payload: { name: 'x', pointsPrice: 1, stock: 1, fulfilment: 'pickup' } })).status).toBe(403);
    const [person] = await insertMembers(server, brand.brandId, 1);
    expect((await server.call({ method: 'GET', url: '/mall/items', token: person!.token })).status).toBe(403);
  });

  it('refuses a bad window, coupon goods without a template, and another brand’s items', async () => {
    const bad = await server.call({ method: 'POST', url: '/mall/items', token: operator, payload: { name: 'x', pointsPrice: 1, stock: 1, fulfilment: 'pickup', availableFrom: later(DAY), availableUntil: later(0) } });
    expect(bad).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const noTemplate = await server.call({ method: 'POST', url: '/mall/items', token: operator, payload: { name: 'x', pointsPrice: 1, stock: 1, fulfilment: 'coupon' } });
    expect(noTemplate).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ path: 'body/couponTemplateId' }] } });
    const unknownTemplate = await server.call({ method: 'POST', url: '/mall/items', token: operator, payload: { name: 'x', pointsPrice: 1, stock: 1, fulfilment: 'coupon', couponTemplateId: 'cpt_nothing' } });
    expect(unknownTemplate).toMatchObject({ status: 404, body: { code: 'COUPON_TEMPLATE_NOT_FOUND' } });

    const item = await createItem(server, operator);
    const window = await server.call({ method: 'PATCH', url: `/mall/items/${item.id}`, token: operator, payload: { availableUntil: later(-DAY) } });
    expect(window).toMatchObject({ status: 200 }); // only the end: no start to compare with
    const crossed = await server.call({ method: 'PATCH', url: `/mall/items/${item.id}`, token: operator, payload: { availableFrom: later(0) } });
    expect(crossed).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });

    await server.createBrand('other');
    const otherOperator = await server.staffToken('other', 'operator');
    expect((await server.call({ method: 'GET', url: `/mall/items/${item.id}`, token: otherOperator })).body.code).toBe('MALL_ITEM_NOT_FOUND');
    expect((await server.call({ method: 'PATCH', url: `/mall/items/${item.id}`, token: otherOperator, payload: { stock: 1 } })).status).toBe(400);
    expect((await server.call({ method: 'PATCH', url: `/mall/items/${item.id}`, token: otherOperator, payload: { name: 'mine' } })).body.code).toBe('MALL_ITEM_NOT_FOUND');
  });

  it('stock moves by conditional updates: never below zero, audited, idempotent by key', async () => {
    const item = await createItem(server, operator, { stock: 5 });
    const url = `/mall/items/${item.id}/stock`;
    const added = await server.call<MallItem>({ method: 'POST', url, token: operator, payload: { delta: 10, reason: '补货' }, headers: { 'idempotency-key': 'restock-1' } });
    expect(added).toMatchObject({ status: 200, body: { stock: 15 } });
    const repeat = await server.call<MallItem>({ method: 'POST', url, token: operator, payload: { delta: 10, reason: '补货' }, headers: { 'idempotency-key': 'restock-1' } });
    expect(repeat.body.stock).toBe(15);
    const tooMuch = await server.call({ method: 'POST', url, token: operator, payload: { delta: -16, reason: '盘亏' } });
    expect(tooMuch).toMatchObject({ status: 409, body: { code: 'MALL_OUT_OF_STOCK' } });
    expect(tooMuch.body.message).toMatch(/15/);
    const zero = await server.call({ method: 'POST', url, token: operator, payload: { delta: 0, reason: 'nothing' } });
    expect(zero).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    // 30 parallel removals of 1 from 15: exactly 15 succeed
    const removals = await Promise.all(Array.from({ length: 30 }, () => server.call({ method: 'POST', url, token: operator, payload: { delta: -1, reason: '损耗' } })));
    expect(removals.filter((r) => r.status === 200)).toHaveLength(15);
    expect(removals.filter((r) => r.status === 409)).toHaveLength(15);
    expect((await itemRow(server, item.id)).stock).toBe(0);
    expect(await auditCount('mall_item.stock_adjusted', item.id)).toBe(16);
  });
});

describe('the catalogue', () => {
  it('shows active items in their window with my limit, my tier and why I cannot exchange', async () => {
    const b = await server.createBrand('catalogue');
    const op = await server.staffToken('catalogue', 'operator');
    await putLadder(server, op);
    const open = await createItem(server, op, { name: 'open', perMemberLimit: 2, stock: 3 });
    const gold = await createItem(server, op, { name: 'gold only', minTierLevel: 2 });
    const soldOut = await createItem(server, op, { name: 'sold out', stock: 0 });
    await createItem(server, op, { name: 'hidden', status: 'inactive' });
    await createItem(server, op, { name: 'future', availableFrom: later(DAY) });
    await createItem(server, op, { name: 'past', availableFrom: later(-2 * DAY), availableUntil: later(-DAY) });
    const [person] = await membersWithPoints(server, b.brandId, 1, 1000);
    expect((await exchange(server, person!.token, { itemId: open.id })).status).toBe(201);

    const catalogue = await server.call<MallCatalogueItem[]>({ method: 'GET', url: '/mall/catalogue', token: person!.token });
    expect(catalogue.status).toBe(200);
    const byName = Object.fromEntries(catalogue.body.map((i) => [i.name, i]));
    expect(Object.keys(byName).sort()).toEqual(['gold only', 'open', 'sold out']);
    expect(byName.open).toMatchObject({ stock: 2, perMemberLimit: 2, exchangedByMe: 1, remainingForMe: 1, canExchange: true, reason: null, tierAllowed: true });
    expect(byName['gold only']).toMatchObject({ minTierLevel: 2, tierAllowed: false, canExchange: false, reason: 'MALL_TIER_TOO_LOW', remainingForMe: null });
    expect(byName['sold out']).toMatchObject({ canExchange: false, reason: 'MALL_OUT_OF_STOCK' });

    await purchase(server, { brandId: b.brandId, memberId: person!.id, paidFen: 60_000 });
    const detail = await server.call<MallCatalogueItem>({ method: 'GET', url: `/mall/catalogue/${gold.id}`, token: person!.token });
    expect(detail.body).toMatchObject({ tierAllowed: true, canExchange: true });
    expect((await server.call({ method: 'GET', url: `/mall/catalogue/${soldOut.id}`, token: person!.token })).body.reason).toBe('MALL_OUT_OF_STOCK');
    // another brand's item does not exist here
    const foreign = await createItem(server, operator);
    expect((await server.call({ method: 'GET', url: `/mall/catalogue/${foreign.id}`, token: person!.token })).status).toBe(404);
  });
});

describe('exchanging', () => {
  it('tier-restricted items need the tier: MALL_TIER_TOO_LOW, nothing moves', async () => {
    const b = await server.createBrand('tiered');
    const op = await server.staffToken('tiered', 'operator');
    await putLadder(server, op);
    const item = await createItem(server, op, { minTierLevel: 1, pointsPrice: 100, stock: 5 });
    const [person] = await membersWithPoints(server, b.brandId, 1, 1000);
    const refused = await exchange(server, person!.token, { itemId: item.id });
    expect(refused).toMatchObject({ status: 403, body: { code: 'MALL_TIER_TOO_LOW' } });
    expect(await balanceOf(server, b.brandId, person!.id)).toBe(1000);
    expect((await itemRow(server, item.id)).stock).toBe(5);
    await purchase(server, { brandId: b.brandId, memberId: person!.id, paidFen: 10_000 });
    expect((await exchange(server, person!.token, { itemId: item.id })).status).toBe(201);
  });

  it('the availability window and status decide: MALL_ITEM_UNAVAILABLE outside them', async () => {
    const item = await createItem(server, operator, { availableFrom: later(DAY), availableUntil: later(3 * DAY), stock: 5 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    expect(await exchange(server, person!.token, { itemId: item.id })).toMatchObject({ status: 409, body: { code: 'MALL_ITEM_UNAVAILABLE' } });
    server.clock.advance(DAY);
    try {
      expect((await exchange(server, person!.token, { itemId: item.id })).status).toBe(201);
      await server.call({ method: 'PATCH', url: `/mall/items/${item.id}`, token: operator, payload: { status: 'inactive' } });
      expect(await exchange(server, person!.token, { itemId: item.id })).toMatchObject({ status: 409, body: { code: 'MALL_ITEM_UNAVAILABLE' } });
      await server.call({ method: 'PATCH', url: `/mall/items/${item.id}`, token: operator, payload: { status: 'active' } });
      server.clock.advance(2 * DAY);
      expect(await exchange(server, person!.token, { itemId: item.id })).toMatchObject({ status: 409, body: { code: 'MALL_ITEM_UNAVAILABLE' } });
    } finally {
      server.clock.advance(-3 * DAY);
    }
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(900);
    expect((await itemRow(server, item.id)).stock).toBe(4);
  });

  it('not enough points: POINTS_INSUFFICIENT, no stock taken, no count kept', async () => {
    const item = await createItem(server, operator, { pointsPrice: 400, stock: 3, perMemberLimit: 5 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 700);
    expect((await exchange(server, person!.token, { itemId: item.id, quantity: 2 })).body.code).toBe('POINTS_INSUFFICIENT');
    expect((await itemRow(server, item.id)).stock).toBe(3);
    expect(await heldCount(server, item.id, person!.id)).toBe(0);
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(700);
    const [rows] = await server.database.db.select({ n: count() }).from(mallExchanges).where(eq(mallExchanges.itemId, item.id));
    expect(rows!.n).toBe(0);
  });

  it('unknown items, unknown stores and missing addresses are refused before anything moves', async () => {
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    expect((await exchange(server, person!.token, { itemId: 'itm_01JZZZZZZZZZZZZZZZZZZZZZZZ' })).body.code).toBe('MALL_ITEM_NOT_FOUND');
    const pickup = await createItem(server, operator);
    expect((await exchange(server, person!.token, { itemId: pickup.id, pickupStoreId: 'sto_01JZZZZZZZZZZZZZZZZZZZZZZZ' })).body.code).toBe('STORE_NOT_FOUND');
    expect((await exchange(server, person!.token, { itemId: pickup.id, shippingAddress: ADDRESS })).body.code).toBe('VALIDATION_FAILED');
    const shipping = await createItem(server, operator, { fulfilment: 'shipping' });
    expect(await exchange(server, person!.token, { itemId: shipping.id })).toMatchObject({ status: 400, body: { code: 'MALL_ADDRESS_REQUIRED' } });
    expect((await exchange(server, person!.token, { itemId: shipping.id, shippingAddress: { ...ADDRESS, phone: '12345' } })).body.code).toBe('PHONE_INVALID');
    expect((await exchange(server, person!.token, { itemId: shipping.id, quantity: 11, shippingAddress: ADDRESS })).status).toBe(400);
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(1000);
  });

  it('cancelling returns the points to the lots they came from and the stock; a second cancel is refused', async () => {
    const item = await createItem(server, operator, { pointsPrice: 150, stock: 10, perMemberLimit: 4 });
    const [person] = await insertMembers(server, brand.brandId, 1);
    const soon = new Date(now().getTime() + 10 * DAY);
    const late = new Date(now().getTime() + 200 * DAY);
    await givePoints(server, brand.brandId, [person!], 200, { expiresAt: soon });
    await givePoints(server, brand.brandId, [person!], 500, { expiresAt: late });
    const before = await lotsOf(server, person!.id);

    const made = await exchange(server, person!.token, { itemId: item.id, quantity: 3 });
    expect(made).toMatchObject({ status: 201, body: { pointsSpent: 450, pointsBalance: 250, exchange: { status: 'awaiting_pickup', quantity: 3, cancellable: true } } });
    expect(made.body.exchange.pickupCode).toMatch(/^\d{8}$/);
    // soonest-expiring first: the 200 lot is empty, 250 taken from the 500 lot
    expect(await lotsOf(server, person!.id)).toEqual([
      { expiresAt: soon.toISOString(), remaining: 0 },
      { expiresAt: late.toISOString(), remaining: 250 },
    ]);
    expect((await itemRow(server, item.id)).stock).toBe(7);

    const id = made.body.exchange.id;
    const cancelled = await server.call({ method: 'POST', url: `/members/me/exchanges/${id}/cancel`, token: person!.token });
    expect(cancelled).toMatchObject({ status: 200, body: { pointsRestored: 450, pointsBalance: 700, exchange: { status: 'cancelled', cancellable: false } } });
    expect(await lotsOf(server, person!.id)).toEqual(before);
    const row = await itemRow(server, item.id);
    expect({ stock: row.stock, exchangedCount: row.exchangedCount }).toEqual({ stock: 10, exchangedCount: 0 });
    expect(await heldCount(server, item.id, person!.id)).toBe(0);
    const state = await ledgerState(server, brand.brandId, person!.id);
    expect(state).toMatchObject({ balance: 700, ledger: 700, lots: 700 });

    const again = await server.call({ method: 'POST', url: `/members/me/exchanges/${id}/cancel`, token: person!.token });
    expect(again).toMatchObject({ status: 409, body: { code: 'EXCHANGE_NOT_CANCELLABLE' } });
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(700);
    expect((await itemRow(server, item.id)).stock).toBe(10);
  });

  it('members see only their own exchanges', async () => {
    const item = await createItem(server, operator, { stock: 5 });
    const [mine, theirs] = await membersWithPoints(server, brand.brandId, 2, 1000);
    const made = await exchange(server, mine!.token, { itemId: item.id });
    const id = made.body.exchange.id;
    const list = await server.call<MallExchangePage>({ method: 'GET', url: '/members/me/exchanges', token: mine!.token });
    expect(list.body).toMatchObject({ total: 1, items: [{ id, item: { name: '保温杯' }, pickupCode: made.body.exchange.pickupCode }] });
    expect((await server.call<MallExchange>({ method: 'GET', url: `/members/me/exchanges/${id}`, token: mine!.token })).body.id).toBe(id);
    expect((await server.call({ method: 'GET', url: `/members/me/exchanges/${id}`, token: theirs!.token })).body.code).toBe('EXCHANGE_NOT_FOUND');
    expect((await server.call({ method: 'POST', url: `/members/me/exchanges/${id}/cancel`, token: theirs!.token })).body.code).toBe('EXCHANGE_NOT_FOUND');
    expect((await server.call<MallExchangePage>({ method: 'GET', url: '/members/me/exchanges', token: theirs!.token })).body.total).toBe(0);
  });
});

describe('shipping', () => {
  it('awaiting shipment → shipped → delivered; shipped exchanges cannot be cancelled; operators cancel with a reason', async () => {
    const item = await createItem(server, operator, { fulfilment: 'shipping', pointsPrice: 200, stock: 5 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    const made = await exchange(server, person!.token, { itemId: item.id, shippingAddress: ADDRESS });
    expect(made).toMatchObject({ status: 201, body: { exchange: { status: 'awaiting_shipment', pickupCode: null, shippingAddress: { ...ADDRESS, phone: '13800138000' } } } });
    const id = made.body.exchange.id;

    const waiting = await server.call<MallExchangePage>({ method: 'GET', url: `/mall/exchanges?status=awaiting_shipment&itemId=${item.id}`, token: operator });
    expect(waiting.body.items.map((e) => e.id)).toEqual([id]);
    expect((await server.call({ method: 'POST', url: `/mall/exchanges/${id}/deliver`, token: operator })).body.code).toBe('EXCHANGE_STATUS_INVALID');
    const shipped = await server.call<MallExchange>({ method: 'POST', url: `/mall/exchanges/${id}/ship`, token: operator, payload: { trackingNo: 'SF1234567890' } });
    expect(shipped.body).toMatchObject({ status: 'shipped', trackingNo: 'SF1234567890', cancellable: false });
    expect((await server.call({ method: 'POST', url: `/mall/exchanges/${id}/ship`, token: operator, payload: { trackingNo: 'SF1234567890' } })).body.code).toBe('EXCHANGE_STATUS_INVALID');
    expect((await server.call({ method: 'POST', url: `/members/me/exchanges/${id}/cancel`, token: person!.token })).body.code).toBe('EXCHANGE_NOT_CANCELLABLE');
    expect((await server.call({ method: 'POST', url: `/mall/exchanges/${id}/cancel`, token: operator, payload: { reason: '缺货' } })).body.code).toBe('EXCHANGE_NOT_CANCELLABLE');
    const delivered = await server.call<MallExchange>({ method: 'POST', url: `/mall/exchanges/${id}/deliver`, token: operator });
    expect(delivered.body.status).toBe('delivered');
    expect((await server.call<MallExchange>({ method: 'GET', url: `/members/me/exchanges/${id}`, token: person!.token })).body).toMatchObject({ status: 'delivered', trackingNo: 'SF1234567890' });
    expect(await auditCount('mall_exchange.shipped', id)).toBe(1);

    const second = await exchange(server, person!.token, { itemId: item.id, shippingAddress: ADDRESS });
    const byOperator = await server.call({ method: 'POST', url: `/mall/exchanges/${second.body.exchange.id}/cancel`, token: operator, payload: { reason: '地址无法送达' } });
    expect(byOperator).toMatchObject({ status: 200, body: { pointsRestored: 200, pointsBalance: 800, exchange: { status: 'cancelled', cancelReason: '地址无法送达' } } });
    expect(await auditCount('mall_exchange.cancelled', second.body.exchange.id)).toBe(1);
    expect((await server.call({ method: 'POST', url: `/mall/exchanges/${second.body.exchange.id}/cancel`, token: clerk, payload: { reason: 'x' } })).status).toBe(403);
  });
});
