import { ulid } from '@memberloop/shared';
import { and, eq, sql } from 'drizzle-orm';
import { orders } from '../src/modules/orders/orders.tables';
import { memberTiers } from '../src/modules/tiers/tiers.tables';
import { startTestServer, type TestServer } from './harness';
import { DAY, insertMembers, putLadder, putSettings } from './tiers-fixtures';

const MEMBERS = 3000;

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

it(`evaluates ${MEMBERS} members in batches, and a second run at the same instant changes nothing`, async () => {
  const brand = await server.createBrand('scale');
  const operator = await server.staffToken('scale', 'operator');
  await putLadder(server, operator);
  await putSettings(server, operator, { downgradePolicy: 'one_level', graceDays: 30 });
  const memberIds = await insertMembers(server, brand.brandId, MEMBERS);
  const t0 = server.clock.now();
  // spend spread over the ladder: a quarter each at about levels 0, 1, 2 and 3
  const values = memberIds.map((_, i) => [5_000, 20_000, 80_000, 300_000][i % 4]!);
  for (let i = 0; i < memberIds.length; i += 1000) {
    await server.database.db.insert(orders).values(
      memberIds.slice(i, i + 1000).map((memberId, j) => {
        const id = `ord_${ulid(t0.getTime())}`;
        return { id, brandId: brand.brandId, memberId, channel: 'pos' as const, externalId: id, grossFen: values[i + j]!, paidFen: values[i + j]!, occurredAt: new Date(t0.getTime() - DAY) };
      }),
    );
  }

  const progress: number[] = [];
  let started = performance.now();
  const first = await server.app.services.tiers.evaluate(t0, { onProgress: (p) => progress.push(p.evaluated) });
  const firstMs = performance.now() - started;
  expect(first).toMatchObject({ brands: 1, evaluated: MEMBERS, upgraded: (MEMBERS * 3) / 4 });
  expect(progress.at(-1)).toBe(MEMBERS);

  started = performance.now();
  const second = await server.app.services.tiers.evaluate(t0);
  const secondMs = performance.now() - started;
  expect(second).toMatchObject({ evaluated: MEMBERS, changed: 0 });

  // a year on, every order has left the window: each member above 0 starts a grace period
  started = performance.now();
  const third = await server.app.services.tiers.evaluate(new Date(t0.getTime() + 366 * DAY));
  const thirdMs = performance.now() - started;
  expect(third).toMatchObject({ graceStarted: (MEMBERS * 3) / 4 });

  const [levels] = await server.database.db
    .select({ top: sql<number>`count(*) filter (where ${memberTiers.level} = 3)::int` })
    .from(memberTiers)
    .where(and(eq(memberTiers.brandId, brand.brandId)));
  expect(levels!.top).toBe(MEMBERS / 4);

  const rate = (ms: number) => Math.round((MEMBERS / ms) * 1000);
  console.log(
    `tier evaluation of ${MEMBERS} members: first run ${Math.round(firstMs)} ms (${rate(firstMs)}/s, rows created and ${first.changed} changed), ` +
      `repeat ${Math.round(secondMs)} ms (${rate(secondMs)}/s, nothing changed), a year on ${Math.round(thirdMs)} ms (${rate(thirdMs)}/s, ${third.changed} grace periods)`,
  );
}, 120_000);
