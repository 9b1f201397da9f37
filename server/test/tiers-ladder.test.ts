import { withTransaction } from '../src/db/transaction';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { auditActions, history, LADDER, purchase, putLadder, tierOf } from './tiers-fixtures';

let server: TestServer;
let brand: BrandFixture;
let operator: string;
let admin: string;
let clerk: string;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('ladder');
  operator = await server.staffToken('ladder', 'operator');
  admin = await server.staffToken('ladder', 'admin');
  clerk = await server.staffToken('ladder', 'clerk');
});
afterAll(() => server.close());

describe('a brand without tiers', () => {
  it('has everyone at level 0 with multiplier 1000 and the default settings', async () => {
    const other = await server.createBrand('bare');
    const token = await server.staffToken('bare', 'operator');
    const { member } = await server.joinMember({ user: 'bare-1', brandCode: 'bare' });

    expect((await server.call({ method: 'GET', url: '/tiers', token })).body).toEqual({ tiers: [] });
    expect((await server.call({ method: 'GET', url: '/tiers/settings', token })).body).toEqual({ growthBasis: 'spend', windowDays: 365, downgradePolicy: 'one_level', graceDays: 30 });

    const result = await purchase(server, { brandId: other.brandId, memberId: member.id, paidFen: 1_000_000 });
    expect(result).toMatchObject({ level: 0, upgraded: false });
    const steps = server.app.services.tiers.steps;
    const at = server.clock.now();
    await withTransaction(server.database.db, async (tx) => {
      expect(await steps.pointsMultiplierPermille(tx, other.brandId, member.id, at)).toBe(1000);
      expect(await steps.effectiveLevel(tx, other.brandId, member.id, at)).toBe(0);
    });

    const view = await tierOf(server, token, member.id);
    expect(view).toMatchObject({ level: 0, effectiveLevel: 0, manual: null, growthValue: 1_000_000, basis: 'spend', nextLevel: null, graceUntil: null, ladder: [] });
    expect(view.benefits).toEqual({ pointsMultiplierPermille: 1000, discountPercent: 0, birthdayCouponTemplateId: null, freeShipping: false });
  });
});

describe('PUT /tiers', () => {
  it('replaces the ladder, returns it ordered by level, and is audited', async () => {
    const shuffled = [LADDER[2]!, LADDER[0]!, LADDER[3]!, LADDER[1]!];
    const saved = await putLadder(server, operator, shuffled);
    expect(saved).toEqual({ tiers: LADDER });
    expect((await server.call({ method: 'GET', url: '/tiers', token: admin })).body).toEqual({ tiers: LADDER });
    // the birthday template is stored as given: the coupons module checks it where it is used
    expect(saved.tiers[2].benefits.birthdayCouponTemplateId).toBe('tpl_birthday_gold');
    expect(await auditActions(server, brand.brandId)).toContain('tiers.replaced');
  });

  it.each([
    ['a gap in the levels', [{ ...LADDER[0]!, level: 0 }, { ...LADDER[2]!, level: 2 }]],
    ['a repeated level', [LADDER[0]!, LADDER[1]!, { ...LADDER[2]!, level: 1 }]],
    ['no level 0', [{ ...LADDER[1]!, level: 1 }, { ...LADDER[2]!, level: 2 }]],
    ['level 0 above threshold 0', [{ ...LADDER[0]!, threshold: 1 }, LADDER[1]!]],
    ['thresholds falling', [LADDER[0]!, { ...LADDER[1]!, threshold: 60_000 }, LADDER[2]!]],
    ['two equal thresholds', [LADDER[0]!, LADDER[1]!, { ...LADDER[2]!, threshold: LADDER[1]!.threshold }]],
  ])('refuses %s with TIER_THRESHOLDS_INVALID and keeps the old ladder', async (_what, tiers) => {
    const response = await server.call({ method: 'PUT', url: '/tiers', token: operator, payload: { tiers } });
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('TIER_THRESHOLDS_INVALID');
    expect((await server.call({ method: 'GET', url: '/tiers', token: operator })).body).toEqual({ tiers: LADDER });
  });

  it('refuses an empty ladder and out-of-range benefits as invalid input', async () => {
    for (const tiers of [[], [{ ...LADDER[0]!, benefits: { ...LADDER[0]!.benefits, discountPercent: 101 } }], [{ ...LADDER[0]!, benefits: { ...LADDER[0]!.benefits, pointsMultiplierPermille: 0 } }]]) {
      const response = await server.call({ method: 'PUT', url: '/tiers', token: operator, payload: { tiers } });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
  });

  it('keeps members on their level by number when the ladder changes, and brings them down to the top of a shorter one', async () => {
    await putLadder(server, operator);
    const { member: high } = await server.joinMember({ user: 'ladder-high', brandCode: 'ladder' });
    const { member: mid } = await server.joinMember({ user: 'ladder-mid', brandCode: 'ladder' });
    await purchase(server, { brandId: brand.brandId, memberId: high.id, paidFen: 250_000 });
    await purchase(server, { brandId: brand.brandId, memberId: mid.id, paidFen: 60_000 });
    expect((await tierOf(server, operator, high.id)).level).toBe(3);
    expect((await tierOf(server, operator, mid.id)).level).toBe(2);

    // renamed and re-priced levels: members keep level numbers
    const renamed = LADDER.map((tier) => ({ ...tier, name: `${tier.name}·新`, threshold: tier.threshold * 2 }));
    await putLadder(server, operator, renamed);
    const midView = await tierOf(server, operator, mid.id);
    expect(midView).toMatchObject({ level: 2, name: '金卡·新', benefits: renamed[2]!.benefits });

    // a shorter ladder: level 3 is gone, its member comes down to 2 with a history row
    await putLadder(server, operator, renamed.slice(0, 3));
    expect((await tierOf(server, operator, high.id)).level).toBe(2);
    expect((await tierOf(server, operator, mid.id)).level).toBe(2);
    const rows = await history(server, operator, high.id);
    expect(rows.map((row) => [row.fromLevel, row.toLevel, row.reason])).toEqual([
      [0, 3, 'purchase_upgrade'],
      [3, 2, 'ladder_changed'],
    ]);
    expect(rows[1]!.actor.type).toBe('staff');
    await putLadder(server, operator);
  });

  it('is for operators and admins only', async () => {
    for (const request of [
      { method: 'GET' as const, url: '/tiers' },
      { method: 'PUT' as const, url: '/tiers', payload: { tiers: LADDER } },
      { method: 'GET' as const, url: '/tiers/settings' },
      { method: 'PUT' as const, url: '/tiers/settings', payload: { growthBasis: 'spend', windowDays: 30, downgradePolicy: 'none', graceDays: 0 } },
    ]) {
      const response = await server.call({ ...request, token: clerk });
      expect({ url: request.url, method: request.method, status: response.status, code: response.body.code }).toEqual({ url: request.url, method: request.method, status: 403, code: 'FORBIDDEN' });
    }
    expect((await server.call({ method: 'GET', url: '/tiers/settings', token: admin })).body.downgradePolicy).toBe('one_level');
  });
});

describe('PUT /tiers/settings', () => {
  it('stores the settings, audits the change, and refuses values out of range', async () => {
    const payload = { growthBasis: 'points', windowDays: 180, downgradePolicy: 'to_supported', graceDays: 0 };
    const saved = await server.call({ method: 'PUT', url: '/tiers/settings', token: operator, payload });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual(payload);
    expect((await server.call({ method: 'GET', url: '/tiers/settings', token: admin })).body).toEqual(payload);
    expect(await auditActions(server, brand.brandId)).toContain('tier_settings.updated');

    for (const bad of [{ ...payload, windowDays: 0 }, { ...payload, graceDays: -1 }, { ...payload, growthBasis: 'visits' }, { ...payload, downgradePolicy: 'all' }, { growthBasis: 'spend' }]) {
      const response = await server.call({ method: 'PUT', url: '/tiers/settings', token: operator, payload: bad });
      expect(response.status).toBe(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    await server.call({ method: 'PUT', url: '/tiers/settings', token: operator, payload: { growthBasis: 'spend', windowDays: 365, downgradePolicy: 'one_level', graceDays: 30 } });
  });
});
