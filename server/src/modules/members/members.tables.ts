import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, foreignKey, index, pgSequence, pgTable, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { brandIdColumn, createdAtColumn, idColumn, timestamptz, updatedAtColumn } from '../../db/columns';
import { brands } from '../brands/brands.tables';

/** Member numbers: numeric, so the card code works as a barcode too. */
export const memberNoSequence = pgSequence('member_no_seq', { startWith: 10000001 });

export const members = pgTable(
  'members',
  {
    id: idColumn(),
    brandId: brandIdColumn().references(() => brands.id),
    nickname: text('nickname'),
    birthday: date('birthday', { mode: 'string' }),
    phone: text('phone'),
    phoneCountryCode: text('phone_country_code'),
    phoneBoundAt: timestamptz('phone_bound_at'),
    phoneBoundVia: text('phone_bound_via', { enum: ['wechat', 'clerk'] }),
    marketingConsent: boolean('marketing_consent').notNull().default(false),
    consentChangedAt: timestamptz('consent_changed_at'),
    joinSceneType: text('join_scene_type', { enum: ['store', 'clerk', 'campaign'] }),
    joinStoreId: text('join_store_id'),
    joinStaffId: text('join_staff_id'),
    joinCampaignId: text('join_campaign_id'),
    joinedAt: timestamptz('joined_at').notNull().defaultNow(),
    status: text('status', { enum: ['active', 'disabled'] }).notNull().default('active'),
    memberNo: bigint('member_no', { mode: 'number' }).notNull().default(sql`nextval('member_no_seq')`),
    /** per-member key of the rotating card code; never leaves the server */
    cardSecret: text('card_secret').notNull().default(sql`replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')`),
    referredByMemberId: text('referred_by_member_id'),
    createdAt: createdAtColumn(),
    updatedAt: updatedAtColumn(),
  },
  (t) => [
    unique('members_brand_id_unique').on(t.brandId, t.id),
    unique('members_member_no_unique').on(t.memberNo),
    // one member per phone per brand: a second binding is a conflict, never a silent merge
    uniqueIndex('members_brand_phone_unique').on(t.brandId, t.phone).where(sql`${t.phone} is not null`),
    index('members_brand_joined_idx').on(t.brandId, t.joinedAt),
    // the few members who are not active: segment counts that start from scores, tiers or purchases
    // exclude them with an anti-join against this small index instead of reading every member row
    index('members_inactive_idx').on(t.brandId, t.id).where(sql`${t.status} <> 'active'`),
    check('members_status_check', sql`${t.status} in ('active', 'disabled')`),
    check('members_phone_bound_check', sql`(${t.phone} is null) = (${t.phoneBoundAt} is null)`),
  ],
);

/** A WeChat identity of a member: openid is per mini-program, unionid spans a developer account's apps. */
export const memberIdentities = pgTable(
  'member_identities',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    appId: text('app_id').notNull(),
    openid: text('openid').notNull(),
    unionid: text('unionid'),
    /** WeChat's session key: needed to decrypt data the mini-program sends; never leaves the server */
    sessionKey: text('session_key'),
    lastLoginAt: timestamptz('last_login_at'),
    createdAt: createdAtColumn(),
  },
  (t) => [
    unique('member_identities_openid_unique').on(t.brandId, t.appId, t.openid),
    index('member_identities_unionid_idx').on(t.brandId, t.unionid),
    index('member_identities_member_idx').on(t.brandId, t.memberId),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
  ],
);

/** Every change of marketing consent, so the brand can prove when and how consent was given or withdrawn. */
export const consentEvents = pgTable(
  'consent_events',
  {
    id: idColumn(),
    brandId: brandIdColumn(),
    memberId: text('member_id').notNull(),
    granted: boolean('granted').notNull(),
    source: text('source').notNull(),
    at: timestamptz('at').notNull(),
  },
  (t) => [
    index('consent_events_member_idx').on(t.brandId, t.memberId, t.at),
    foreignKey({ columns: [t.brandId, t.memberId], foreignColumns: [members.brandId, members.id] }),
  ],
);
