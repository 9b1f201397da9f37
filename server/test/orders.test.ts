import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;
let clerk: string;
let admin: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('orders');
  await server.createBrand('orders-rival');
  clerk = await server.staffToken('orders', 'clerk');
  admin = await server.staffToken('orders', 'admin');
});
afterAll(() => server.close());

const purchase = (token: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) => server.call({ method: 'POST', url: '/orders', token, payload, headers });
const refund = (token: string, orderId: string, payload: Record<string, unknown> = {}) => server.call({ method: 'POST', url: `/orders/${orderId}/refunds`, token, payload });
const pointsOf = async (memberId: string) => (await server.call({ method: 'GET', url: `/members/${memberId}/points`, token: admin })).body;

async function cashCoupon(memberId: string, valueFen: number, thresholdFen: number) {
  const template = await server.call({
    method: 'POST',
    url: '/coupon-templates',
    token: admin,
    payload: { name: `满${thresholdFen / 100}减${valueFen / 100}`, kind: 'cash_off', valueFen, thresholdFen, validityMode: 'relative', validDays: 30, totalQuantity: 10, budgetFen: 100_000 },
  });
  expect(template.status).toBe(201);
  const grant = await server.call({ method: 'POST', url: `/coupon-templates/${template.body.id}/grants`, token: admin, payload: { memberIds: [memberId] } });
  expect(grant.status).toBeLessThan(300);
  const coupons = await server.call({ method: 'GET', url: `/members/${memberId}/coupons`, token: admin });
  const coupon = coupons.body.items.find((item: { templateId: string }) => item.templateId === template.body.id);
  return { templateId: template.body.id as string, code: coupon.code as string };
}

describe('purchases', () => {
  it('records a purchase for a scanned card at the clerk’s store and earns points on what was paid', async () => {
    const { token, member } = await server.joinMember({ user: 'o-buyer', brandCode: 'orders' });
    const card = await server.call({ method: 'GET', url: '/members/me/card', token });
    const recorded = await purchase(clerk, {
      cardCode: card.body.code,
      amountFen: 12_345,
      items: [
        { sku: 'LATTE', name: '拿铁', category: 'coffee', quantity: 3, unitPriceFen: 3_000 },
        { sku: 'CAKE', category: 'bakery', quantity: 1, unitPriceFen: 3_345 },
      ],
    });
    expect(recorded.status).toBe(201);
    // 10 points per ¥100 on ¥123.45 → 12
    expect(recorded.body.order).toMatchObject({ memberId: member.id, storeId: brand.storeIds[0], channel: 'store', grossFen: 12_345, paidFen: 12_345, pointsEarned: 12, status: 'completed' });
    expect(recorded.body.order.items).toHaveLength(2);
    expect(recorded.body.pointsBalance).toBe(12);
    expect((await pointsOf(member.id)).balance).toBe(12);

    const mine = await server.call({ method: 'GET', url: '/members/me/orders', token });
    expect(mine.body.items.map((order: { id: string }) => order.id)).toEqual([recorded.body.order.id]);
  });

  it('never records the same external id twice', async () => {
    const { member } = await server.joinMember({ user: 'o-pos', brandCode: 'orders' });
    const body = { memberId: member.id, channel: 'pos', externalId: 'POS-0001', storeId: brand.storeIds[1], amountFen: 5_000 };
    const first = await purchase(admin, body);
    const again = await purchase(admin, body);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.order.id).toBe(first.body.order.id);
    expect((await pointsOf(member.id)).balance).toBe(5);
    const changed = await purchase(admin, { ...body, amountFen: 6_000 });
    expect(changed.status).toBe(409);
    expect(changed.body.code).toBe('ORDER_ALREADY_RECORDED');
    // another channel may use the same number
    expect((await purchase(admin, { ...body, channel: 'online' })).status).toBe(201);
  });

  it('checks the amount, the clerk’s store, the channel and the member', async () => {
    const { member } = await server.joinMember({ user: 'o-checks', brandCode: 'orders' });
    const mismatch = await purchase(clerk, { memberId: member.id, amountFen: 1_000, items: [{ sku: 'A', quantity: 2, unitPriceFen: 400 }] });
    expect(mismatch.body.code).toBe('ORDER_AMOUNT_MISMATCH');
    expect((await purchase(clerk, { memberId: member.id, amountFen: 1_000, storeId: brand.storeIds[1] })).body.code).toBe('STORE_NOT_ASSIGNED');
    expect((await purchase(clerk, { memberId: member.id, amountFen: 1_000, channel: 'online', externalId: 'X1' })).status).toBe(403);
    expect((await purchase(clerk, { amountFen: 1_000 })).body.code).toBe('VALIDATION_FAILED');
    expect((await purchase(clerk, { memberId: member.id, phone: '13800000000', amountFen: 1_000 })).body.code).toBe('VALIDATION_FAILED');
    const rivalClerk = await server.staffToken('orders-rival', 'clerk');
    expect((await purchase(rivalClerk, { memberId: member.id, amountFen: 1_000 })).body.code).toBe('MEMBER_NOT_FOUND');
    const future = new Date(server.clock.now().getTime() + 3_600_000).toISOString();
    expect((await purchase(clerk, { memberId: member.id, amountFen: 1_000, occurredAt: future })).body.code).toBe('VALIDATION_FAILED');
  });

  it('records one purchase for one Idempotency-Key sent 20 times at once', async () => {
    const { member } = await server.joinMember({ user: 'o-idem', brandCode: 'orders' });
    const body = { memberId: member.id, amountFen: 20_000 };
    const responses = await Promise.all(Array.from({ length: 20 }, () => purchase(clerk, body, { 'idempotency-key': 'tap-twice-1' })));
    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(201));
    expect(new Set(responses.map((response) => JSON.stringify(response.body))).size).toBe(1);
    expect((await server.call({ method: 'GET', url: `/orders?memberId=${member.id}`, token: admin })).body.total).toBe(1);
    expect((await pointsOf(member.id)).balance).toBe(20);

    const reused = await purchase(clerk, { ...body, amountFen: 30_000 }, { 'idempotency-key': 'tap-twice-1' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await server.call({ method: 'GET', url: `/orders?memberId=${member.id}`, token: admin })).body.total).toBe(1);
  });
});

describe('refunds', () => {
  it('reverses the points and gives the coupon and its budget back; the same refund again changes nothing', async () => {
    const { token, member } = await server.joinMember({ user: 'o-refund', brandCode: 'orders' });
    const coupon = await cashCoupon(member.id, 2_000, 5_000);
    const bought = await purchase(clerk, { memberId: member.id, amountFen: 10_000, couponCodes: [coupon.code] });
    expect(bought.status).toBe(201);
    expect(bought.body.order).toMatchObject({ grossFen: 10_000, discountFen: 2_000, paidFen: 8_000, pointsEarned: 8, couponCodes: [coupon.code] });
    const usedCoupon = await server.call({ method: 'GET', url: `/members/me/coupons?status=used`, token });
    expect(usedCoupon.body.items.map((item: { code: string }) => item.code)).toContain(coupon.code);
    const templateBefore = await server.call({ method: 'GET', url: `/coupon-templates/${coupon.templateId}`, token: admin });
    expect(templateBefore.body.spentFen).toBe(2_000);

    const refunded = await refund(clerk, bought.body.order.id, { externalId: 'RF-1', reason: '顾客退货' });
    expect(refunded.status).toBe(201);
    expect(refunded.body.refund).toMatchObject({ amountFen: 8_000, pointsReversed: 8, couponsRestored: 1 });
    expect(refunded.body.order.status).toBe('refunded');
    expect((await pointsOf(member.id)).balance).toBe(0);
    const available = await server.call({ method: 'GET', url: `/members/me/coupons?status=available`, token });
    expect(available.body.items.map((item: { code: string }) => item.code)).toContain(coupon.code);
    const templateAfter = await server.call({ method: 'GET', url: `/coupon-templates/${coupon.templateId}`, token: admin });
    expect(templateAfter.body.spentFen).toBe(0);

    const again = await refund(clerk, bought.body.order.id, { externalId: 'RF-1', reason: '顾客退货' });
    expect(again.status).toBe(201);
    expect(again.body.refund.id).toBe(refunded.body.refund.id);
    expect((await pointsOf(member.id)).balance).toBe(0);
    const more = await refund(clerk, bought.body.order.id, { externalId: 'RF-2' });
    expect(more.body.code).toBe('REFUND_EXCEEDS_ORDER');

    // the coupon works again on the next purchase
    const reuse = await purchase(clerk, { memberId: member.id, amountFen: 6_000, couponCodes: [coupon.code] });
    expect(reuse.body.order.discountFen).toBe(2_000);
  });

  it('takes back points in proportion over partial refunds, exactly to the total', async () => {
    const { member } = await server.joinMember({ user: 'o-partial', brandCode: 'orders' });
    const bought = await purchase(clerk, { memberId: member.id, amountFen: 10_000 });
    const first = await refund(clerk, bought.body.order.id, { amountFen: 3_333 });
    expect(first.body.refund.pointsReversed).toBe(3);
    expect(first.body.order.status).toBe('partially_refunded');
    const second = await refund(clerk, bought.body.order.id, { amountFen: 3_333 });
    expect(second.body.refund.pointsReversed).toBe(4);
    const rest = await refund(clerk, bought.body.order.id, {});
    expect(rest.body.refund).toMatchObject({ amountFen: 3_334, pointsReversed: 3 });
    expect((await pointsOf(member.id)).balance).toBe(0);
  });

  it('turns points already spent into debt that the next purchase pays first', async () => {
    const { member } = await server.joinMember({ user: 'o-debt', brandCode: 'orders' });
    const bought = await purchase(clerk, { memberId: member.id, amountFen: 10_000 });
    const spent = await server.call({ method: 'POST', url: `/members/${member.id}/points/adjustments`, token: admin, payload: { amount: -8, reason: '兑换礼品' } });
    expect(spent.status).toBeLessThan(300);
    await refund(clerk, bought.body.order.id, {});
    expect(await pointsOf(member.id)).toMatchObject({ balance: 0, debt: 8 });
    await purchase(clerk, { memberId: member.id, amountFen: 10_000 });
    expect(await pointsOf(member.id)).toMatchObject({ balance: 2, debt: 0 });
  });
});

describe('tiers on purchase', () => {
  it('upgrades at once when a purchase crosses a threshold, and earns at the new multiplier afterwards', async () => {
    const ladder = await server.call({
      method: 'PUT',
      url: '/tiers',
      token: admin,
      payload: {
        tiers: [
          { level: 0, name: '普通会员', threshold: 0, benefits: { pointsMultiplierPermille: 1000, discountPercent: 0, birthdayCouponTemplateId: null, freeShipping: false } },
          { level: 1, name: '金卡', threshold: 50_000, benefits: { pointsMultiplierPermille: 1500, discountPercent: 5, birthdayCouponTemplateId: null, freeShipping: true } },
        ],
      },
    });
    expect(ladder.status).toBe(200);
    const { member } = await server.joinMember({ user: 'o-tier', brandCode: 'orders' });
    const big = await purchase(clerk, { memberId: member.id, amountFen: 60_000 });
    expect(big.body.tier).toEqual({ level: 1, upgraded: true });
    expect(big.body.order.pointsEarned).toBe(60);
    const next = await purchase(clerk, { memberId: member.id, amountFen: 10_000 });
    expect(next.body.tier).toEqual({ level: 1, upgraded: false });
    expect(next.body.order.pointsEarned).toBe(15);
  });
});

describe('isolation', () => {
  it('shows a member only their own orders and a clerk only their stores’ orders', async () => {
    const a = await server.joinMember({ user: 'o-iso-a', brandCode: 'orders' });
    const b = await server.joinMember({ user: 'o-iso-b', brandCode: 'orders' });
    const order = (await purchase(admin, { memberId: a.member.id, storeId: brand.storeIds[1], amountFen: 3_000 })).body.order;
    expect((await server.call({ method: 'GET', url: `/members/me/orders/${order.id}`, token: a.token })).status).toBe(200);
    expect((await server.call({ method: 'GET', url: `/members/me/orders/${order.id}`, token: b.token })).body.code).toBe('ORDER_NOT_FOUND');
    expect((await server.call({ method: 'GET', url: `/orders/${order.id}`, token: clerk })).status).toBe(404);
    expect((await refund(clerk, order.id, {})).status).toBe(404);
    const rivalAdmin = await server.staffToken('orders-rival', 'admin');
    expect((await server.call({ method: 'GET', url: `/orders/${order.id}`, token: rivalAdmin })).status).toBe(404);
    expect((await server.call({ method: 'GET', url: `/orders/${order.id}`, token: b.token })).status).toBe(403);
  });
});
