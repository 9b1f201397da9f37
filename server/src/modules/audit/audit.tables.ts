import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { brandIdColumn, idColumn, timestamptz } from '../../db/columns';

/** Who did what to which record; never holds a phone number or openid in clear. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    actorType: text('actor_type', { enum: ['staff', 'member', 'system'] }).notNull(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamptz('at').notNull(),
  },
  (t) => [index('audit_log_brand_at_idx').on(t.brandId, t.at), index('audit_log_target_idx').on(t.brandId, t.targetType, t.targetId)],
);
