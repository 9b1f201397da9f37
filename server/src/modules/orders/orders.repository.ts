import { and, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { orders } from './orders.tables';

/** What a member paid, net of refunds, for orders that happened in [from, to). */
export async function netSpendBetween(tx: Db, brandId: string, memberId: string, from: Date, to: Date): Promise<number> {
  const [row] = await tx
    .select({ total: sql<number>`coalesce(sum(${orders.paidFen} - ${orders.refundedFen}), 0)::bigint` })
    .from(orders)
    .where(and(eq(orders.brandId, brandId), eq(orders.memberId, memberId), gte(orders.occurredAt, from), lt(orders.occurredAt, to)));
  return Number(row?.total ?? 0);
}
