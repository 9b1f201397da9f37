import type { Db } from '../../db/client';
import { events } from './events.tables';

export type EventRow = typeof events.$inferInsert;

/** Appends events; the caller's transaction. */
export async function insertEvents(tx: Db, rows: EventRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.insert(events).values(rows);
}
