import { sql } from 'drizzle-orm';
import { check, foreignKey, index, pgTable, primaryKey, text, unique } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';

export const brands = pgTable(
  'brands',
  {
    id: idColumn(),
    code: text('code').notNull().unique(),
    name: text('name').notNull(),
    timeZone: text('time_zone').notNull().default('Asia/Shanghai'),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [check('brands_status_check', sql`${t.status} in ('active', 'disabled')`)],
);

export const stores = pgTable(
  'stores',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    code: text('code').notNull(),
    name: text('name').notNull(),
    address: text('address'),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    unique('stores_brand_code_unique').on(t.brandId, t.code),
    // lets other tables reference (brand_id, store_id) so a row can never point into another brand
    unique('stores_brand_id_unique').on(t.brandId, t.id),
    check('stores_status_check', sql`${t.status} in ('active', 'disabled')`),
  ],
);

export const staff = pgTable(
  'staff',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    role: text('role', { enum: ['clerk', 'operator', 'admin'] }).notNull(),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    lastLoginAt: timestamptz('last_login_at'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    unique('staff_brand_username_unique').on(t.brandId, t.username),
    unique('staff_brand_id_unique').on(t.brandId, t.id),
    check('staff_role_check', sql`${t.role} in ('clerk', 'operator', 'admin')`),
    check('staff_status_check', sql`${t.status} in ('active', 'disabled')`),
  ],
);

export const staffStores = pgTable(
  'staff_stores',
  {
    brandId: brandIdColumn(),
    staffId: text('staff_id').notNull(),
    storeId: text('store_id').notNull(),
    createdAt: createdAtColumn(),
  },
  (t) => [
    primaryKey({ columns: [t.staffId, t.storeId] }),
    foreignKey({ columns: [t.brandId, t.staffId], foreignColumns: [staff.brandId, staff.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.brandId, t.storeId], foreignColumns: [stores.brandId, stores.id] }),
    index('staff_stores_store_idx').on(t.brandId, t.storeId),
  ],
);

/** A short code carried as the `scene` of a mini-program code: which store, clerk or campaign a join came from. */
export const joinScenes = pgTable(
  'join_scenes',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    scene: text('scene').notNull().unique(),
    type: text('type', { enum: ['store', 'clerk', 'campaign'] }).notNull(),
    /** "store:<id>", "clerk:<id>@<store id>" or "campaign:<key>@<store id or ->": one code per target */
    targetKey: text('target_key').notNull(),
    storeId: text('store_id'),
    staffId: text('staff_id'),
    campaignId: text('campaign_id'),
    page: text('page').notNull(),
    createdBy: text('created_by'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    unique('join_scenes_target_unique').on(t.brandId, t.targetKey),
    foreignKey({ columns: [t.brandId, t.storeId], foreignColumns: [stores.brandId, stores.id] }),
    foreignKey({ columns: [t.brandId, t.staffId], foreignColumns: [staff.brandId, staff.id] }),
    check('join_scenes_type_check', sql`${t.type} in ('store', 'clerk', 'campaign')`),
    check('join_scenes_scene_length', sql`char_length(${t.scene}) <= 32`),
  ],
);
