import { and, eq, sql } from 'drizzle-orm';
import { auditLog } from '../src/modules/audit/audit.tables';
import { pointEntries } from '../src/modules/points/points.tables';
import { startTestServer, type BrandFixture, type TestServer } from './harness';
import { inTx, ledgerState, steps, system } from './points-fixtures';

let server: TestServer;
let brand: BrandFixture;
let other: BrandFixture;
let tokens: { admin: string; operator: string; clerk: string; otherOperator: string };

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('pts');
  other = await server.createBrand('pts-other');
  tokens = {
    admin: await server.staffToken('pts', 'admin'),
    operator: await server.staffToken('pts', 'operator'),
    clerk: await server.staffToken('pts', 'clerk'),
    otherOperator: await server.staffToken('pts-other', 'operator'),
  };
});
afterAll(() => server.close());

const T0 = new Date('2026-11-24T08:00:00Z');
let users = 0;
async function join() {
  const joined = await server.joinMember({ user: `points-user-${++users}`, brandCode: 'pts' });
  return { id: joined.member.id, token: joined.token };
}

async function earn(memberId: string, amount: number, expiresAt: Date | null = null, lockedUntil: Date | null = null) {
  return inTx(server, (tx) =>
    steps(server).earn(tx, { brandId: brand.brandId, memberId, amount, reason: 'Purchase', sourceType: 'order', sourceId: `o-${memberId}-${amount}-${Math.random()}`, actor: system, at: server.clock.now(), expiresAt, lockedUntil }),
  );
}

describe('a member’s own points', () => {
  beforeEach(() => server.clock.set(T0));

  it('starts empty, then shows balance, available, locked, expiring soon and history', async () => {
    const me = await join();
    const empty = await server.call({ method: 'GET', url: '/members/me/points', token: me.token });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ balance: 0, available: 0, locked: 0, expiringSoon: { points: 0, firstExpiresAt: null }, debt: 0 });

    const soon = new Date('2026-12-10T16:00:00Z');
    await earn(me.id, 30, soon);
    await earn(me.id, 70, null, new Date('2026-12-01T08:00:00Z'));
    await earn(me.id, 11, new Date('2027-06-01T16:00:00Z'));
    const summary = await server.call({ method: 'GET', url: '/members/me/points', token: me.token });
    expect(summary.body).toEqual({ balance: 111, available: 41, locked: 70, expiringSoon: { points: 30, firstExpiresAt: soon.toISOString() }, debt: 0 });

    const page = await server.call({ method: 'GET', url: '/members/me/points/entries?limit=2', token: me.token });
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items).toHaveLength(2);
    expect(page.body.items[0]).toMatchObject({ type: 'earn', amount: 11, balanceAfter: 111, reason: 'Purchase', sourceType: 'order', createdAt: T0.toISOString() });
    const rest = await server.call({ method: 'GET', url: '/members/me/points/entries?limit=2&offset=2', token: me.token });
    expect(rest.body.items.map((e: { amount: number }) => e.amount)).toEqual([30]);

    const expiring = await server.call({ method: 'GET', url: '/members/me/points/expiring', token: me.token });
    expect(expiring.body).toEqual({ days: 30, total: 30, items: [{ date: '2026-12-10', expiresAt: soon.toISOString(), points: 30 }] });
    const later = await server.call({ method: 'GET', url: '/members/me/points/expiring?days=366', token: me.token });
    expect(later.body.total).toBe(41);
    expect(later.body.items.map((i: { date: string }) => i.date)).toEqual(['2026-12-10', '2027-06-01']);
  });

  it('checks in once per business day in Asia/Shanghai', async () => {
    const me = await join();
    server.clock.set('2026-11-24T15:30:00Z'); // 23:30 in Shanghai
    const first = await server.call({ method: 'POST', url: '/members/me/checkins', token: me.token });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ points: 5, balance: 5, businessDate: '2026-11-24' });
    const second = await server.call({ method: 'POST', url: '/members/me/checkins', token: me.token });
    expect(second.status).toBe(409);
    expect(second.body.code).toBe('ALREADY_CHECKED_IN');

    server.clock.set('2026-11-24T16:00:00Z'); // midnight in Shanghai: a new day, still the 24th in UTC
    const next = await server.call({ method: 'POST', url: '/members/me/checkins', token: me.token });
    expect(next.body).toEqual({ points: 5, balance: 10, businessDate: '2026-11-25' });
  });

  it('gives one check-in among parallel attempts', async () => {
    const me = await join();
    const results = await Promise.all(Array.from({ length: 10 }, () => server.call({ method: 'POST', url: '/members/me/checkins', token: me.token })));
    expect(results.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(409)]);
    expect(await ledgerState(server, brand.brandId, me.id)).toMatchObject({ balance: 5, ledger: 5, lots: 5 });
  });

  it('cannot reach another member’s points', async () => {
    const me = await join();
    const them = await join();
    await earn(them.id, 40);
    const direct = await server.call({ method: 'GET', url: `/members/${them.id}/points`, token: me.token });
    expect(direct.status).toBe(403);
    const entries = await server.call({ method: 'GET', url: `/members/${them.id}/points/entries`, token: me.token });
    expect(entries.status).toBe(403);
    const mine = await server.call({ method: 'GET', url: '/members/me/points/entries', token: me.token });
    expect(mine.body).toEqual({ items: [], total: 0 });
  });
});

describe('staff views', () => {
  it('staff of the brand see a member’s points; staff of another brand get 404', async () => {
    const m = await join();
    await earn(m.id, 25);
    const clerkView = await server.call({ method: 'GET', url: `/members/${m.id}/points`, token: tokens.clerk });
    expect(clerkView.status).toBe(200);
    expect(clerkView.body.balance).toBe(25);
    const clerkEntries = await server.call({ method: 'GET', url: `/members/${m.id}/points/entries`, token: tokens.clerk });
    expect(clerkEntries.body.total).toBe(1);

    for (const url of [`/members/${m.id}/points`, `/members/${m.id}/points/entries`]) {
      const foreign = await server.call({ method: 'GET', url, token: tokens.otherOperator });
      expect(foreign.status).toBe(404);
      expect(foreign.body.code).toBe('MEMBER_NOT_FOUND');
    }
    const adjust = await server.call({ method: 'POST', url: `/members/${m.id}/points/adjustments`, token: tokens.otherOperator, payload: { amount: 10, reason: 'goodwill' } });
    expect(adjust.status).toBe(404);
    expect((await ledgerState(server, brand.brandId, m.id)).balance).toBe(25);
  });
});

describe('operator adjustments', () => {
  it('need an operator, a reason and a non-zero integer; are audited; take points soonest-expiring first', async () => {
    const m = await join();
    const url = `/members/${m.id}/points/adjustments`;
    const byClerk = await server.call({ method: 'POST', url, token: tokens.clerk, payload: { amount: 10, reason: 'goodwill' } });
    expect(byClerk.status).toBe(403);
    for (const reason of ['', ' ', 'x', '   y   ']) {
      const noReason = await server.call({ method: 'POST', url, token: tokens.operator, payload: { amount: 10, reason } });
      expect(noReason.status).toBe(400);
      expect(noReason.body.code).toBe('POINTS_ADJUSTMENT_REASON_REQUIRED');
    }
    for (const payload of [{ amount: 10 }, { amount: 0, reason: 'zero' }, { amount: 1.5, reason: 'half' }, { amount: 10, reason: 'x'.repeat(201) }]) {
      const bad = await server.call({ method: 'POST', url, token: tokens.operator, payload });
      expect(bad.status).toBe(400);
    }
    expect((await ledgerState(server, brand.brandId, m.id)).balance).toBe(0);

    const added = await server.call({ method: 'POST', url, token: tokens.operator, payload: { amount: 120, reason: 'Apology for a late delivery' } });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({ amount: 120, balance: 120, debt: 0 });
    const [audit] = await server.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, m.id), eq(auditLog.action, 'points.adjusted')));
    expect(audit).toMatchObject({ actorType: 'staff', actorId: brand.staff.operator, targetType: 'member' });
    expect(audit!.data).toMatchObject({ amount: 120, reason: 'Apology for a late delivery', entryId: added.body.entryId });

    await earn(m.id, 30, new Date('2026-12-01T16:00:00Z'));
    const tooMuch = await server.call({ method: 'POST', url, token: tokens.admin, payload: { amount: -151, reason: 'Correction' } });
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.body.code).toBe('POINTS_INSUFFICIENT');
    const taken = await server.call({ method: 'POST', url, token: tokens.admin, payload: { amount: -40, reason: 'Correction' } });
    expect(taken.body).toMatchObject({ amount: -40, balance: 110 });
    const [entry] = await server.database.db.select().from(pointEntries).where(eq(pointEntries.id, taken.body.entryId));
    expect(entry).toMatchObject({ type: 'adjust', amount: -40, balanceAfter: 110, reason: 'Correction', sourceType: 'operator', actorType: 'staff', actorId: brand.staff.admin });
    // the 30 expiring on 1 December went first
    const summary = await server.call({ method: 'GET', url: `/members/${m.id}/points`, token: tokens.operator });
    expect(summary.body.expiringSoon.points).toBe(0);
    const audits = await server.database.db.select({ n: sql<number>`count(*)::int` }).from(auditLog).where(and(eq(auditLog.targetId, m.id), eq(auditLog.action, 'points.adjusted')));
    expect(audits[0]!.n).toBe(2);
    expect(await ledgerState(server, brand.brandId, m.id)).toMatchObject({ balance: 110, ledger: 110, lots: 110 });
  });

  it('with one Idempotency-Key: 20 parallel requests move points once and answer the same; the key with another body is 422', async () => {
    const m = await join();
    const url = `/members/${m.id}/points/adjustments`;
    const headers = { 'idempotency-key': 'adjust-once-1' };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => server.call({ method: 'POST', url, token: tokens.operator, headers, payload: { amount: 77, reason: 'Store opening gift' } })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(results[0]!.body).toMatchObject({ amount: 77, balance: 77 });

    const reused = await server.call({ method: 'POST', url, token: tokens.operator, headers, payload: { amount: 78, reason: 'Store opening gift' } });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const [{ n }] = (await server.database.db.select({ n: sql<number>`count(*)::int` }).from(pointEntries).where(eq(pointEntries.memberId, m.id))) as [{ n: number }];
    expect(n).toBe(1);
    const audits = await server.database.db.select().from(auditLog).where(and(eq(auditLog.targetId, m.id), eq(auditLog.action, 'points.adjusted')));
    expect(audits).toHaveLength(1);
    expect(await ledgerState(server, brand.brandId, m.id)).toMatchObject({ balance: 77, ledger: 77, lots: 77 });
  });

  it('idempotent check-ins: the same key returns the first answer instead of ALREADY_CHECKED_IN', async () => {
    server.clock.set(T0);
    const me = await join();
    const headers = { 'idempotency-key': 'checkin-2026-11-24' };
    const results = await Promise.all(Array.from({ length: 5 }, () => server.call({ method: 'POST', url: '/members/me/checkins', token: me.token, headers })));
    expect(results.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(new Set(results.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect((await ledgerState(server, brand.brandId, me.id)).balance).toBe(5);
  });
});

describe('rules and multipliers', () => {
  it('operators read the defaults, set rules (audited) and clerks cannot', async () => {
    const rules = await server.call({ method: 'GET', url: '/points/rules', token: tokens.operator });
    expect(rules.body).toEqual({
      earnPoints: 10,
      earnPerFen: 10_000,
      expiryMode: 'rolling_days',
      expiryDays: 365,
      lockDays: 0,
      checkinPoints: 5,
      referralInviterPoints: 100,
      referralInviteePoints: 50,
      isDefault: true,
      updatedAt: null,
    });
    expect((await server.call({ method: 'GET', url: '/points/rules', token: tokens.clerk })).status).toBe(403);
    const next = { earnPoints: 1, earnPerFen: 100, expiryMode: 'year_end', expiryDays: 365, lockDays: 7, checkinPoints: 2, referralInviterPoints: 0, referralInviteePoints: 20 };
    const saved = await server.call({ method: 'PUT', url: '/points/rules', token: tokens.admin, payload: next });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ ...next, isDefault: false });
    for (const bad of [{ ...next, earnPerFen: 0 }, { ...next, expiryDays: 0 }, { ...next, lockDays: -1 }, { ...next, expiryMode: 'sometimes' }, { ...next, extra: 1 }]) {
      expect((await server.call({ method: 'PUT', url: '/points/rules', token: tokens.admin, payload: bad })).status).toBe(400);
    }
    const [audit] = await server.database.db.select().from(auditLog).where(eq(auditLog.action, 'points.rules_updated'));
    expect(audit!.brandId).toBe(brand.brandId);
    // the other brand still has the defaults
    expect((await server.call({ method: 'GET', url: '/points/rules', token: tokens.otherOperator })).body.isDefault).toBe(true);
    expect(await inTx(server, (tx) => steps(server).lockedUntilForPurchase(tx, brand.brandId, T0))).toEqual(new Date('2026-12-01T08:00:00Z'));
  });

  it('validates multipliers, lists them per brand and deletes them', async () => {
    const post = (payload: object, token = tokens.operator) => server.call({ method: 'POST', url: '/points/multipliers', token, payload });
    const bad = [
      { name: 'no dates', kind: 'period', multiplierPermille: 2000 },
      { name: 'backwards', kind: 'period', startsAt: '2026-12-12T00:00:00Z', endsAt: '2026-12-11T00:00:00Z', multiplierPermille: 2000 },
      { name: 'empty', kind: 'period', startsAt: '2026-12-12T00:00:00Z', endsAt: '2026-12-12T00:00:00Z', multiplierPermille: 2000 },
      { name: 'period with target', kind: 'period', target: 'x', startsAt: '2026-12-11T00:00:00Z', endsAt: '2026-12-12T00:00:00Z', multiplierPermille: 2000 },
      { name: 'no target', kind: 'sku', multiplierPermille: 2000 },
      { name: 'blank target', kind: 'category', target: '   ', multiplierPermille: 2000 },
      { name: 'zero', kind: 'sku', target: 'A', multiplierPermille: 0 },
      { name: 'huge', kind: 'sku', target: 'A', multiplierPermille: 100_001 },
      { name: 'bad date', kind: 'period', startsAt: 'tomorrow', endsAt: '2026-12-12T00:00:00Z', multiplierPermille: 2000 },
    ];
    for (const payload of bad) {
      const response = await post(payload);
      expect({ payload, status: response.status, code: response.body.code }).toEqual({ payload, status: 400, code: 'VALIDATION_FAILED' });
    }
    expect((await post({ name: 'clerk', kind: 'sku', target: 'A', multiplierPermille: 2000 }, tokens.clerk)).status).toBe(403);

    const double12 = await post({ name: 'Double 12', kind: 'period', startsAt: '2026-12-12T00:00:00+08:00', endsAt: '2026-12-13T00:00:00+08:00', multiplierPermille: 2000 });
    expect(double12.status).toBe(200);
    expect(double12.body).toMatchObject({ kind: 'period', target: null, startsAt: '2026-12-11T16:00:00.000Z', endsAt: '2026-12-12T16:00:00.000Z', multiplierPermille: 2000 });
    const lipstick = await post({ name: 'Lipstick', kind: 'sku', target: 'LIP-1', multiplierPermille: 1500 });
    expect(lipstick.body.target).toBe('LIP-1');

    const list = await server.call({ method: 'GET', url: '/points/multipliers', token: tokens.admin });
    expect(list.body.items.map((m: { name: string }) => m.name)).toEqual(['Double 12', 'Lipstick']);
    expect((await server.call({ method: 'GET', url: '/points/multipliers', token: tokens.otherOperator })).body.items).toEqual([]);

    const compute = (at: string) =>
      inTx(server, (tx) =>
        steps(server).computeOrderPoints(tx, { brandId: brand.brandId, at: new Date(at), grossFen: 10_000, paidFen: 10_000, items: [{ sku: 'LIP-1', category: null, amountFen: 10_000 }], tierMultiplierPermille: 1000 }),
      );
    // rules from the previous test: 1 point per ¥1
    expect(await compute('2026-12-12T12:00:00+08:00')).toBe(300);
    expect(await compute('2026-12-13T12:00:00+08:00')).toBe(150);

    const foreign = await server.call({ method: 'DELETE', url: `/points/multipliers/${lipstick.body.id}`, token: tokens.otherOperator });
    expect(foreign.status).toBe(404);
    const removed = await server.call({ method: 'DELETE', url: `/points/multipliers/${lipstick.body.id}`, token: tokens.operator });
    expect(removed.body).toEqual({ ok: true });
    expect((await server.call({ method: 'DELETE', url: `/points/multipliers/${lipstick.body.id}`, token: tokens.operator })).status).toBe(404);
    expect(await compute('2026-12-13T12:00:00+08:00')).toBe(100);
    const audits = await server.database.db.select().from(auditLog).where(eq(auditLog.targetType, 'point_multiplier'));
    expect(audits.map((a) => a.action).sort()).toEqual(['points.multiplier_created', 'points.multiplier_created', 'points.multiplier_deleted']);
  });
});
