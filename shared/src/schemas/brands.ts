import { Type, type Static } from '@sinclair/typebox';
import { IdOf, Nullable, Timestamp } from './common';

export const STAFF_ROLES = ['clerk', 'operator', 'admin'] as const;
export const StaffRole = Type.Union(STAFF_ROLES.map((role) => Type.Literal(role)));
export type StaffRole = Static<typeof StaffRole>;

export const EntityStatus = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);
export type EntityStatus = Static<typeof EntityStatus>;

const Code = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,62}$', description: 'lowercase letters, digits and dashes' });
const Name = Type.String({ minLength: 1, maxLength: 100 });

export const Brand = Type.Object(
  {
    id: IdOf('brand'),
    code: Code,
    name: Name,
    timeZone: Type.String(),
    status: EntityStatus,
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type Brand = Static<typeof Brand>;

export const Store = Type.Object(
  {
    id: IdOf('store'),
    brandId: IdOf('brand'),
    code: Code,
    name: Name,
    address: Nullable(Type.String({ maxLength: 300 })),
    status: EntityStatus,
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type Store = Static<typeof Store>;

export const CreateStoreBody = Type.Object(
  {
    code: Code,
    name: Name,
    address: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
  },
  { additionalProperties: false },
);
export type CreateStoreBody = Static<typeof CreateStoreBody>;

export const UpdateStoreBody = Type.Object(
  {
    name: Type.Optional(Name),
    address: Type.Optional(Nullable(Type.String({ maxLength: 300 }))),
    status: Type.Optional(EntityStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateStoreBody = Static<typeof UpdateStoreBody>;

export const Username = Type.String({ pattern: '^[A-Za-z0-9._-]{2,64}$' });
export const Password = Type.String({ minLength: 8, maxLength: 200 });

export const Staff = Type.Object(
  {
    id: IdOf('staff'),
    brandId: IdOf('brand'),
    username: Username,
    displayName: Name,
    role: StaffRole,
    storeIds: Type.Array(IdOf('store')),
    status: EntityStatus,
    createdAt: Timestamp,
    lastLoginAt: Nullable(Timestamp),
  },
  { additionalProperties: false },
);
export type Staff = Static<typeof Staff>;

export const CreateStaffBody = Type.Object(
  {
    username: Username,
    displayName: Name,
    password: Password,
    role: StaffRole,
    storeIds: Type.Optional(Type.Array(IdOf('store'), { maxItems: 200, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type CreateStaffBody = Static<typeof CreateStaffBody>;

export const UpdateStaffBody = Type.Object(
  {
    displayName: Type.Optional(Name),
    password: Type.Optional(Password),
    role: Type.Optional(StaffRole),
    storeIds: Type.Optional(Type.Array(IdOf('store'), { maxItems: 200, uniqueItems: true })),
    status: Type.Optional(EntityStatus),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateStaffBody = Static<typeof UpdateStaffBody>;

export const StaffLoginBody = Type.Object(
  {
    brandCode: Type.String({ minLength: 1, maxLength: 64 }),
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 200 }),
  },
  { additionalProperties: false },
);
export type StaffLoginBody = Static<typeof StaffLoginBody>;

export const StaffLoginResponse = Type.Object(
  { token: Type.String(), expiresAt: Timestamp, staff: Staff, brand: Brand },
  { additionalProperties: false },
);
export type StaffLoginResponse = Static<typeof StaffLoginResponse>;

export const JOIN_SCENE_TYPES = ['store', 'clerk', 'campaign'] as const;
export const JoinSceneType = Type.Union(JOIN_SCENE_TYPES.map((type) => Type.Literal(type)));
export type JoinSceneType = Static<typeof JoinSceneType>;

export const CreateJoinSceneBody = Type.Object(
  {
    type: JoinSceneType,
    storeId: Type.Optional(IdOf('store')),
    staffId: Type.Optional(IdOf('staff')),
    campaignId: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'campaign id or key' })),
    envVersion: Type.Optional(
      Type.Union([Type.Literal('release'), Type.Literal('trial'), Type.Literal('develop')], { default: 'release' }),
    ),
    width: Type.Optional(Type.Integer({ minimum: 280, maximum: 1280, default: 430 })),
  },
  { additionalProperties: false },
);
export type CreateJoinSceneBody = Static<typeof CreateJoinSceneBody>;

export const JoinScene = Type.Object(
  {
    id: IdOf('joinScene'),
    brandId: IdOf('brand'),
    /** what the mini-program code carries as `scene` (≤ 32 chars, WeChat's limit) */
    scene: Type.String({ maxLength: 32 }),
    type: JoinSceneType,
    storeId: Nullable(IdOf('store')),
    staffId: Nullable(IdOf('staff')),
    campaignId: Nullable(Type.String()),
    page: Type.String(),
    createdAt: Timestamp,
  },
  { additionalProperties: false },
);
export type JoinScene = Static<typeof JoinScene>;

export const JoinSceneWithImage = Type.Object(
  {
    joinScene: JoinScene,
    image: Type.Object(
      { contentType: Type.String(), base64: Type.String() },
      { additionalProperties: false, description: 'the mini-program code from WeChat' },
    ),
  },
  { additionalProperties: false },
);
export type JoinSceneWithImage = Static<typeof JoinSceneWithImage>;
