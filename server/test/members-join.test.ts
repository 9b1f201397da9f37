import { sql } from 'drizzle-orm';
import { newId } from '@memberloop/shared';
import { memberIdentities, members } from '../src/modules/members/members.tables';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('tea');
});
afterAll(() => server.close());

async function sceneFor(token: string, body: Record<string, unknown>) {
  const { status, body: result } = await server.call({ method: 'POST', url: '/join-scenes', token, payload: body });
  expect(status).toBe(200);
  return result.joinScene as { scene: string; type: string; storeId: string | null; staffId: string | null; campaignId: string | null };
}

describe('members join through WeChat login', () => {
  it('creates a member on first login and finds the same member on the next', async () => {
    const first = await server.joinMember({ user: 'alice', brandCode: 'tea' });
    expect(first.isNew).toBe(true);
    expect(first.member.brandId).toBe(brand.brandId);
    expect(first.member.joinSource).toEqual({ type: null, storeId: null, staffId: null, campaignId: null });
    expect(first.member.marketingConsent).toEqual({ granted: false, changedAt: null });
    expect(first.token.split('.')).toHaveLength(3);

    const again = await server.joinMember({ user: 'alice', brandCode: 'tea' });
    expect(again.isNew).toBe(false);
    expect(again.member.id).toBe(first.member.id);

    const me = await server.call({ method: 'GET', url: '/members/me', token: again.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(first.member.id);
    // the session key and openid stay on the server
    expect(JSON.stringify(me.body)).not.toMatch(/session|openid/i);
    expect(JSON.stringify(first)).not.toContain(server.fake.openidFor('alice'));
  });

  it('signs in without joining when asked to: a non-member gets MEMBER_NOT_FOUND and nothing is created', async () => {
    const count = async () => (await server.database.db.select({ n: sql<number>`count(*)::int` }).from(members))[0]!.n;
    const before = await count();
    const { code } = server.fake.mintLoginCode({ user: 'browsing-only' });
    const signIn = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code, brandCode: 'tea', join: false } });
    expect(signIn.status).toBe(404);
    expect(signIn.body.code).toBe('MEMBER_NOT_FOUND');
    expect(await count()).toBe(before);

    const joined = await server.joinMember({ user: 'browsing-only', brandCode: 'tea' });
    const again = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code: server.fake.mintLoginCode({ user: 'browsing-only' }).code, brandCode: 'tea', join: false } });
    expect(again.status).toBe(200);
    expect(again.body.member.id).toBe(joined.member.id);
  });

  it('records the store, clerk or campaign whose code was scanned', async () => {
    const operator = await server.staffToken('tea', 'operator');
    const storeScene = await sceneFor(operator, { type: 'store', storeId: brand.storeIds[1] });
    const clerkScene = await sceneFor(operator, { type: 'clerk', staffId: brand.staff.clerk });
    const campaignScene = await sceneFor(operator, { type: 'campaign', campaignId: 'spring-2027', storeId: brand.storeIds[0] });
    expect(storeScene.scene.length).toBeLessThanOrEqual(32);

    const byStore = await server.joinMember({ user: 'bob', scene: storeScene.scene });
    expect(byStore.member.joinSource).toEqual({ type: 'store', storeId: brand.storeIds[1], staffId: null, campaignId: null });
    const byClerk = await server.joinMember({ user: 'carol', scene: clerkScene.scene });
    expect(byClerk.member.joinSource).toEqual({ type: 'clerk', storeId: brand.storeIds[0], staffId: brand.staff.clerk, campaignId: null });
    const byCampaign = await server.joinMember({ user: 'dave', scene: campaignScene.scene });
    expect(byCampaign.member.joinSource).toEqual({ type: 'campaign', storeId: brand.storeIds[0], staffId: null, campaignId: 'spring-2027' });

    // a returning member keeps the scene they first joined with
    const bobAgain = await server.joinMember({ user: 'bob', scene: clerkScene.scene });
    expect(bobAgain.isNew).toBe(false);
    expect(bobAgain.member.joinSource.type).toBe('store');
  });

  it('asking for the same target again gives the same scene', async () => {
    const operator = await server.staffToken('tea', 'operator');
    const first = await sceneFor(operator, { type: 'store', storeId: brand.storeIds[0] });
    const second = await sceneFor(operator, { type: 'store', storeId: brand.storeIds[0] });
    expect(second.scene).toBe(first.scene);
  });

  it('refuses an invalid, reused or missing login code with WECHAT_CODE_INVALID', async () => {
    const invalid = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code: 'not-a-real-code', brandCode: 'tea' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.code).toBe('WECHAT_CODE_INVALID');

    const { code } = server.fake.mintLoginCode({ user: 'erin' });
    const used = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code, brandCode: 'tea' } });
    expect(used.status).toBe(200);
    const reused = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code, brandCode: 'tea' } });
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('WECHAT_CODE_INVALID');

    const empty = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code: '', brandCode: 'tea' } });
    expect(empty.status).toBe(400);
    expect(empty.body.code).toBe('VALIDATION_FAILED');
  });

  it('maps WeChat being busy or rate limiting to clear errors and creates nobody', async () => {
    const before = await server.database.db.select({ n: sql<number>`count(*)::int` }).from(members);
    server.fake.injectFault({ path: '/sns/jscode2session', errcode: -1 });
    const { code } = server.fake.mintLoginCode({ user: 'frank' });
    const busy = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code, brandCode: 'tea' } });
    expect(busy.status).toBe(503);
    expect(busy.body).toEqual({ code: 'WECHAT_UNAVAILABLE', message: expect.any(String) });

    server.fake.injectFault({ path: '/sns/jscode2session', errcode: 45011 });
    const limited = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code, brandCode: 'tea' } });
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('WECHAT_RATE_LIMITED');

    server.fake.injectFault({ path: '/sns/jscode2session', httpStatus: 502 });
    const broken = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code, brandCode: 'tea' } });
    expect(broken.status).toBe(503);

    const after = await server.database.db.select({ n: sql<number>`count(*)::int` }).from(members);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('needs a known brand or scene', async () => {
    const { code } = server.fake.mintLoginCode({ user: 'gina' });
    const noBrand = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code } });
    expect(noBrand.status).toBe(400);
    expect(noBrand.body.code).toBe('VALIDATION_FAILED');
    const unknownBrand = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code, brandCode: 'nope' } });
    expect(unknownBrand.body.code).toBe('BRAND_NOT_FOUND');
    const unknownScene = await server.call({ method: 'POST', url: '/auth/member/login', payload: { code, scene: 'ZZZZZZZZZZ' } });
    expect(unknownScene.status).toBe(404);
    expect(unknownScene.body.code).toBe('JOIN_SCENE_NOT_FOUND');
  });

  it('creates one member when the same new shopper logs in many times at once', async () => {
    const codes = Array.from({ length: 10 }, () => server.fake.mintLoginCode({ user: 'helen' }).code);
    const results = await Promise.all(codes.map((code) => server.call({ method: 'POST', url: '/auth/member/login', payload: { code, brandCode: 'tea' } })));
    expect(results.map((result) => result.status)).toEqual(Array(10).fill(200));
    expect(new Set(results.map((result) => result.body.member.id)).size).toBe(1);
    expect(results.filter((result) => result.body.isNew)).toHaveLength(1);
  });

  it('recognises a member by unionid when they arrive through another of the brand’s apps', async () => {
    const existing = await server.joinMember({ user: 'ivan', brandCode: 'tea' });
    // move ivan's identity to another app id, as if he had joined through the brand's other mini-program
    await server.database.db.update(memberIdentities).set({ appId: 'wx00000000000000ff', openid: 'o-other-app-openid' }).where(sql`${memberIdentities.memberId} = ${existing.member.id}`);
    const again = await server.joinMember({ user: 'ivan', brandCode: 'tea' });
    expect(again.isNew).toBe(false);
    expect(again.member.id).toBe(existing.member.id);
    const identities = await server.database.db.select().from(memberIdentities).where(sql`${memberIdentities.memberId} = ${existing.member.id}`);
    expect(identities).toHaveLength(2);
  });

  it('keeps brands apart: the same WeChat user is a different member in another brand', async () => {
    await server.createBrand('coffee');
    const inTea = await server.joinMember({ user: 'judy', brandCode: 'tea' });
    const inCoffee = await server.joinMember({ user: 'judy', brandCode: 'coffee' });
    expect(inCoffee.member.id).not.toBe(inTea.member.id);
    expect(inCoffee.isNew).toBe(true);
  });

  it('rejects tokens that are forged, expired, or of a member who no longer exists', async () => {
    const forged = await server.call({ method: 'GET', url: '/members/me', token: 'a.b.c' });
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe('TOKEN_INVALID');
    const none = await server.call({ method: 'GET', url: '/members/me' });
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const ghost = server.app.jwt.sign({ kind: 'member', sub: newId('member'), brandId: brand.brandId });
    expect((await server.call({ method: 'GET', url: '/members/me', token: ghost })).body.code).toBe('TOKEN_INVALID');
    const expired = server.app.jwt.sign({ kind: 'member', sub: newId('member'), brandId: brand.brandId }, { expiresIn: -10 });
    expect((await server.call({ method: 'GET', url: '/members/me', token: expired })).body.code).toBe('TOKEN_INVALID');
    const staffToken = await server.staffToken('tea', 'clerk');
    const wrongKind = await server.call({ method: 'GET', url: '/members/me', token: staffToken });
    expect(wrongKind.status).toBe(403);
    expect(wrongKind.body.code).toBe('FORBIDDEN');
  });
});
