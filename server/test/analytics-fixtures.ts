import { newId, ulid } from '@memberloop/shared';
import { orderItems, orders } from '../src/modules/orders/orders.tables';
import { events } from '../src/modules/events/events.tables';
import type { TestServer } from './harness';

export const DAY = 86_400_000;
/** The pinned clock of the harness: 16:00 in Asia/Shanghai, business day 2026-11-24. */
export const T0 = new Date('2026-11-24T08:00:00Z');
export const daysAgo = (days: number) => new Date(T0.getTime() - days * DAY);

/** A member who joined `joinedDaysAgo` days before T0 (the clock is put back while they join). */
export async function memberJoinedAt(server: TestServer, brandCode: string, user: string, joinedDaysAgo: number) {
  server.clock.set(daysAgo(joinedDaysAgo));
  try {
    const joined = await server.joinMember({ user, brandCode });
    return { id: joined.member.id, token: joined.token };
  } finally {
    server.clock.set(T0);
  }
}

/**
 * Test set-up: an order (and its items) written straight into the orders tables, as the orders
 * module would have recorded it; scoring reads these tables.
 */
export async function insertPurchase(
  server: TestServer,
  input: { brandId: string; memberId: string; paidFen: number; at: Date; refundedFen?: number; categories?: string[] },
): Promise<string> {
  const id = `ord_${ulid(input.at.getTime())}`;
  const refunded = input.refundedFen ?? 0;
  await server.database.db.insert(orders).values({
    id,
    brandId: input.brandId,
    memberId: input.memberId,
    channel: 'pos',
    externalId: id,
    grossFen: input.paidFen,
    paidFen: input.paidFen,
    refundedFen: refunded,
    status: refunded === 0 ? 'completed' : refunded === input.paidFen ? 'refunded' : 'partially_refunded',
    occurredAt: input.at,
  });
  const categories = input.categories ?? [];
  if (categories.length) {
    const share = Math.floor(input.paidFen / categories.length);
    await server.database.db.insert(orderItems).values(
      categories.map((category, index) => ({
        id: newId('orderItem', input.at),
        brandId: input.brandId,
        orderId: id,
        sku: `${category}-sku-${index}`,
        category,
        quantity: 1,
        unitPriceFen: share,
        amountFen: share,
      })),
    );
  }
  return id;
}

export async function insertEvents(server: TestServer, input: { brandId: string; memberId: string; type: string; ats: Date[] }) {
  if (input.ats.length === 0) return;
  await server.database.db.insert(events).values(input.ats.map((at) => ({ id: newId('event', at), brandId: input.brandId, memberId: input.memberId, type: input.type, occurredAt: at })));
}
