import { newId } from '@memberloop/shared';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { LADDER, purchase, putLadder } from './tiers-fixtures';

let server: TestServer;
let brand: BrandFixture;
let other: BrandFixture;
let tokens: { operator: string; clerk: string; otherClerk: string; otherOperator: string; alice: string; bob: string };
let alice: string;
let bob: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('acc');
  other = await server.createBrand('acc-other');
  const a = await server.joinMember({ user: 'alice', brandCode: 'acc' });
  const b = await server.joinMember({ user: 'bob', brandCode: 'acc' });
  alice = a.member.id;
  bob = b.member.id;
  tokens = {
    operator: await server.staffToken('acc', 'operator'),
    clerk: await server.staffToken('acc', 'clerk'),
    otherClerk: await server.staffToken('acc-other', 'clerk'),
    otherOperator: await server.staffToken('acc-other', 'operator'),
    alice: a.token,
    bob: b.token,
  };
  await putLadder(server, tokens.operator);
  await putLadder(server, tokens.otherOperator, LADDER.slice(0, 2));
  await purchase(server, { brandId: brand.brandId, memberId: alice, paidFen: 60_000 });
  await server.call({ method: 'PUT', url: `/members/${bob}/tier/manual`, token: tokens.operator, payload: { level: 3, until: new Date(server.clock.now().getTime() + 86_400_000).toISOString(), reason: '测试' } });
});
afterAll(() => server.close());

describe('members', () => {
  it('read their own tier and history', async () => {
    const mine = await server.call({ method: 'GET', url: '/members/me/tier', token: tokens.alice });
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ memberId: alice, level: 2, name: '金卡', effectiveLevel: 2, growthValue: 60_000, nextLevel: { level: 3, remaining: 140_000 } });
    expect(mine.body.ladder).toEqual(LADDER);

    const history = await server.call({ method: 'GET', url: '/members/me/tier/history', token: tokens.alice });
    expect(history.body).toMatchObject({ total: 1, items: [{ fromLevel: 0, toLevel: 2, reason: 'purchase_upgrade' }] });
  });

  it('see that staff changed their tier, not which staff member', async () => {
    const history = await server.call({ method: 'GET', url: '/members/me/tier/history', token: tokens.bob });
    expect(history.body.items).toEqual([expect.objectContaining({ reason: 'manual_set', actor: { type: 'staff', id: null } })]);
    const staffView = await server.call({ method: 'GET', url: `/members/${bob}/tier/history`, token: tokens.operator });
    expect(staffView.body.items[0].actor).toEqual({ type: 'staff', id: brand.staff.operator });
  });

  it('cannot read another member’s tier or touch the ladder', async () => {
    for (const url of [`/members/${bob}/tier`, `/members/${bob}/tier/history`, '/tiers', '/tiers/settings']) {
      const response = await server.call({ method: 'GET', url, token: tokens.alice });
      expect({ url, status: response.status }).toEqual({ url, status: 403 });
    }
    const bobs = await server.call({ method: 'GET', url: '/members/me/tier', token: tokens.bob });
    expect(bobs.body).toMatchObject({ memberId: bob, level: 0, effectiveLevel: 3 });
  });

  it('need a token', async () => {
    for (const url of ['/members/me/tier', `/members/${alice}/tier`, '/tiers']) {
      expect((await server.call({ method: 'GET', url })).status).toBe(401);
    }
  });
});

describe('staff', () => {
  it('a clerk reads members of the brand', async () => {
    const response = await server.call({ method: 'GET', url: `/members/${alice}/tier`, token: tokens.clerk });
    expect(response.status).toBe(200);
    expect(response.body.level).toBe(2);
    expect((await server.call({ method: 'GET', url: `/members/${alice}/tier/history`, token: tokens.clerk })).body.total).toBe(1);
  });

  it('staff of another brand get 404 for the brand’s members, and for unknown ids', async () => {
    for (const [method, url, token, payload] of [
      ['GET', `/members/${alice}/tier`, tokens.otherClerk],
      ['GET', `/members/${alice}/tier/history`, tokens.otherClerk],
      ['GET', `/members/${alice}/tier`, tokens.otherOperator],
      ['PUT', `/members/${alice}/tier/manual`, tokens.otherOperator, { level: 1, until: new Date(server.clock.now().getTime() + 86_400_000).toISOString(), reason: 'x' }],
      ['DELETE', `/members/${bob}/tier/manual?reason=x`, tokens.otherOperator],
      ['GET', `/members/${newId('member')}/tier`, tokens.clerk],
    ] as const) {
      const response = await server.call({ method, url, token, payload });
      expect({ method, url, status: response.status, code: response.body.code }).toEqual({ method, url, status: 404, code: 'MEMBER_NOT_FOUND' });
    }
    // and nothing changed for bob
    expect((await server.call({ method: 'GET', url: `/members/${bob}/tier`, token: tokens.operator })).body.manual.level).toBe(3);
    expect(other.brandId).not.toBe(brand.brandId);
  });

  it('a clerk cannot change tiers, settings or manual levels', async () => {
    const until = new Date(server.clock.now().getTime() + 86_400_000).toISOString();
    for (const [method, url, payload] of [
      ['PUT', '/tiers', { tiers: LADDER }],
      ['PUT', '/tiers/settings', { growthBasis: 'spend', windowDays: 30, downgradePolicy: 'none', graceDays: 0 }],
      ['PUT', `/members/${alice}/tier/manual`, { level: 3, until, reason: 'x' }],
      ['DELETE', `/members/${bob}/tier/manual?reason=x`, undefined],
    ] as const) {
      const response = await server.call({ method, url, token: tokens.clerk, payload });
      expect({ method, url, status: response.status, code: response.body.code }).toEqual({ method, url, status: 403, code: 'FORBIDDEN' });
    }
    expect((await server.call({ method: 'GET', url: `/members/${bob}/tier`, token: tokens.operator })).body.manual.level).toBe(3);
  });
});
