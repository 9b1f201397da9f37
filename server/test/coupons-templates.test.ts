import type { ClaimableCoupon, Coupon, CouponPage, CouponTemplate, GrantCouponsResult } from '@memberloop/shared';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../src/modules/audit/audit.tables';
import { members } from '../src/modules/members/members.tables';
import { createTemplate, DAY, insertMembers } from './coupons-fixtures';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;
let other: BrandFixture;
let operator: string;
let admin: string;
let clerk: string;
let otherOperator: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('tmpl');
  other = await server.createBrand('tmpl-other');
  operator = await server.staffToken('tmpl', 'operator');
  admin = await server.staffToken('tmpl', 'admin');
  clerk = await server.staffToken('tmpl', 'clerk');
  otherOperator = await server.staffToken('tmpl-other', 'operator');
});
afterAll(() => server.close());

const now = () => server.clock.now();

describe('coupon templates', () => {
  it('creates the three kinds with both validity modes and reads them back with their figures', async () => {
    const cash = await createTemplate(server, operator, { storeIds: [brand.storeIds[0]], totalQuantity: 100, budgetFen: 50_000 });
    expect(cash).toMatchObject({ kind: 'cash_off', valueFen: 2000, thresholdFen: 10000, status: 'active', issuedCount: 0, redeemedCount: 0, spentFen: 0, perMemberLimit: 1 });
    expect(cash.id).toMatch(/^cpt_[0-9A-Z]{26}$/);

    const percent = await createTemplate(server, admin, {
      name: '8.5折',
      kind: 'percent_off',
      valueFen: undefined,
      percentOff: 15,
      capFen: 5000,
      thresholdFen: 0,
      validityMode: 'fixed',
      validDays: undefined,
      validFrom: now().toISOString(),
      validUntil: new Date(now().getTime() + 7 * DAY).toISOString(),
    });
    expect(percent).toMatchObject({ kind: 'percent_off', percentOff: 15, capFen: 5000, validityMode: 'fixed', validDays: null });

    const gift = await createTemplate(server, operator, { name: '赠品', kind: 'gift', valueFen: undefined, thresholdFen: 0, giftSku: 'SKU-1', giftName: '小样' });
    expect(gift).toMatchObject({ kind: 'gift', giftSku: 'SKU-1', giftName: '小样', valueFen: null });

    const one = await server.call<CouponTemplate>({ method: 'GET', url: `/coupon-templates/${cash.id}`, token: operator });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(cash);

    const list = await server.call<CouponTemplate[]>({ method: 'GET', url: '/coupon-templates?status=active', token: operator });
    expect(list.body.map((t) => t.id)).toEqual(expect.arrayContaining([cash.id, percent.id, gift.id]));
    const paused = await server.call<CouponTemplate[]>({ method: 'GET', url: '/coupon-templates?status=paused', token: operator });
    expect(paused.body.map((t) => t.id)).not.toContain(cash.id);
  });

  it('refuses wrong combinations with VALIDATION_FAILED and details', async () => {
    const base = { name: 'x', validityMode: 'relative', validDays: 7 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, kind: 'cash_off' }, 'body/valueFen'],
      [{ ...base, kind: 'cash_off', valueFen: 100, percentOff: 10 }, 'body/percentOff'],
      [{ ...base, kind: 'cash_off', valueFen: 5000, thresholdFen: 1000 }, 'body/valueFen'],
      [{ ...base, kind: 'percent_off' }, 'body/percentOff'],
      [{ ...base, kind: 'percent_off', percentOff: 10, giftSku: 'A' }, 'body/giftSku'],
      [{ ...base, kind: 'gift', giftSku: 'A' }, 'body/giftName'],
      [{ ...base, kind: 'gift', giftSku: 'A', giftName: 'B', valueFen: 5 }, 'body/valueFen'],
      [{ name: 'x', kind: 'cash_off', valueFen: 100, validityMode: 'relative' }, 'body/validDays'],
      [{ name: 'x', kind: 'cash_off', valueFen: 100, validityMode: 'fixed', validFrom: now().toISOString() }, 'body/validUntil'],
      [{ name: 'x', kind: 'cash_off', valueFen: 100, validityMode: 'fixed', validFrom: new Date(now().getTime() + DAY).toISOString(), validUntil: new Date(now().getTime() + DAY).toISOString() }, 'body/validUntil'],
      [{ name: 'x', kind: 'cash_off', valueFen: 100, validityMode: 'fixed', validFrom: new Date(now().getTime() - 9 * DAY).toISOString(), validUntil: new Date(now().getTime() - DAY).toISOString() }, 'body/validUntil'],
      [{ name: 'x', kind: 'cash_off', valueFen: 100, validityMode: 'fixed', validDays: 3, validFrom: now().toISOString(), validUntil: new Date(now().getTime() + DAY).toISOString() }, 'body/validDays'],
      [{ ...base, kind: 'cash_off', valueFen: 100, validFrom: now().toISOString() }, 'body/validFrom'],
      [{ ...base, kind: 'cash_off', valueFen: 100, storeIds: [other.storeIds[0]] }, 'body/storeIds/0'],
      [{ ...base, kind: 'percent_off', percentOff: 100 }, '/percentOff'],
    ];
    for (const [payload, path] of cases) {
      const response = await server.call({ method: 'POST', url: '/coupon-templates', token: operator, payload });
      expect({ payload, status: response.status, code: response.body.code }).toEqual({ payload, status: 400, code: 'VALIDATION_FAILED' });
      expect({ payload, paths: response.body.details.map((d: { path: string }) => d.path) }).toEqual({ payload, paths: expect.arrayContaining([expect.stringContaining(path)]) });
    }
  });

  it('keeps templates to operators and admins of their brand', async () => {
    const template = await createTemplate(server, operator);
    expect((await server.call({ method: 'POST', url: '/coupon-templates', token: clerk, payload: { name: 'x', kind: 'gift', giftSku: 'a', giftName: 'b', validityMode: 'relative', validDays: 1 } })).status).toBe(403);
    expect((await server.call({ method: 'GET', url: `/coupon-templates/${template.id}`, token: clerk })).status).toBe(403);
    const foreign = await server.call({ method: 'GET', url: `/coupon-templates/${template.id}`, token: otherOperator });
    expect(foreign).toMatchObject({ status: 404, body: { code: 'COUPON_TEMPLATE_NOT_FOUND' } });
    const foreignPatch = await server.call({ method: 'PATCH', url: `/coupon-templates/${template.id}`, token: otherOperator, payload: { status: 'paused' } });
    expect(foreignPatch.status).toBe(404);
    const list = await server.call<CouponTemplate[]>({ method: 'GET', url: '/coupon-templates', token: otherOperator });
    expect(list.body).toEqual([]);
  });

  it('updates within what was issued and spent, audits, and never reopens an ended template', async () => {
    const template = await createTemplate(server, operator, { totalQuantity: 10, perMemberLimit: 3 });
    const [m] = await insertMembers(server, brand.brandId, 1);
    for (let i = 0; i < 3; i++) expect((await server.call({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: m!.token })).status).toBe(201);

    const below = await server.call({ method: 'PATCH', url: `/coupon-templates/${template.id}`, token: operator, payload: { totalQuantity: 2 } });
    expect(below).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ path: 'body/totalQuantity' }] } });
    const ok = await server.call<CouponTemplate>({
      method: 'PATCH',
      url: `/coupon-templates/${template.id}`,
      token: operator,
      payload: { totalQuantity: 3, name: '新名字', description: '说明', claimable: false, storeIds: [brand.storeIds[1]], perMemberLimit: 5, budgetFen: 10_000 },
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ totalQuantity: 3, issuedCount: 3, name: '新名字', description: '说明', claimable: false, storeIds: [brand.storeIds[1]], perMemberLimit: 5, budgetFen: 10_000 });
    const badStore = await server.call({ method: 'PATCH', url: `/coupon-templates/${template.id}`, token: operator, payload: { storeIds: [other.storeIds[1]] } });
    expect(badStore).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ path: 'body/storeIds/0' }] } });
    const unlimited = await server.call<CouponTemplate>({ method: 'PATCH', url: `/coupon-templates/${template.id}`, token: operator, payload: { totalQuantity: null, budgetFen: null, storeIds: null } });
    expect(unlimited.body).toMatchObject({ totalQuantity: null, budgetFen: null, storeIds: null });

    expect((await server.call({ method: 'PATCH', url: `/coupon-templates/${template.id}`, token: operator, payload: { status: 'ended' } })).body.status).toBe('ended');
    const reopen = await server.call({ method: 'PATCH', url: `/coupon-templates/${template.id}`, token: operator, payload: { status: 'active' } });
    expect(reopen).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED', details: [{ path: 'body/status' }] } });

    const audits = await server.database.db.select().from(auditLog).where(and(eq(auditLog.brandId, brand.brandId), eq(auditLog.targetId, template.id)));
    expect(audits.map((a) => a.action).sort()).toEqual(['coupon_template.created', 'coupon_template.updated', 'coupon_template.updated', 'coupon_template.updated']);
  });

  it('refuses a budget below what was spent', async () => {
    const template = await createTemplate(server, operator, { budgetFen: 10_000, thresholdFen: 0, valueFen: 3000 });
    const [m] = await insertMembers(server, brand.brandId, 1);
    const coupon = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: m!.token })).body;
    const used = await server.call({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: coupon.code } });
    expect(used.status).toBe(200);
    const below = await server.call({ method: 'PATCH', url: `/coupon-templates/${template.id}`, token: operator, payload: { budgetFen: 2999 } });
    expect(below).toMatchObject({ status: 400, body: { details: [{ path: 'body/budgetFen' }] } });
    const at = await server.call<CouponTemplate>({ method: 'PATCH', url: `/coupon-templates/${template.id}`, token: operator, payload: { budgetFen: 3000 } });
    expect(at.body).toMatchObject({ budgetFen: 3000, spentFen: 3000, redeemedCount: 1 });
  });
});

describe('claiming and my coupons', () => {
  it('lists claimable templates with what is left and whether I can still claim', async () => {
    const limited = await createTemplate(server, operator, { name: 'limited', totalQuantity: 2, perMemberLimit: 1 });
    const hidden = await createTemplate(server, operator, { name: 'hidden', claimable: false });
    const paused = await createTemplate(server, operator, { name: 'paused', status: 'paused' });
    const forPoints = await createTemplate(server, operator, { name: 'points', pointsPrice: 500 });
    const [a, b, c] = await insertMembers(server, brand.brandId, 3);

    const before = await server.call<ClaimableCoupon[]>({ method: 'GET', url: '/coupons/claimable', token: a!.token });
    const ids = before.body.map((c) => c.template.id);
    expect(ids).toEqual(expect.arrayContaining([limited.id, forPoints.id]));
    expect(ids).not.toContain(hidden.id);
    expect(ids).not.toContain(paused.id);
    expect(before.body.find((c) => c.template.id === limited.id)).toMatchObject({ remainingQuantity: 2, claimedByMe: 0, canClaim: true, reason: null, perMemberLimit: 1 });
    expect(before.body.find((c) => c.template.id === forPoints.id)!.template.pointsPrice).toBe(500);

    expect((await server.call({ method: 'POST', url: `/coupon-templates/${limited.id}/claim`, token: a!.token })).status).toBe(201);
    const mine = (await server.call<ClaimableCoupon[]>({ method: 'GET', url: '/coupons/claimable', token: a!.token })).body.find((c) => c.template.id === limited.id);
    expect(mine).toMatchObject({ remainingQuantity: 1, claimedByMe: 1, canClaim: false, reason: 'COUPON_LIMIT_REACHED' });
    expect((await server.call({ method: 'POST', url: `/coupon-templates/${limited.id}/claim`, token: b!.token })).status).toBe(201);
    const gone = (await server.call<ClaimableCoupon[]>({ method: 'GET', url: '/coupons/claimable', token: c!.token })).body.find((x) => x.template.id === limited.id);
    expect(gone).toMatchObject({ remainingQuantity: 0, claimedByMe: 0, canClaim: false, reason: 'COUPON_OUT_OF_STOCK' });
    const late = await server.call({ method: 'POST', url: `/coupon-templates/${limited.id}/claim`, token: c!.token });
    expect(late).toMatchObject({ status: 409, body: { code: 'COUPON_OUT_OF_STOCK' } });
    // holding one already, the member hears that rather than "sold out"
    const again = await server.call({ method: 'POST', url: `/coupon-templates/${limited.id}/claim`, token: b!.token });
    expect(again).toMatchObject({ status: 409, body: { code: 'COUPON_LIMIT_REACHED' } });

    for (const template of [hidden, paused, forPoints]) {
      const refused = await server.call({ method: 'POST', url: `/coupon-templates/${template.id}/claim`, token: a!.token });
      expect(refused).toMatchObject({ status: 409, body: { code: 'COUPON_NOT_CLAIMABLE' } });
    }
    const unknown = await server.call({ method: 'POST', url: '/coupon-templates/cpt_01JAAAAAAAAAAAAAAAAAAAAAAA/claim', token: a!.token });
    expect(unknown).toMatchObject({ status: 404, body: { code: 'COUPON_TEMPLATE_NOT_FOUND' } });
  });

  it('computes validity from the template: relative from the claim, cut at validUntil; fixed as set', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const cut = await createTemplate(server, operator, { validDays: 30, validUntil: new Date(now().getTime() + 10 * DAY).toISOString() });
    const plain = await createTemplate(server, operator, { validDays: 3 });
    const fixedFrom = new Date(now().getTime() + DAY);
    const fixed = await createTemplate(server, operator, { validityMode: 'fixed', validDays: undefined, validFrom: fixedFrom.toISOString(), validUntil: new Date(now().getTime() + 5 * DAY).toISOString() });

    const c1 = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${cut.id}/claim`, token: m!.token })).body;
    expect(c1).toMatchObject({ validFrom: now().toISOString(), validUntil: new Date(now().getTime() + 10 * DAY).toISOString(), status: 'available', issuedVia: 'claim' });
    expect(c1.code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{16}$/);
    const c2 = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${plain.id}/claim`, token: m!.token })).body;
    expect(c2.validUntil).toBe(new Date(now().getTime() + 3 * DAY).toISOString());
    const c3 = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${fixed.id}/claim`, token: m!.token })).body;
    expect(c3).toMatchObject({ validFrom: fixedFrom.toISOString(), validUntil: new Date(now().getTime() + 5 * DAY).toISOString() });

    // once a fixed template's window has passed, nothing more is issued from it
    server.clock.advance(6 * DAY);
    try {
      const [late] = await insertMembers(server, brand.brandId, 1);
      const refused = await server.call({ method: 'POST', url: `/coupon-templates/${fixed.id}/claim`, token: late!.token });
      expect(refused).toMatchObject({ status: 409, body: { code: 'COUPON_NOT_CLAIMABLE' } });
      const claimable = await server.call<ClaimableCoupon[]>({ method: 'GET', url: '/coupons/claimable', token: late!.token });
      expect(claimable.body.map((c) => c.template.id)).not.toContain(fixed.id);
    } finally {
      server.clock.advance(-6 * DAY);
    }
  });

  it('lists my coupons by status (past validity counts as expired) and shows one with its code; never another member’s', async () => {
    const [me, someoneElse] = await insertMembers(server, brand.brandId, 2);
    const short = await createTemplate(server, operator, { validDays: 1, perMemberLimit: 2, thresholdFen: 0 });
    const long = await createTemplate(server, operator, { validDays: 30, thresholdFen: 0 });
    const a = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${short.id}/claim`, token: me!.token })).body;
    const b = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${long.id}/claim`, token: me!.token })).body;
    const c = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${long.id}/claim`, token: someoneElse!.token })).body;
    const used = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${short.id}/claim`, token: me!.token })).body;
    expect((await server.call({ method: 'POST', url: '/coupons/redeem', token: clerk, payload: { code: used.code } })).status).toBe(200);

    const list = async (status?: string) =>
      (await server.call<CouponPage>({ method: 'GET', url: `/members/me/coupons${status ? `?status=${status}` : ''}`, token: me!.token })).body;
    expect((await list()).items.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
    expect((await list('used')).items.map((x) => x.id)).toEqual([used.id]);
    expect((await list('expired')).total).toBe(0);

    server.clock.advance(2 * DAY);
    try {
      expect((await list('available')).items.map((x) => x.id)).toEqual([b.id]);
      const expired = await list('expired');
      expect(expired.items.map((x) => x.id)).toEqual([a.id]);
      expect(expired.items[0]!.status).toBe('expired');
    } finally {
      server.clock.advance(-2 * DAY);
    }

    const detail = await server.call<Coupon>({ method: 'GET', url: `/members/me/coupons/${b.id}`, token: me!.token });
    expect(detail.status).toBe(200);
    expect(detail.body.code).toBe(b.code);
    expect(detail.body.template).toMatchObject({ id: long.id, kind: 'cash_off' });
    const theirs = await server.call({ method: 'GET', url: `/members/me/coupons/${c.id}`, token: me!.token });
    expect(theirs).toMatchObject({ status: 404, body: { code: 'COUPON_NOT_FOUND' } });
    expect((await list('used')).items.map((x) => x.id)).not.toContain(c.id);
  });

  it('shows a clerk the coupons usable now at their stores, an operator any status', async () => {
    const [m] = await insertMembers(server, brand.brandId, 1);
    const here = await createTemplate(server, operator, { storeIds: [brand.storeIds[0]] });
    const there = await createTemplate(server, operator, { storeIds: [brand.storeIds[1]] });
    const later = await createTemplate(server, operator, {
      validityMode: 'fixed',
      validDays: undefined,
      validFrom: new Date(now().getTime() + DAY).toISOString(),
      validUntil: new Date(now().getTime() + 2 * DAY).toISOString(),
    });
    const ch = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${here.id}/claim`, token: m!.token })).body;
    const ct = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${there.id}/claim`, token: m!.token })).body;
    const cl = (await server.call<Coupon>({ method: 'POST', url: `/coupon-templates/${later.id}/claim`, token: m!.token })).body;

    const forClerk = await server.call<CouponPage>({ method: 'GET', url: `/members/${m!.id}/coupons?status=all`, token: clerk });
    expect(forClerk.body.items.map((x) => x.id)).toEqual([ch.id]);
    const forOperator = await server.call<CouponPage>({ method: 'GET', url: `/members/${m!.id}/coupons?status=all`, token: operator });
    expect(forOperator.body.items.map((x) => x.id).sort()).toEqual([ch.id, ct.id, cl.id].sort());
    const usable = await server.call<CouponPage>({ method: 'GET', url: `/members/${m!.id}/coupons`, token: operator });
    expect(usable.body.items.map((x) => x.id).sort()).toEqual([ch.id, ct.id].sort());

    const foreign = await server.call({ method: 'GET', url: `/members/${m!.id}/coupons`, token: otherOperator });
    expect(foreign).toMatchObject({ status: 404, body: { code: 'MEMBER_NOT_FOUND' } });
  });
});

describe('grants', () => {
  it('gives one coupon per member, reports failures per member, audits, and repeats by key', async () => {
    const template = await createTemplate(server, operator, { totalQuantity: 3, claimable: false });
    const people = await insertMembers(server, brand.brandId, 4);
    const [disabled] = await insertMembers(server, brand.brandId, 1);
    await server.database.db.update(members).set({ status: 'disabled' }).where(eq(members.id, disabled!.id));
    const [foreigner] = await insertMembers(server, other.brandId, 1);
    // someone already holding one (limit 1) fails with COUPON_LIMIT_REACHED without using up stock
    const [holder] = await insertMembers(server, brand.brandId, 1);
    const first = await server.call<GrantCouponsResult>({ method: 'POST', url: `/coupon-templates/${template.id}/grants`, token: operator, payload: { memberIds: [holder!.id] } });
    expect(first.body).toMatchObject({ issued: 1, failed: 0 });

    const memberIds = [holder!.id, people[0]!.id, disabled!.id, foreigner!.id, people[1]!.id, people[2]!.id, people[3]!.id];
    const grant = () =>
      server.call<GrantCouponsResult>({ method: 'POST', url: `/coupon-templates/${template.id}/grants`, token: operator, payload: { memberIds }, headers: { 'idempotency-key': 'grant-1' } });
    const response = await grant();
    expect(response.status).toBe(200);
    expect(response.body.results.map((r) => [r.memberId, r.error])).toEqual([
      [holder!.id, 'COUPON_LIMIT_REACHED'],
      [people[0]!.id, null],
      [disabled!.id, 'MEMBER_DISABLED'],
      [foreigner!.id, 'MEMBER_NOT_FOUND'],
      [people[1]!.id, null],
      [people[2]!.id, 'COUPON_OUT_OF_STOCK'],
      [people[3]!.id, 'COUPON_OUT_OF_STOCK'],
    ]);
    expect(response.body).toMatchObject({ issued: 2, failed: 5 });
    expect(response.body.results.filter((r) => r.couponId).length).toBe(2);
    const again = await grant();
    expect(again.body).toEqual(response.body);

    const after = await server.call<CouponTemplate>({ method: 'GET', url: `/coupon-templates/${template.id}`, token: operator });
    expect(after.body.issuedCount).toBe(3);
    const granted = await server.call<CouponPage>({ method: 'GET', url: `/members/${people[0]!.id}/coupons?status=all`, token: operator });
    expect(granted.body.items[0]).toMatchObject({ issuedVia: 'grant', templateId: template.id });
    const audits = await server.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, template.id), eq(auditLog.action, 'coupon_template.granted')));
    expect(audits).toHaveLength(2);
    expect(audits.find((a) => (a.data as { requested: number }).requested === 7)?.data).toMatchObject({ issued: 2 });

    expect((await server.call({ method: 'POST', url: `/coupon-templates/${template.id}/grants`, token: clerk, payload: { memberIds } })).status).toBe(403);
    const tooMany = await server.call({ method: 'POST', url: `/coupon-templates/${template.id}/grants`, token: operator, payload: { memberIds: [] } });
    expect(tooMany.status).toBe(400);
  });
});
