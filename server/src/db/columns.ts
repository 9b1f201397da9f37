import { text, timestamp } from 'drizzle-orm/pg-core';

/** Column helpers every table uses, so ids and times look the same everywhere. */
export const idColumn = () => text('id').primaryKey();
export const brandIdColumn = () => text('brand_id').notNull();
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
export const createdAtColumn = () => timestamptz('created_at').notNull().defaultNow();
export const updatedAtColumn = () => timestamptz('updated_at').notNull().defaultNow();
