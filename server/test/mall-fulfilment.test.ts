import type { CouponPage, MallExchange, PickupLookup } from '@memberloop/shared';
import { and, count, eq } from 'drizzle-orm';
import { coupons, couponTemplates } from '../src/modules/coupons/coupons.tables';
import { createTemplate } from './coupons-fixtures';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { balanceOf, createItem, exchange, itemRow, membersWithPoints } from './mall-fixtures';
import * as rules from '../src/modules/mall/mall-rules';

// the code generator, real unless a test says otherwise: to force a clash of pickup codes
jest.mock('../src/modules/mall/mall-rules', () => {
  const actual = jest.requireActual('../src/modules/mall/mall-rules');
  return { ...actual, newPickupCode: jest.fn(actual.newPickupCode) };
});

/** Pickup at the counter and coupon goods. */

let server: TestServer;
let brand: BrandFixture;
let operator: string;
let clerk: string;
let clerkOfBoth: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('pick');
  operator = await server.staffToken('pick', 'operator');
  clerk = await server.staffToken('pick', 'clerk');
  clerkOfBoth = await server.staffToken('pick', 'clerkOfBothStores');
});
afterAll(() => server.close());

const verify = (token: string, payload: Record<string, unknown>, key?: string) =>
  server.call<MallExchange & { code?: string; message?: string }>({ method: 'POST', url: '/mall/pickups', token, payload, headers: key ? { 'idempotency-key': key } : {} });

describe('pickup', () => {
  it('a clerk of the brand hands it over once; another brand’s clerk cannot see the code; picked up cannot be cancelled', async () => {
    const item = await createItem(server, operator, { pointsPrice: 100, stock: 5 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    const made = await exchange(server, person!.token, { itemId: item.id });
    const code = made.body.exchange.pickupCode!;
    expect(code).toMatch(/^\d{8}$/);

    await server.createBrand('elsewhere');
    const foreignClerk = await server.staffToken('elsewhere', 'clerk');
    expect(await verify(foreignClerk, { pickupCode: code })).toMatchObject({ status: 404, body: { code: 'PICKUP_CODE_INVALID' } });
    expect((await server.call({ method: 'GET', url: `/mall/pickups/${code}`, token: foreignClerk })).body.code).toBe('PICKUP_CODE_INVALID');
    expect((await verify(clerk, { pickupCode: '0000000' })).body.code).toBe('PICKUP_CODE_INVALID');

    const looked = await server.call<PickupLookup>({ method: 'GET', url: `/mall/pickups/${code.slice(0, 4)}-${code.slice(4)}`, token: clerk });
    expect(looked.body).toMatchObject({ canPickUp: true, reason: null, storeId: brand.storeIds[0], exchange: { id: made.body.exchange.id, memberId: person!.id, quantity: 1 } });

    const handed = await verify(clerk, { pickupCode: code }, 'pickup-1');
    expect(handed).toMatchObject({ status: 200, body: { status: 'picked_up', pickedUpByStaffId: brand.staff.clerk, pickupStoreId: brand.storeIds[0] } });
    expect(handed.body.pickedUpAt).toBe(server.clock.now().toISOString());
    // the same request retried with its key gets the first answer; a second verification is refused clearly
    expect((await verify(clerk, { pickupCode: code }, 'pickup-1')).body).toEqual(handed.body);
    const twice = await verify(clerkOfBoth, { pickupCode: code, storeId: brand.storeIds[0] });
    expect(twice).toMatchObject({ status: 409, body: { code: 'EXCHANGE_STATUS_INVALID' } });
    expect(twice.body.message).toMatch(/already picked up/);
    expect((await server.call<PickupLookup>({ method: 'GET', url: `/mall/pickups/${code}`, token: clerk })).body).toMatchObject({ canPickUp: false, reason: 'EXCHANGE_STATUS_INVALID' });

    const cancel = await server.call({ method: 'POST', url: `/members/me/exchanges/${made.body.exchange.id}/cancel`, token: person!.token });
    expect(cancel).toMatchObject({ status: 409, body: { code: 'EXCHANGE_NOT_CANCELLABLE' } });
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(900);
  });

  it('an exchange for a named store is handed over only there: STORE_NOT_ASSIGNED elsewhere', async () => {
    const item = await createItem(server, operator, { pointsPrice: 100, stock: 5 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    const made = await exchange(server, person!.token, { itemId: item.id, pickupStoreId: brand.storeIds[1] });
    expect(made.body.exchange.pickupStoreId).toBe(brand.storeIds[1]);
    const code = made.body.exchange.pickupCode!;

    // `clerk` works only at store 1
    expect(await verify(clerk, { pickupCode: code })).toMatchObject({ status: 403, body: { code: 'STORE_NOT_ASSIGNED' } });
    expect(await verify(clerk, { pickupCode: code, storeId: brand.storeIds[1] })).toMatchObject({ status: 403, body: { code: 'STORE_NOT_ASSIGNED' } });
    expect((await server.call<PickupLookup>({ method: 'GET', url: `/mall/pickups/${code}`, token: clerk })).body).toMatchObject({ canPickUp: false, reason: 'STORE_NOT_ASSIGNED' });
    // a clerk of both stores standing at store 1
    expect(await verify(clerkOfBoth, { pickupCode: code, storeId: brand.storeIds[0] })).toMatchObject({ status: 403, body: { code: 'STORE_NOT_ASSIGNED' } });
    const handed = await verify(clerkOfBoth, { pickupCode: code });
    expect(handed).toMatchObject({ status: 200, body: { status: 'picked_up', pickupStoreId: brand.storeIds[1], pickedUpByStaffId: brand.staff.clerkOfBothStores } });
  });

  it('a cancelled exchange’s code is refused at the counter', async () => {
    const item = await createItem(server, operator, { pointsPrice: 100, stock: 5 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    const made = await exchange(server, person!.token, { itemId: item.id });
    expect((await server.call({ method: 'POST', url: `/members/me/exchanges/${made.body.exchange.id}/cancel`, token: person!.token })).status).toBe(200);
    const refused = await verify(clerk, { pickupCode: made.body.exchange.pickupCode! });
    expect(refused).toMatchObject({ status: 409, body: { code: 'EXCHANGE_STATUS_INVALID' } });
    expect(refused.body.message).toMatch(/cancelled/);
  });

  it('a pickup code already taken in the brand is drawn again; another brand may hold the same code', async () => {
    const item = await createItem(server, operator, { pointsPrice: 100, stock: 5 });
    const [first, second] = await membersWithPoints(server, brand.brandId, 2, 1000);
    const taken = (await exchange(server, first!.token, { itemId: item.id })).body.exchange.pickupCode!;
    const draw = rules.newPickupCode as jest.Mock;
    draw.mockReturnValueOnce(taken).mockReturnValueOnce(taken).mockReturnValueOnce('00000042');
    const redrawn = await exchange(server, second!.token, { itemId: item.id });
    expect(redrawn).toMatchObject({ status: 201, body: { exchange: { pickupCode: '00000042' } } });

    const other = await server.createBrand('samecode');
    const otherOperator = await server.staffToken('samecode', 'operator');
    const otherItem = await createItem(server, otherOperator, { pointsPrice: 100, stock: 5 });
    const [stranger] = await membersWithPoints(server, other.brandId, 1, 1000);
    draw.mockReturnValueOnce(taken);
    expect((await exchange(server, stranger!.token, { itemId: otherItem.id })).body.exchange.pickupCode).toBe(taken);
    // each clerk finds their own brand's exchange under that code
    const otherClerk = await server.staffToken('samecode', 'clerk');
    expect((await server.call<PickupLookup>({ method: 'GET', url: `/mall/pickups/${taken}`, token: otherClerk })).body.exchange.memberId).toBe(stranger!.id);
    expect((await server.call<PickupLookup>({ method: 'GET', url: `/mall/pickups/${taken}`, token: clerk })).body.exchange.memberId).toBe(first!.id);
  });

  it('10 clerks verifying one code at once: one hand-over', async () => {
    const item = await createItem(server, operator, { pointsPrice: 100, stock: 5 });
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    const made = await exchange(server, person!.token, { itemId: item.id });
    const responses = await Promise.all(Array.from({ length: 10 }, () => verify(clerk, { pickupCode: made.body.exchange.pickupCode! })));
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409 && r.body.code === 'EXCHANGE_STATUS_INVALID')).toHaveLength(9);
  });
});

describe('coupon goods', () => {
  async function couponItem(templateBody: Record<string, unknown> = {}) {
    const template = await createTemplate(server, operator, { name: '无门槛 20 元', thresholdFen: 0, claimable: false, perMemberLimit: 10, ...templateBody });
    const item = await createItem(server, operator, { name: '20 元券', fulfilment: 'coupon', couponTemplateId: template.id, pointsPrice: 200, stock: 10 });
    return { template, item };
  }

  it('issues one coupon per unit that the member sees; cancelling revokes them and returns points and stock', async () => {
    const { template, item } = await couponItem();
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    const made = await exchange(server, person!.token, { itemId: item.id, quantity: 2 });
    expect(made).toMatchObject({ status: 201, body: { pointsBalance: 600, exchange: { status: 'issued', cancellable: true, pickupCode: null } } });
    expect(made.body.exchange.coupons).toHaveLength(2);
    const codes = made.body.exchange.coupons.map((c) => c.code).sort();

    const mine = await server.call<CouponPage>({ method: 'GET', url: '/members/me/coupons', token: person!.token });
    expect(mine.body.items.map((c) => c.code).sort()).toEqual(codes);
    expect(mine.body.items.every((c) => c.issuedVia === 'mall' && c.templateId === template.id)).toBe(true);
    const view = await server.call<MallExchange>({ method: 'GET', url: `/members/me/exchanges/${made.body.exchange.id}`, token: person!.token });
    expect(view.body.coupons.map((c) => c.code).sort()).toEqual(codes);

    const cancelled = await server.call({ method: 'POST', url: `/members/me/exchanges/${made.body.exchange.id}/cancel`, token: person!.token });
    expect(cancelled).toMatchObject({ status: 200, body: { pointsRestored: 400, pointsBalance: 1000, exchange: { status: 'cancelled' } } });
    expect(cancelled.body.exchange.coupons.map((c: { status: string }) => c.status)).toEqual(['revoked', 'revoked']);
    expect((await server.call<CouponPage>({ method: 'GET', url: '/members/me/coupons', token: person!.token })).body.total).toBe(0);
    expect((await itemRow(server, item.id)).stock).toBe(10);
    const [t] = await server.database.db.select({ issued: couponTemplates.issuedCount }).from(couponTemplates).where(eq(couponTemplates.id, template.id));
    expect(t!.issued).toBe(0);
  });

  it('once one of its coupons is used the exchange cannot be cancelled, and nothing moves', async () => {
    const { item } = await couponItem();
    const [person] = await membersWithPoints(server, brand.brandId, 1, 1000);
    const made = await exchange(server, person!.token, { itemId: item.id, quantity: 2 });
    const used = await server.call({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: made.body.exchange.coupons[1]!.code } });
    expect(used.status).toBe(200);
    const view = await server.call<MallExchange>({ method: 'GET', url: `/members/me/exchanges/${made.body.exchange.id}`, token: person!.token });
    expect(view.body.cancellable).toBe(false);
    const refused = await server.call({ method: 'POST', url: `/members/me/exchanges/${made.body.exchange.id}/cancel`, token: person!.token });
    expect(refused).toMatchObject({ status: 409, body: { code: 'EXCHANGE_NOT_CANCELLABLE' } });
    // the unused coupon was not revoked either: the whole cancellation rolled back
    const statuses = await server.database.db
      .select({ status: coupons.status })
      .from(coupons)
      .where(and(eq(coupons.brandId, brand.brandId), eq(coupons.issuedRef, made.body.exchange.id)));
    expect(statuses.map((s) => s.status).sort()).toEqual(['available', 'redeemed']);
    expect(await balanceOf(server, brand.brandId, person!.id)).toBe(600);
    expect((await itemRow(server, item.id)).stock).toBe(8);
  });

  it('a coupon template that runs out stops the exchange as MALL_OUT_OF_STOCK and the points stay', async () => {
    const { item } = await couponItem({ totalQuantity: 1 });
    const [first, second] = await membersWithPoints(server, brand.brandId, 2, 1000);
    expect((await exchange(server, first!.token, { itemId: item.id })).status).toBe(201);
    expect(await exchange(server, second!.token, { itemId: item.id })).toMatchObject({ status: 409, body: { code: 'MALL_OUT_OF_STOCK' } });
    expect(await balanceOf(server, brand.brandId, second!.id)).toBe(1000);
    expect((await itemRow(server, item.id)).stock).toBe(9);
    const [n] = await server.database.db.select({ n: count() }).from(coupons).where(eq(coupons.memberId, second!.id));
    expect(n!.n).toBe(0);
  });
});
