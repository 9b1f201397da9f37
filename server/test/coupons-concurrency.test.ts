import type { Coupon } from '@memberloop/shared';
import { count, eq } from 'drizzle-orm';
import { idempotencyKeys } from '../src/http/idempotency.tables';
import { couponMemberCounts, coupons, couponTemplates } from '../src/modules/coupons/coupons.tables';
import { createTemplate, insertMembers } from './coupons-fixtures';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;
let operator: string;
let clerk: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('rush');
  operator = await server.staffToken('rush', 'operator');
  clerk = await server.staffToken('rush', 'clerk');
});
afterAll(() => server.close());

async function couponsOf(templateId: string) {
  const [row] = await server.database.db.select({ n: count() }).from(coupons).where(eq(coupons.templateId, templateId));
  return row!.n;
}

async function issuedCount(templateId: string) {
  const [row] = await server.database.db.select({ issued: couponTemplates.issuedCount }).from(couponTemplates).where(eq(couponTemplates.id, templateId));
  return row!.issued;
}

describe('claims under load', () => {
  it('1,000 members claiming 100 coupons at once: exactly 100 issued, 900 out of stock', async () => {
    const template = await createTemplate(server, operator, { totalQuantity: 100, perMemberLimit: 1 });
    const people = await insertMembers(server, brand.brandId, 1000);
    const started = performance.now();
    const responses = await Promise.all(
      people.map((person) => server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: person.token })),
    );
    const seconds = (performance.now() - started) / 1000;
    const byStatus = new Map<string, number>();
    for (const r of responses) {
      const key = r.status === 201 ? 'issued' : `${r.status} ${r.body.code}`;
      byStatus.set(key, (byStatus.get(key) ?? 0) + 1);
    }
    expect(Object.fromEntries(byStatus)).toEqual({ issued: 100, '409 COUPON_OUT_OF_STOCK': 900 });
    expect(await issuedCount(template.id)).toBe(100);
    expect(await couponsOf(template.id)).toBe(100);
    const codes = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.code));
    expect(codes.size).toBe(100);
    // the rejected claims leave no per-member count behind
    const [counts] = await server.database.db.select({ n: count() }).from(couponMemberCounts).where(eq(couponMemberCounts.templateId, template.id));
    expect(counts!.n).toBe(100);
    console.log(`1000 concurrent claims (quantity 100) in ${seconds.toFixed(2)} s: ${Math.round(1000 / seconds)} claims/s`);
  }, 120_000);

  it('50 parallel claims by one member with a limit of 1: exactly one coupon', async () => {
    const template = await createTemplate(server, operator, { perMemberLimit: 1 });
    const [person] = await insertMembers(server, brand.brandId, 1);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        server.call({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: person!.token, headers: { 'idempotency-key': `own-${i}` } }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409 && r.body.code === 'COUPON_LIMIT_REACHED')).toHaveLength(49);
    expect(await couponsOf(template.id)).toBe(1);
    expect(await issuedCount(template.id)).toBe(1);
  });

  it('a per-member limit of 3 under 30 parallel claims: exactly 3', async () => {
    const template = await createTemplate(server, operator, { perMemberLimit: 3 });
    const [person] = await insertMembers(server, brand.brandId, 1);
    const responses = await Promise.all(
      Array.from({ length: 30 }, () => server.call({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: person!.token })),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(3);
    expect(await couponsOf(template.id)).toBe(3);
  });
});

describe('idempotency', () => {
  it('20 parallel claims with the same key: one coupon, 20 identical answers', async () => {
    const template = await createTemplate(server, operator, { perMemberLimit: 5 });
    const [person] = await insertMembers(server, brand.brandId, 1);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: person!.token, headers: { 'idempotency-key': 'same-key' } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(20).fill(201));
    for (const r of responses) expect(r.body).toEqual(responses[0]!.body);
    expect(await couponsOf(template.id)).toBe(1);

    // the same key on another request is refused and writes nothing
    const other = await createTemplate(server, operator);
    const keysBefore = await server.database.db.select({ n: count() }).from(idempotencyKeys);
    const reused = await server.call({ method: 'POST', url: `/coupon-templates/${other.id}/claim`, token: person!.token, headers: { 'idempotency-key': 'same-key' } });
    expect(reused).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
    expect(await couponsOf(other.id)).toBe(0);
    expect(await issuedCount(other.id)).toBe(0);
    const keysAfter = await server.database.db.select({ n: count() }).from(idempotencyKeys);
    expect(keysAfter[0]!.n).toBe(keysBefore[0]!.n);
  });

  it('a counter redemption repeated with its key answers the same; another body with that key is 422', async () => {
    const template = await createTemplate(server, operator, { thresholdFen: 0 });
    const [person] = await insertMembers(server, brand.brandId, 1);
    const coupon = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: person!.token })).body;
    const redeem = (payload: object) => server.call<Coupon>({ method: 'POST', url: '/coupons/redeem', token: clerk, payload, headers: { 'idempotency-key': 'till-7' } });
    const results = await Promise.all(Array.from({ length: 10 }, () => redeem({ code: coupon.code })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    for (const r of results) expect(r.body).toEqual(results[0]!.body);
    expect(results[0]!.body.status).toBe('redeemed');
    const reused = await redeem({ code: coupon.code, orderId: 'T-1' });
    expect(reused).toMatchObject({ status: 422, body: { code: 'IDEMPOTENCY_KEY_REUSED' } });
  });
});

describe('redemption under load', () => {
  it('20 parallel redemptions of one coupon: exactly one wins', async () => {
    const template = await createTemplate(server, operator, { thresholdFen: 0, valueFen: 500, budgetFen: 100_000 });
    const [person] = await insertMembers(server, brand.brandId, 1);
    const coupon = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: person!.token })).body;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => server.call({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: coupon.code, orderId: `T-${i}` } })),
    );
    expect(responses.filter((r) => r.status === 200)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409 && r.body.code === 'COUPON_ALREADY_REDEEMED')).toHaveLength(19);
    const [row] = await server.database.db.select().from(couponTemplates).where(eq(couponTemplates.id, template.id));
    expect(row).toMatchObject({ redeemedCount: 1, spentFen: 500 });
  });

  it('20 parallel order redemptions through the step: exactly one wins', async () => {
    const template = await createTemplate(server, operator, { thresholdFen: 0, valueFen: 500 });
    const [person] = await insertMembers(server, brand.brandId, 1);
    const coupon = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: person!.token })).body;
    const { coupons: service } = server.app.services;
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        server.database.db.transaction((tx) =>
          service.steps.redeemForOrder(tx, {
            brandId: brand.brandId,
            memberId: person!.id,
            storeId: brand.storeIds[0],
            codes: [coupon.code],
            grossFen: 10_000,
            orderId: `ord-${i}`,
            staffId: null,
            at: server.clock.now(),
          }),
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    const reasons = attempts.flatMap((a) => (a.status === 'rejected' ? [(a.reason as { code?: string }).code] : []));
    expect(new Set(reasons)).toEqual(new Set(['COUPON_ALREADY_REDEEMED']));
  });

  it('orders stacking the same two templates in opposite orders all go through (no deadlock)', async () => {
    const a = await createTemplate(server, operator, { thresholdFen: 0, valueFen: 100, stackable: true, perMemberLimit: 20, budgetFen: 1_000_000 });
    const b = await createTemplate(server, operator, { thresholdFen: 0, valueFen: 200, stackable: true, perMemberLimit: 20, budgetFen: 1_000_000 });
    const [person] = await insertMembers(server, brand.brandId, 1);
    const claim = async (templateId: string) => (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${templateId}/claim`, token: person!.token })).body.code;
    const pairs: string[][] = [];
    for (let i = 0; i < 20; i++) {
      const [ca, cb] = [await claim(a.id), await claim(b.id)];
      pairs.push(i % 2 ? [ca, cb] : [cb, ca]);
    }
    const { coupons: service } = server.app.services;
    const results = await Promise.all(
      pairs.map((codes, i) =>
        server.database.db.transaction((tx) =>
          service.steps.redeemForOrder(tx, { brandId: brand.brandId, memberId: person!.id, storeId: null, codes, grossFen: 1000, orderId: `pair-${i}`, staffId: null, at: server.clock.now() }),
        ),
      ),
    );
    expect(results.map((r) => r.discountFen)).toEqual(Array(20).fill(300));
    const rows = await server.database.db.select().from(couponTemplates).where(eq(couponTemplates.brandId, brand.brandId));
    expect(rows.find((t) => t.id === a.id)).toMatchObject({ spentFen: 2000, redeemedCount: 20 });
    expect(rows.find((t) => t.id === b.id)).toMatchObject({ spentFen: 4000, redeemedCount: 20 });
  });
});
