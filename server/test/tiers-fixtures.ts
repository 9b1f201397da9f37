import { ulid, type Tier } from '@memberloop/shared';
import { and, eq } from 'drizzle-orm';
import { withTransaction } from '../src/db/transaction';
import { auditLog } from '../src/modules/audit/audit.tables';
import { members } from '../src/modules/members/members.tables';
import { orders } from '../src/modules/orders/orders.tables';
import type { TestServer } from './harness';

export const DAY = 86_400_000;

/** Four levels on the spend basis: ¥0, ¥100, ¥500, ¥2000 (in fen). */
export const LADDER: Tier[] = [
  { level: 0, name: '普通会员', threshold: 0, benefits: { pointsMultiplierPermille: 1000, discountPercent: 0, birthdayCouponTemplateId: null, freeShipping: false } },
  { level: 1, name: '银卡', threshold: 10_000, benefits: { pointsMultiplierPermille: 1200, discountPercent: 2, birthdayCouponTemplateId: null, freeShipping: false } },
  { level: 2, name: '金卡', threshold: 50_000, benefits: { pointsMultiplierPermille: 1500, discountPercent: 5, birthdayCouponTemplateId: 'tpl_birthday_gold', freeShipping: true } },
  { level: 3, name: '钻石卡', threshold: 200_000, benefits: { pointsMultiplierPermille: 2000, discountPercent: 10, birthdayCouponTemplateId: 'tpl_birthday_diamond', freeShipping: true } },
];

export async function putLadder(server: TestServer, token: string, tiers: Tier[] = LADDER) {
  const response = await server.call({ method: 'PUT', url: '/tiers', token, payload: { tiers } });
  if (response.status !== 200) throw new Error(`PUT /tiers failed: ${JSON.stringify(response.body)}`);
  return response.body;
}

export async function putSettings(server: TestServer, token: string, settings: { growthBasis?: 'spend' | 'points'; windowDays?: number; downgradePolicy?: 'none' | 'one_level' | 'to_supported'; graceDays?: number }) {
  const payload = { growthBasis: 'spend', windowDays: 365, downgradePolicy: 'one_level', graceDays: 30, ...settings };
  const response = await server.call({ method: 'PUT', url: '/tiers/settings', token, payload });
  if (response.status !== 200) throw new Error(`PUT /tiers/settings failed: ${JSON.stringify(response.body)}`);
  return response.body;
}

/**
 * Test set-up: an order row written straight into the orders table (the spend basis reads paid −
 * refunded of orders in the window), then the purchase step tiers gets from the orders module.
 */
export async function insertOrder(server: TestServer, input: { brandId: string; memberId: string; paidFen: number; at: Date; refundedFen?: number }) {
  const id = `ord_${ulid(input.at.getTime())}`;
  await server.database.db.insert(orders).values({
    id,
    brandId: input.brandId,
    memberId: input.memberId,
    channel: 'pos',
    externalId: id,
    grossFen: input.paidFen,
    paidFen: input.paidFen,
    refundedFen: input.refundedFen ?? 0,
    status: input.refundedFen ? (input.refundedFen === input.paidFen ? 'refunded' : 'partially_refunded') : 'completed',
    occurredAt: input.at,
  });
  return id;
}

export async function refundOrder(server: TestServer, brandId: string, orderId: string, refundedFen: number) {
  await server.database.db.update(orders).set({ refundedFen, status: 'partially_refunded' }).where(and(eq(orders.brandId, brandId), eq(orders.id, orderId)));
}

/** An order and the purchase step in one transaction, as the orders module runs it. */
export async function purchase(server: TestServer, input: { brandId: string; memberId: string; paidFen: number; at?: Date }) {
  const at = input.at ?? server.clock.now();
  return withTransaction(server.database.db, async (tx) => {
    const id = `ord_${ulid(at.getTime())}`;
    await tx.insert(orders).values({ id, brandId: input.brandId, memberId: input.memberId, channel: 'pos', externalId: id, grossFen: input.paidFen, paidFen: input.paidFen, occurredAt: at });
    return server.app.services.tiers.steps.onPurchase(tx, { brandId: input.brandId, memberId: input.memberId, at });
  });
}

/** Members written straight into the members table, for evaluation at scale. */
export async function insertMembers(server: TestServer, brandId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(`mbr_${ulid(Date.now() + i)}`);
  for (let i = 0; i < ids.length; i += 1000) {
    await server.database.db.insert(members).values(ids.slice(i, i + 1000).map((id) => ({ id, brandId })));
  }
  return ids;
}

export async function auditActions(server: TestServer, brandId: string): Promise<string[]> {
  const rows = await server.database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.brandId, brandId));
  return rows.map((row) => row.action);
}

export async function history(server: TestServer, token: string, memberId: string) {
  const response = await server.call({ method: 'GET', url: `/members/${memberId}/tier/history?limit=200`, token });
  if (response.status !== 200) throw new Error(`history failed: ${JSON.stringify(response.body)}`);
  // oldest first reads more naturally in assertions
  return (response.body.items as { fromLevel: number; toLevel: number; reason: string; actor: { type: string; id: string | null }; at: string }[]).slice().reverse();
}

export async function tierOf(server: TestServer, token: string, memberId: string) {
  const response = await server.call({ method: 'GET', url: `/members/${memberId}/tier`, token });
  if (response.status !== 200) throw new Error(`tier failed: ${JSON.stringify(response.body)}`);
  return response.body;
}
