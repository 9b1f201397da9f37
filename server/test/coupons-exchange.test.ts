import type { ExchangeCouponResult } from '@memberloop/shared';
import { and, count, eq } from 'drizzle-orm';
import { withTransaction } from '../src/db/transaction';
import { coupons } from '../src/modules/coupons/coupons.tables';
import { createTemplate, insertMembers } from './coupons-fixtures';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

/** The points-exchange voucher: depends on the points module's `redeem` step. */

let server: TestServer;
let brand: BrandFixture;
let operator: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('swap');
  operator = await server.staffToken('swap', 'operator');
});
afterAll(() => server.close());

const points = () => server.app.services.points.steps;

async function giveMember(points_: number) {
  const [m] = await insertMembers(server, brand.brandId, 1);
  await withTransaction(server.database.db, (tx) =>
    points().earn(tx, { brandId: brand.brandId, memberId: m!.id, amount: points_, reason: 'test', sourceType: 'test', sourceId: m!.id, actor: { type: 'system', id: null }, at: server.clock.now() }),
  );
  return m!;
}

const balanceOf = (memberId: string) => withTransaction(server.database.db, (tx) => points().balanceOf(tx, brand.brandId, memberId));
const couponsOf = async (memberId: string) =>
  (await server.database.db.select({ n: count() }).from(coupons).where(and(eq(coupons.brandId, brand.brandId), eq(coupons.memberId, memberId))))[0]!.n;

describe('exchanging points for a voucher', () => {
  it('spends the points and issues the coupon in one transaction', async () => {
    const template = await createTemplate(server, operator, { name: '500积分换50元', valueFen: 5000, thresholdFen: 0, pointsPrice: 500, perMemberLimit: 5 });
    const m = await giveMember(1200);
    const exchange = await server.call<ExchangeCouponResult>({ method: 'POST', url: `/coupon-templates/${template.id}/exchange`, token: m.token });
    expect(exchange.status).toBe(201);
    expect(exchange.body).toMatchObject({ pointsSpent: 500, pointsBalance: 700, coupon: { issuedVia: 'points_exchange', templateId: template.id, status: 'available' } });
    expect((await balanceOf(m.id)).balance).toBe(700);
    const [row] = await server.database.db.select().from(coupons).where(eq(coupons.id, exchange.body.coupon.id));
    expect(row!.issuedRef).toMatch(/.+/); // the points entry that paid for it
  });

  it('without enough points: POINTS_INSUFFICIENT and no coupon', async () => {
    const template = await createTemplate(server, operator, { valueFen: 5000, thresholdFen: 0, pointsPrice: 500 });
    const m = await giveMember(499);
    const refused = await server.call({ method: 'POST', url: `/coupon-templates/${template.id}/exchange`, token: m.token });
    expect(refused).toMatchObject({ status: 409, body: { code: 'POINTS_INSUFFICIENT' } });
    expect(await couponsOf(m.id)).toBe(0);
    expect((await balanceOf(m.id)).balance).toBe(499);
  });

  it('out of stock or over the limit: the points stay', async () => {
    const template = await createTemplate(server, operator, { valueFen: 5000, thresholdFen: 0, pointsPrice: 100, totalQuantity: 1, perMemberLimit: 1 });
    const first = await giveMember(1000);
    expect((await server.call({ method: 'POST', url: `/coupon-templates/${template.id}/exchange`, token: first.token })).status).toBe(201);
    const again = await server.call({ method: 'POST', url: `/coupon-templates/${template.id}/exchange`, token: first.token });
    expect(again).toMatchObject({ status: 409, body: { code: 'COUPON_LIMIT_REACHED' } });
    expect((await balanceOf(first.id)).balance).toBe(900);
    const second = await giveMember(1000);
    const gone = await server.call({ method: 'POST', url: `/coupon-templates/${template.id}/exchange`, token: second.token });
    expect(gone).toMatchObject({ status: 409, body: { code: 'COUPON_OUT_OF_STOCK' } });
    expect((await balanceOf(second.id)).balance).toBe(1000);
  });

  it('only templates with a points price, claimable and active, can be exchanged', async () => {
    const m = await giveMember(1000);
    const free = await createTemplate(server, operator);
    const hidden = await createTemplate(server, operator, { pointsPrice: 10, claimable: false });
    const paused = await createTemplate(server, operator, { pointsPrice: 10, status: 'paused' });
    for (const template of [free, hidden, paused]) {
      const refused = await server.call({ method: 'POST', url: `/coupon-templates/${template.id}/exchange`, token: m.token });
      expect(refused).toMatchObject({ status: 409, body: { code: 'COUPON_NOT_CLAIMABLE' } });
    }
    expect((await balanceOf(m.id)).balance).toBe(1000);
  });

  it('parallel exchanges spend no more points than there are, and a repeated key spends once', async () => {
    const template = await createTemplate(server, operator, { valueFen: 1000, thresholdFen: 0, pointsPrice: 300, perMemberLimit: 100 });
    const m = await giveMember(1000);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => server.call({ method: 'POST', url: `/coupon-templates/${template.id}/exchange`, token: m.token })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409 && r.body.code === 'POINTS_INSUFFICIENT')).toHaveLength(7);
    expect((await balanceOf(m.id)).balance).toBe(100);
    expect(await couponsOf(m.id)).toBe(3);

    const rich = await giveMember(1000);
    const keyed = await Promise.all(
      Array.from({ length: 10 }, () =>
        server.call<ExchangeCouponResult>({ method: 'POST', url: `/coupon-templates/${template.id}/exchange`, token: rich.token, headers: { 'idempotency-key': 'swap-1' } }),
      ),
    );
    expect(keyed.map((r) => r.status)).toEqual(Array(10).fill(201));
    for (const r of keyed) expect(r.body).toEqual(keyed[0]!.body);
    expect((await balanceOf(rich.id)).balance).toBe(700);
    expect(await couponsOf(rich.id)).toBe(1);
  });
});
