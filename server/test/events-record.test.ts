import { and, asc, eq } from 'drizzle-orm';
import { withTransaction } from '../src/db/transaction';
import { events } from '../src/modules/events/events.tables';
import { startTestServer, type BrandFixture, type TestServer } from './harness';

let server: TestServer;
let brand: BrandFixture;
let alice: { id: string; token: string };
let staffToken: string;

const T0 = new Date('2026-11-24T08:00:00Z');
const HOUR = 3_600_000;

beforeAll(async () => {
  server = await startTestServer();
  brand = await server.createBrand('evt');
  await server.createBrand('evt-other');
  const joined = await server.joinMember({ user: 'evt-alice', brandCode: 'evt' });
  alice = { id: joined.member.id, token: joined.token };
  staffToken = await server.staffToken('evt', 'operator');
});
afterAll(() => server.close());
beforeEach(() => server.clock.set(T0));

const post = (payload: unknown, token = alice.token, headers: Record<string, string> = {}) => server.call({ method: 'POST', url: '/members/me/events', token, payload: payload as object, headers });

async function stored(memberId: string) {
  return server.database.db.select().from(events).where(and(eq(events.brandId, brand.brandId), eq(events.memberId, memberId))).orderBy(asc(events.occurredAt), asc(events.id));
}

describe('POST /members/me/events', () => {
  it('records a batch for the member, in the member’s brand, with now as the default time', async () => {
    const member = await server.joinMember({ user: 'evt-batch', brandCode: 'evt' });
    const response = await post(
      {
        events: [
          { type: 'view_item', target: 'SKU-1', occurredAt: new Date(T0.getTime() - 2 * HOUR).toISOString(), data: { page: 'detail', ms: 1200 } },
          { type: 'cart_add', target: 'SKU-1' },
          { type: 'search', target: '口红' },
        ],
      },
      member.token,
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ recorded: 3 });
    const rows = await stored(member.member.id);
    expect(rows.map((row) => [row.type, row.target, row.occurredAt.toISOString()])).toEqual([
      ['view_item', 'SKU-1', new Date(T0.getTime() - 2 * HOUR).toISOString()],
      ['cart_add', 'SKU-1', T0.toISOString()],
      ['search', '口红', T0.toISOString()],
    ]);
    expect(rows[0]!.data).toEqual({ page: 'detail', ms: 1200 });
    expect(rows.every((row) => row.id.startsWith('evt_'))).toBe(true);
  });

  it('refuses the whole batch when one event is in the future, too old, of an unknown type or too large', async () => {
    const before = (await stored(alice.id)).length;
    const cases: [unknown, string][] = [
      [{ type: 'view_item', occurredAt: new Date(T0.getTime() + HOUR).toISOString() }, 'body/events/1/occurredAt'],
      [{ type: 'view_item', occurredAt: new Date(T0.getTime() - 8 * 24 * HOUR).toISOString() }, 'body/events/1/occurredAt'],
      [{ type: 'data', data: {} }, 'body/events/1/type'],
      [{ type: 'view_item', data: { blob: 'x'.repeat(3000) } }, 'body/events/1/data'],
    ];
    for (const [bad, path] of cases) {
      const response = await post({ events: [{ type: 'share' }, bad] });
      expect({ path, status: response.status, code: response.body.code }).toEqual({ path, status: 400, code: 'VALIDATION_FAILED' });
      expect(JSON.stringify(response.body.details)).toContain(path.split('/').slice(0, 3).join('/'));
    }
    expect((await stored(alice.id)).length).toBe(before);
  });

  it('takes a device clock a little ahead as now, and events up to 7 days old', async () => {
    const member = await server.joinMember({ user: 'evt-skew', brandCode: 'evt' });
    const response = await post(
      { events: [{ type: 'checkin', occurredAt: new Date(T0.getTime() + 60_000).toISOString() }, { type: 'share', occurredAt: new Date(T0.getTime() - 7 * 24 * HOUR + 60_000).toISOString() }] },
      member.token,
    );
    expect(response.status).toBe(200);
    const rows = await stored(member.member.id);
    expect(rows.map((row) => row.occurredAt.toISOString()).sort()).toEqual([new Date(T0.getTime() - 7 * 24 * HOUR + 60_000).toISOString(), T0.toISOString()]);
  });

  it('limits a batch to 50 events and refuses unknown properties', async () => {
    const many = Array.from({ length: 51 }, () => ({ type: 'view_page' }));
    expect((await post({ events: many })).status).toBe(400);
    expect((await post({ events: [] })).status).toBe(400);
    expect((await post({ events: [{ type: 'view_page', memberId: alice.id }] })).status).toBe(400);
    expect((await post({ events: many.slice(0, 50) })).body).toEqual({ recorded: 50 });
  });

  it('records a retried batch once under the same Idempotency-Key', async () => {
    const member = await server.joinMember({ user: 'evt-retry', brandCode: 'evt' });
    const body = { events: [{ type: 'view_coupon', target: 'cpt_x' }] };
    const first = await post(body, member.token, { 'idempotency-key': 'batch-1' });
    const again = await post(body, member.token, { 'idempotency-key': 'batch-1' });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(again.body).toEqual(first.body);
    expect((await stored(member.member.id)).length).toBe(1);
    const reused = await post({ events: [{ type: 'share' }] }, member.token, { 'idempotency-key': 'batch-1' });
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('is for members only', async () => {
    const response = await post({ events: [{ type: 'view_page' }] }, staffToken);
    expect(response.status).toBe(403);
    expect((await post({ events: [{ type: 'view_page' }] }, '')).status).toBe(401);
  });
});

describe('events.steps.record', () => {
  it('records in the caller’s transaction and rolls back with it', async () => {
    const member = await server.joinMember({ user: 'evt-step', brandCode: 'evt' });
    const step = server.app.services.events.steps;
    const { eventId } = await withTransaction(server.database.db, (tx) => step.record(tx, { brandId: brand.brandId, memberId: member.member.id, type: 'checkin', occurredAt: T0 }));
    expect(eventId).toMatch(/^evt_/);
    await expect(
      withTransaction(server.database.db, async (tx) => {
        await step.record(tx, { brandId: brand.brandId, memberId: member.member.id, type: 'share', occurredAt: T0 });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect((await stored(member.member.id)).map((row) => row.type)).toEqual(['checkin']);
  });
});
