import { index, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { brandIdColumn, timestamptz } from '../db/columns';

/**
 * One row per Idempotency-Key, written in the same transaction as the effect it guards:
 * a repeat finds the row and gets the stored response; a concurrent repeat waits on the row lock.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    brandId: brandIdColumn(),
    /** who sent it: "staff:<id>", "member:<id>" — keys are scoped per brand and caller */
    caller: text('caller').notNull(),
    key: text('key').notNull(),
    /** method, route and a hash of params and body: the same key with another request is refused */
    requestHash: text('request_hash').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: jsonb('response_body'),
    createdAt: timestamptz('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.caller, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);
