import type { Coupon, CouponLookup, CouponTemplate, CreateCouponTemplateBody } from '@memberloop/shared';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../src/modules/audit/audit.tables';
import { couponMemberCounts, coupons, couponTemplates } from '../src/modules/coupons/coupons.tables';
import type { RedeemForOrderInput } from '../src/modules/coupons';
import { createTemplate, DAY, insertMembers } from './coupons-fixtures';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;
let other: BrandFixture;
let operator: string;
let clerk: string;
let clerkOfBoth: string;
let otherClerk: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('till');
  other = await server.createBrand('till-other');
  operator = await server.staffToken('till', 'operator');
  clerk = await server.staffToken('till', 'clerk');
  clerkOfBoth = await server.staffToken('till', 'clerkOfBothStores');
  otherClerk = await server.staffToken('till-other', 'clerk');
});
afterAll(() => server.close());

const now = () => server.clock.now();
const steps = () => server.app.services.coupons.steps;

async function couponFor(memberToken: string, body: Partial<CreateCouponTemplateBody> = {}): Promise<{ template: CouponTemplate; coupon: Coupon }> {
  const template = await createTemplate(server, operator, body);
  const response = await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: memberToken });
  if (response.status !== 201) throw new Error(JSON.stringify(response.body));
  return { template, coupon: response.body };
}

/** Runs redeemForOrder in its own transaction; resolves to the result or the error code. */
async function redeem(input: Partial<RedeemForOrderInput> & { memberId: string; codes: string[] }) {
  try {
    return await server.database.db.transaction((tx) =>
      steps().redeemForOrder(tx, { brandId: brand.brandId, storeId: brand.storeIds[0], grossFen: 20_000, orderId: `ord-${Math.random()}`, staffId: null, at: now(), ...input }),
    );
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (!code) throw error;
    return code;
  }
}

async function templateRow(id: string) {
  const [row] = await server.database.db.select().from(couponTemplates).where(eq(couponTemplates.id, id));
  return row!;
}

describe('redeemForOrder', () => {
  it('takes cash_off, percent_off and gift discounts off the gross', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const cash = await couponFor(m!.token, { valueFen: 2000, thresholdFen: 10_000 });
    expect(await redeem({ memberId: m!.id, codes: [cash.coupon.code], grossFen: 10_000 })).toMatchObject({
      discountFen: 2000,
      coupons: [{ id: cash.coupon.id, code: cash.coupon.code, discountFen: 2000, kind: 'cash_off', templateId: cash.template.id }],
    });

    // floor(12345 × 15 / 100) = 1851, under the cap
    const pct = await couponFor(m!.token, { kind: 'percent_off', valueFen: undefined, percentOff: 15, capFen: 5000, thresholdFen: 0 });
    expect(await redeem({ memberId: m!.id, codes: [pct.coupon.code], grossFen: 12_345 })).toMatchObject({ discountFen: 1851 });
    const capped = await couponFor(m!.token, { kind: 'percent_off', valueFen: undefined, percentOff: 50, capFen: 3000, thresholdFen: 0 });
    expect(await redeem({ memberId: m!.id, codes: [capped.coupon.code], grossFen: 100_000 })).toMatchObject({ discountFen: 3000 });

    const gift = await couponFor(m!.token, { kind: 'gift', valueFen: undefined, thresholdFen: 0, giftSku: 'CUP', giftName: '杯子' });
    expect(await redeem({ memberId: m!.id, codes: [gift.coupon.code] })).toMatchObject({ discountFen: 0, coupons: [{ giftSku: 'CUP', giftName: '杯子', discountFen: 0 }] });

    // a no-threshold voucher bigger than the order takes off the order, no more
    const big = await couponFor(m!.token, { valueFen: 5000, thresholdFen: 0 });
    expect(await redeem({ memberId: m!.id, codes: [big.coupon.code], grossFen: 1200 })).toMatchObject({ discountFen: 1200, coupons: [{ discountFen: 1200 }] });
    expect(await templateRow(big.template.id)).toMatchObject({ spentFen: 1200, redeemedCount: 1 });

    const [row] = await server.database.db.select().from(coupons).where(eq(coupons.id, cash.coupon.id));
    expect(row).toMatchObject({ status: 'redeemed', discountFen: 2000, redeemedStoreId: brand.storeIds[0] });
  });

  it('refuses with the code for each rule', async () => {
    const [m, stranger] = await insertMembers(server, brand.brandId, 2);
    const base = await couponFor(m!.token, { valueFen: 1000, thresholdFen: 5000 });
    expect(await redeem({ memberId: stranger!.id, codes: [base.coupon.code] })).toBe('COUPON_WRONG_MEMBER');
    expect(await redeem({ memberId: m!.id, codes: ['NOSUCHCODE234567'] })).toBe('COUPON_NOT_FOUND');
    expect(await redeem({ memberId: m!.id, codes: [base.coupon.code], grossFen: 4999 })).toBe('COUPON_THRESHOLD_NOT_MET');
    expect(await redeem({ memberId: m!.id, codes: [base.coupon.code, base.coupon.code.toLowerCase()] })).toBe('VALIDATION_FAILED');

    const storeBound = await couponFor(m!.token, { thresholdFen: 0, storeIds: [brand.storeIds[1]] });
    expect(await redeem({ memberId: m!.id, codes: [storeBound.coupon.code] })).toBe('COUPON_STORE_NOT_ALLOWED');
    expect(await redeem({ memberId: m!.id, codes: [storeBound.coupon.code], storeId: null })).toBe('COUPON_STORE_NOT_ALLOWED');

    const later = await couponFor(m!.token, {
      thresholdFen: 0,
      validityMode: 'fixed',
      validDays: undefined,
      validFrom: new Date(now().getTime() + DAY).toISOString(),
      validUntil: new Date(now().getTime() + 3 * DAY).toISOString(),
    });
    expect(await redeem({ memberId: m!.id, codes: [later.coupon.code] })).toBe('COUPON_NOT_YET_VALID');
    expect(await redeem({ memberId: m!.id, codes: [later.coupon.code], at: new Date(now().getTime() + 3 * DAY) })).toBe('COUPON_EXPIRED');
    expect(await redeem({ memberId: m!.id, codes: [later.coupon.code], at: new Date(now().getTime() + 2 * DAY) })).toMatchObject({ discountFen: 2000 });
    expect(await redeem({ memberId: m!.id, codes: [later.coupon.code], at: new Date(now().getTime() + 2 * DAY) })).toBe('COUPON_ALREADY_REDEEMED');

    // codes are matched whatever the case and separators a clerk typed
    const typed = await couponFor(m!.token, { thresholdFen: 0 });
    const sloppy = typed.coupon.code.toLowerCase().replace(/(.{4})/g, '$1-').replace(/-$/, '');
    expect(await redeem({ memberId: m!.id, codes: [sloppy] })).toMatchObject({ coupons: [{ code: typed.coupon.code }] });
  });

  it('stacks only stackable coupons and never takes off more than the gross', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const s1 = await couponFor(m!.token, { valueFen: 3000, thresholdFen: 0, stackable: true });
    const s2 = await couponFor(m!.token, { kind: 'percent_off', valueFen: undefined, percentOff: 50, thresholdFen: 0, stackable: true });
    const lone = await couponFor(m!.token, { valueFen: 1000, thresholdFen: 0 });
    expect(await redeem({ memberId: m!.id, codes: [s1.coupon.code, lone.coupon.code] })).toBe('COUPON_NOT_STACKABLE');
    expect(await redeem({ memberId: m!.id, codes: [lone.coupon.code, s1.coupon.code] })).toBe('COUPON_NOT_STACKABLE');
    // nothing was used by the refused attempts
    const [row] = await server.database.db.select().from(coupons).where(eq(coupons.id, s1.coupon.id));
    expect(row!.status).toBe('available');

    // 3000 + floor(4000 × 50%) = 5000 > 4000: the second gets what is left
    expect(await redeem({ memberId: m!.id, codes: [s1.coupon.code, s2.coupon.code], grossFen: 4000 })).toMatchObject({
      discountFen: 4000,
      coupons: [{ id: s1.coupon.id, discountFen: 3000 }, { id: s2.coupon.id, discountFen: 1000 }],
    });
    expect(await redeem({ memberId: m!.id, codes: [lone.coupon.code] })).toMatchObject({ discountFen: 1000 });
  });

  it('stops at the budget', async () => {
    const [a, b, c] = await insertMembers(server, brand.brandId, 3);
    const template = await createTemplate(server, operator, { valueFen: 2000, thresholdFen: 0, budgetFen: 5000 });
    const claim = async (token: string) => (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token })).body;
    const [ca, cb, cc] = [await claim(a!.token), await claim(b!.token), await claim(c!.token)];
    expect(await redeem({ memberId: a!.id, codes: [ca.code] })).toMatchObject({ discountFen: 2000 });
    expect(await redeem({ memberId: b!.id, codes: [cb.code] })).toMatchObject({ discountFen: 2000 });
    expect(await redeem({ memberId: c!.id, codes: [cc.code] })).toBe('COUPON_BUDGET_EXHAUSTED');
    // a smaller order still fits: 1000 off keeps the spend at the budget exactly
    expect(await redeem({ memberId: c!.id, codes: [cc.code], grossFen: 1000 })).toMatchObject({ discountFen: 1000 });
    expect(await templateRow(template.id)).toMatchObject({ spentFen: 5000, redeemedCount: 3 });
  });

  it('restoreForOrder gives the coupon and the budget back; past validity it becomes expired instead', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const { template, coupon } = await couponFor(m!.token, { valueFen: 2000, thresholdFen: 0, budgetFen: 2000, validDays: 2 });
    const second = await couponFor(m!.token, { valueFen: 500, thresholdFen: 0, validDays: 10, stackable: true });
    expect(await redeem({ memberId: m!.id, codes: [coupon.code], orderId: 'ord-A' })).toMatchObject({ discountFen: 2000 });
    expect(await templateRow(template.id)).toMatchObject({ spentFen: 2000, redeemedCount: 1 });

    const restore = (orderId: string, at = now()) => server.database.db.transaction((tx) => steps().restoreForOrder(tx, { brandId: brand.brandId, orderId, at }));
    expect(await restore('ord-A')).toEqual({ restored: 1 });
    expect(await restore('ord-A')).toEqual({ restored: 0 });
    expect(await templateRow(template.id)).toMatchObject({ spentFen: 0, redeemedCount: 0 });
    const mine = await server.call<Coupon>({ method: 'GET', url: `/members/me/coupons/${coupon.id}`, token: m!.token });
    expect(mine.body).toMatchObject({ status: 'available', redeemedAt: null, redeemedOrderId: null, discountFen: null });
    // usable again, within the budget it got back
    expect(await redeem({ memberId: m!.id, codes: [coupon.code], orderId: 'ord-B' })).toMatchObject({ discountFen: 2000 });
    expect(await redeem({ memberId: m!.id, codes: [second.coupon.code], orderId: 'ord-B' })).toMatchObject({ discountFen: 500 });

    // a refund after the coupon's validity: it does not come back to life
    expect(await restore('ord-B', new Date(now().getTime() + 3 * DAY))).toEqual({ restored: 2 });
    const [row] = await server.database.db.select().from(coupons).where(eq(coupons.id, coupon.id));
    expect(row!.status).toBe('expired');
    const [still] = await server.database.db.select().from(coupons).where(eq(coupons.id, second.coupon.id));
    expect(still!.status).toBe('available');
    expect(await templateRow(template.id)).toMatchObject({ spentFen: 0, redeemedCount: 0 });
    const audits = await server.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, coupon.id), eq(auditLog.action, 'coupon.restored')));
    expect(audits).toHaveLength(2);
  });
});

describe('revoke and expiry', () => {
  it('revokes an unused coupon and gives back its quantity; a used one cannot be revoked', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const { template, coupon } = await couponFor(m!.token, { thresholdFen: 0, totalQuantity: 1 });
    const revoke = (couponId: string) =>
      server.database.db
        .transaction((tx) => steps().revoke(tx, { brandId: brand.brandId, couponId, reason: 'mall exchange cancelled', at: now() }))
        .catch((error: { code?: string }) => error.code);
    expect(await revoke(coupon.id)).toMatchObject({ id: coupon.id, status: 'revoked' });
    expect(await revoke(coupon.id)).toMatchObject({ status: 'revoked' });
    expect(await redeem({ memberId: m!.id, codes: [coupon.code] })).toBe('COUPON_NOT_USABLE');
    expect(await templateRow(template.id)).toMatchObject({ issuedCount: 0 });
    const [count] = await server.database.db.select().from(couponMemberCounts).where(eq(couponMemberCounts.templateId, template.id));
    expect(count!.issued).toBe(0);
    // the quantity is free again: the member may claim once more
    const again = await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: m!.token });
    expect(again.status).toBe(201);
    expect(await redeem({ memberId: m!.id, codes: [again.body.code] })).toMatchObject({ discountFen: 2000 });
    expect(await revoke(again.body.id)).toBe('COUPON_ALREADY_REDEEMED');
    expect(await revoke('cpn_01JAAAAAAAAAAAAAAAAAAAAAAA')).toBe('COUPON_NOT_FOUND');
  });

  it('the expiry job marks available coupons past validity as expired, and only those', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const short = await couponFor(m!.token, { thresholdFen: 0, validDays: 1 });
    const long = await couponFor(m!.token, { thresholdFen: 0, validDays: 5 });
    const used = await couponFor(m!.token, { thresholdFen: 0, validDays: 1 });
    expect(await redeem({ memberId: m!.id, codes: [used.coupon.code] })).toMatchObject({ discountFen: 2000 });
    const { couponsJobs } = await import('../src/modules/coupons');
    const [job] = couponsJobs(server.app.services.coupons);
    expect(job).toMatchObject({ name: 'coupons.expire', cron: '20 0 * * *' });
    const at = new Date(now().getTime() + 2 * DAY);
    expect(await job!.run(at)).toMatchObject({ expired: expect.any(Number) });
    expect(await job!.run(at)).toEqual({ expired: 0 });
    const statuses = await server.database.db.select({ id: coupons.id, status: coupons.status }).from(coupons).where(eq(coupons.memberId, m!.id));
    const byId = Object.fromEntries(statuses.map((s) => [s.id, s.status]));
    expect(byId).toEqual({ [short.coupon.id]: 'expired', [long.coupon.id]: 'available', [used.coupon.id]: 'redeemed' });
  });
});

describe('at the counter', () => {
  it('redeems by code at the clerk’s store, audited; refuses other stores and other brands', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const elsewhere = await couponFor(m!.token, { thresholdFen: 0, storeIds: [brand.storeIds[1]] });
    const refused = await server.call({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: elsewhere.coupon.code } });
    expect(refused).toMatchObject({ status: 409, body: { code: 'COUPON_STORE_NOT_ALLOWED' } });
    const notMine = await server.call({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: elsewhere.coupon.code, storeId: brand.storeIds[1] } });
    expect(notMine).toMatchObject({ status: 403, body: { code: 'STORE_NOT_ASSIGNED' } });
    const needStore = await server.call({ method: 'POST', url: '/coupons/redeem', token: clerkOfBoth, payload: { code: elsewhere.coupon.code } });
    expect(needStore).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const foreign = await server.call({ method: 'POST', url: '/coupons/redeem', token: otherClerk, payload: { code: elsewhere.coupon.code } });
    expect(foreign).toMatchObject({ status: 404, body: { code: 'COUPON_NOT_FOUND' } });
    const foreignLookup = await server.call({ method: 'GET', url: `/coupons/by-code/${elsewhere.coupon.code}`, token: otherClerk });
    expect(foreignLookup).toMatchObject({ status: 404, body: { code: 'COUPON_NOT_FOUND' } });

    const ok = await server.call<Coupon>({ method: 'POST', url: '/coupons/redeem', token: clerkOfBoth, payload: { code: elsewhere.coupon.code, storeId: brand.storeIds[1], orderId: 'POS-881' } });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: elsewhere.coupon.id, status: 'redeemed', redeemedStoreId: brand.storeIds[1], redeemedOrderId: 'POS-881', discountFen: 2000 });
    const audit = await server.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, elsewhere.coupon.id), eq(auditLog.action, 'coupon.redeemed')));
    expect(audit).toHaveLength(1);
    const twice = await server.call({ method: 'POST', url: '/coupons/redeem', token: clerkOfBoth, payload: { code: elsewhere.coupon.code, storeId: brand.storeIds[1] } });
    expect(twice).toMatchObject({ status: 409, body: { code: 'COUPON_ALREADY_REDEEMED' } });
  });

  it('checks the threshold and computes percent discounts when the gross is given', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const pct = await couponFor(m!.token, { kind: 'percent_off', valueFen: undefined, percentOff: 20, thresholdFen: 5000 });
    const noGross = await server.call({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: pct.coupon.code } });
    expect(noGross).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    const low = await server.call({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: pct.coupon.code, grossFen: 4999 } });
    expect(low).toMatchObject({ status: 409, body: { code: 'COUPON_THRESHOLD_NOT_MET' } });
    const ok = await server.call<Coupon>({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: pct.coupon.code, grossFen: 8888 } });
    expect(ok.body).toMatchObject({ status: 'redeemed', discountFen: 1777 });

    const gift = await couponFor(m!.token, { kind: 'gift', valueFen: undefined, thresholdFen: 0, giftSku: 'S', giftName: '小样' });
    expect((await server.call<Coupon>({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: gift.coupon.code } })).body).toMatchObject({ discountFen: 0, status: 'redeemed' });
  });

  it('looks a code up with whether it is usable at the clerk’s store now', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const here = await couponFor(m!.token, { thresholdFen: 0, storeIds: [brand.storeIds[0]] });
    const there = await couponFor(m!.token, { thresholdFen: 0, storeIds: [brand.storeIds[1]] });
    const lookup = (code: string, token = clerk, query = '') => server.call<CouponLookup>({ method: 'GET', url: `/coupons/by-code/${code}${query}`, token });

    expect((await lookup(here.coupon.code)).body).toMatchObject({ usable: true, reason: null, storeId: brand.storeIds[0], coupon: { id: here.coupon.id, code: here.coupon.code, template: { id: here.template.id } } });
    expect((await lookup(there.coupon.code)).body).toMatchObject({ usable: false, reason: 'COUPON_STORE_NOT_ALLOWED' });
    expect((await lookup(there.coupon.code, clerkOfBoth)).body).toMatchObject({ usable: true, storeId: null });
    expect((await lookup(there.coupon.code, clerkOfBoth, `?storeId=${brand.storeIds[0]}`)).body).toMatchObject({ usable: false, reason: 'COUPON_STORE_NOT_ALLOWED' });
    expect((await lookup(there.coupon.code, clerk, `?storeId=${brand.storeIds[1]}`)).status).toBe(403);
    expect((await lookup(here.coupon.code.toLowerCase())).body.usable).toBe(true);

    server.clock.advance(40 * DAY);
    try {
      expect((await lookup(here.coupon.code)).body).toMatchObject({ usable: false, reason: 'COUPON_EXPIRED', coupon: { status: 'expired' } });
    } finally {
      server.clock.advance(-40 * DAY);
    }
    expect((await lookup('NOSUCHCODE')).status).toBe(404);
  });

  it('a member cannot see or use another member’s coupon', async () => {
    const [owner, thief] = await insertMembers(server, brand.brandId, 2);
    const { coupon } = await couponFor(owner!.token, { thresholdFen: 0 });
    expect((await server.call({ method: 'GET', url: `/members/me/coupons/${coupon.id}`, token: thief!.token })).status).toBe(404);
    const list = await server.call<{ items: Coupon[] }>({ method: 'GET', url: '/members/me/coupons', token: thief!.token });
    expect(list.body.items).toEqual([]);
    // a member cannot call the counter routes at all
    expect((await server.call({ method: 'POST', url: '/coupons/redeem', token: thief!.token, payload: { code: coupon.code } })).status).toBe(403);
    expect((await server.call({ method: 'GET', url: `/coupons/by-code/${coupon.code}`, token: thief!.token })).status).toBe(403);
    expect(await redeem({ memberId: thief!.id, codes: [coupon.code] })).toBe('COUPON_WRONG_MEMBER');
    // another brand's member cannot reach it either
    const [outsider] = await insertMembers(server, other.brandId, 1);
    expect((await server.call({ method: 'GET', url: `/members/me/coupons/${coupon.id}`, token: outsider!.token })).status).toBe(404);
  });
});
