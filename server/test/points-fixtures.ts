import { newId } from '@memberloop/shared';
import { eq, sql } from 'drizzle-orm';
import { withTransaction, type Tx } from '../src/db/transaction';
import { members } from '../src/modules/members/members.tables';
import { pointAccounts, pointEntries, pointLots } from '../src/modules/points/points.tables';
import type { TestServer } from './harness';

/** Members straight into the table: the points tests need many and do not care how they joined. */
export async function insertMembers(server: TestServer, brandId: string, count: number): Promise<string[]> {
  const ids = Array.from({ length: count }, () => newId('member'));
  for (let i = 0; i < ids.length; i += 500) {
    await server.database.db.insert(members).values(ids.slice(i, i + 500).map((id) => ({ id, brandId })));
  }
  return ids;
}

export const steps = (server: TestServer) => server.app.services.points.steps;

export const inTx = <T>(server: TestServer, work: (tx: Tx) => Promise<T>) => withTransaction(server.database.db, work);

export const system = { type: 'system' as const, id: null };

/** Balance, ledger sum and lots sum of one member, read in one snapshot. */
export async function ledgerState(server: TestServer, brandId: string, memberId: string) {
  const db = server.database.db;
  const [account] = await db.select().from(pointAccounts).where(sql`${pointAccounts.brandId} = ${brandId} and ${pointAccounts.memberId} = ${memberId}`);
  const [entries] = await db
    .select({ sum: sql<string>`coalesce(sum(${pointEntries.amount}), 0)` })
    .from(pointEntries)
    .where(sql`${pointEntries.brandId} = ${brandId} and ${pointEntries.memberId} = ${memberId}`);
  const lots = await db.select().from(pointLots).where(eq(pointLots.memberId, memberId));
  return {
    balance: account?.balance ?? 0,
    debt: account?.debt ?? 0,
    lifetimeEarned: account?.lifetimeEarned ?? 0,
    ledger: Number(entries?.sum ?? 0),
    lots: lots.reduce((sum, lot) => sum + lot.remaining, 0),
  };
}
