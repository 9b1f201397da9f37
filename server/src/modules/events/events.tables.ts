import { sql } from 'drizzle-orm';
import { check, foreignKey, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { brandIdColumn, idColumn, timestamptz } from '../../db/columns';
import { members } from '../members/members.tables';

/**
 * Behaviour events from the mini-program (views, cart adds, check-ins, shares, searches …): what scoring and
 * triggers read besides purchases. Append-only; large, so kept narrow and indexed by member and by type.
 */
export const events = pgTable(
  'events',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    /** view_item, cart_add, checkin, share, search, view_coupon, view_mall_item … */
    type: text('type').notNull(),
    /** what the event is about: a SKU, a mall item id, a coupon template id, a search term */
    target: text('target'),
    occurredAt: timestamptz('occurred_at').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>(),
  },
  (t) => [
    index('events_member_idx').on(t.brandId, t.memberId, t.occurredAt),
    index('events_type_idx').on(t.brandId, t.type, t.occurredAt),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
    check('events_type_check', sql`${t.type} ~ '^[a-z][a-z_]{1,39}$'`),
  ],
);
