import type { CreateMallItemBody, MallExchangeResult, MallItem } from '@memberloop/shared';
import { and, eq } from 'drizzle-orm';
import { withTransaction } from '../src/db/transaction';
import { mallItems, mallMemberCounts } from '../src/modules/mall/mall.tables';
import { pointLots } from '../src/modules/points/points.tables';
import { insertMembers } from './coupons-fixtures';
import type { TestServer } from './harness';

export { insertMembers };

export type Person = { id: string; token: string };

/**
 * Points for each member through the points module's own `earn` step, `perTx` members to a transaction and
 * up to 10 transactions at a time (the pool has 20 connections; the rest is for the test itself).
 */
export async function givePoints(server: TestServer, brandId: string, people: Person[], amount: number, options: { expiresAt?: Date | null; perTx?: number } = {}) {
  const perTx = options.perTx ?? 25;
  const batches: Person[][] = [];
  for (let i = 0; i < people.length; i += perTx) batches.push(people.slice(i, i + perTx));
  for (let i = 0; i < batches.length; i += 10) {
    await Promise.all(
      batches.slice(i, i + 10).map((batch) =>
        withTransaction(server.database.db, async (tx) => {
          for (const person of batch) {
            await server.app.services.points.steps.earn(tx, {
              brandId,
              memberId: person.id,
              amount,
              reason: 'test points',
              sourceType: 'test',
              sourceId: `${person.id}:${amount}:${Math.random()}`,
              actor: { type: 'system', id: null },
              at: server.clock.now(),
              ...(options.expiresAt !== undefined ? { expiresAt: options.expiresAt } : {}),
            });
          }
        }),
      ),
    );
  }
}

export async function membersWithPoints(server: TestServer, brandId: string, count: number, amount: number): Promise<Person[]> {
  const people = await insertMembers(server, brandId, count);
  if (amount > 0) await givePoints(server, brandId, people, amount);
  return people;
}

export const balanceOf = async (server: TestServer, brandId: string, memberId: string) =>
  (await withTransaction(server.database.db, (tx) => server.app.services.points.steps.balanceOf(tx, brandId, memberId))).balance;

export async function createItem(server: TestServer, token: string, body: Partial<CreateMallItemBody> = {}): Promise<MallItem> {
  const response = await server.call<MallItem>({
    method: 'POST',
    url: '/mall/items',
    token,
    payload: { name: '保温杯', pointsPrice: 100, stock: 10, fulfilment: 'pickup', ...body },
  });
  if (response.status !== 201) throw new Error(`item: ${JSON.stringify(response.body)}`);
  return response.body;
}

export function exchange(server: TestServer, token: string, payload: Record<string, unknown>, key?: string) {
  return server.call<MallExchangeResult & { code?: string; message?: string }>({
    method: 'POST',
    url: '/mall/exchanges',
    token,
    payload,
    headers: key ? { 'idempotency-key': key } : {},
  });
}

export async function itemRow(server: TestServer, itemId: string) {
  const [row] = await server.database.db.select().from(mallItems).where(eq(mallItems.id, itemId));
  return row!;
}

export async function heldCount(server: TestServer, itemId: string, memberId: string) {
  const [row] = await server.database.db
    .select({ quantity: mallMemberCounts.quantity })
    .from(mallMemberCounts)
    .where(and(eq(mallMemberCounts.itemId, itemId), eq(mallMemberCounts.memberId, memberId)));
  return row?.quantity ?? 0;
}

/** The member's lots as (expiry, remaining), oldest expiry first: to see points go back where they came from. */
export async function lotsOf(server: TestServer, memberId: string) {
  const rows = await server.database.db.select().from(pointLots).where(eq(pointLots.memberId, memberId));
  return rows
    .map((lot) => ({ expiresAt: lot.expiresAt?.toISOString() ?? null, remaining: lot.remaining }))
    .sort((a, b) => String(a.expiresAt).localeCompare(String(b.expiresAt)));
}

export const ADDRESS = { name: '张三', phone: '138 0013 8000', province: '上海市', city: '上海市', district: '徐汇区', detail: '漕溪北路 88 号 1201 室' };
