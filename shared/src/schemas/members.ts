import { Type, type Static } from '@sinclair/typebox';
import { JoinSceneType } from './brands';
import { CalendarDate, IdOf, Nullable, Timestamp } from './common';

/** The scene scanned when joining: empty fields mean the shopper came without a code. */
export const JoinSource = Type.Object(
  {
    type: Nullable(JoinSceneType),
    storeId: Nullable(IdOf('store')),
    staffId: Nullable(IdOf('staff')),
    campaignId: Nullable(Type.String()),
  },
  { additionalProperties: false },
);
export type JoinSource = Static<typeof JoinSource>;

export const MarketingConsent = Type.Object(
  { granted: Type.Boolean(), changedAt: Nullable(Timestamp) },
  { additionalProperties: false },
);
export type MarketingConsent = Static<typeof MarketingConsent>;

export const MemberStatus = Type.Union([Type.Literal('active'), Type.Literal('disabled')]);

const memberFields = {
  id: IdOf('member'),
  memberNo: Type.String({ pattern: '^\\d+$', description: 'the number printed on the member card' }),
  brandId: IdOf('brand'),
  nickname: Nullable(Type.String()),
  birthday: Nullable(CalendarDate),
  phoneBoundAt: Nullable(Timestamp),
  marketingConsent: MarketingConsent,
  joinedAt: Timestamp,
  joinSource: JoinSource,
  status: MemberStatus,
};

/** What a member sees of themself: the phone in full. */
export const MemberProfile = Type.Object(
  { ...memberFields, phone: Nullable(Type.String()) },
  { additionalProperties: false },
);
export type MemberProfile = Static<typeof MemberProfile>;

/** What staff see of a member: the phone masked (138****1234), never in full. */
export const MemberStaffView = Type.Object(
  { ...memberFields, maskedPhone: Nullable(Type.String()) },
  { additionalProperties: false },
);
export type MemberStaffView = Static<typeof MemberStaffView>;

export const MemberLoginBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 128, description: 'the code from wx.login' }),
    brandId: Type.Optional(IdOf('brand', 'the brand to join when there is no scene')),
    brandCode: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'or the brand code' })),
    scene: Type.Optional(
      Type.String({ minLength: 1, maxLength: 32, description: 'the scene of the scanned mini-program code' }),
    ),
    join: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'true: join (accepting the membership terms) when not yet a member; false: sign in only, MEMBER_NOT_FOUND for non-members',
      }),
    ),
  },
  { additionalProperties: false },
);
export type MemberLoginBody = Static<typeof MemberLoginBody>;

export const MemberLoginResponse = Type.Object(
  { token: Type.String(), expiresAt: Timestamp, isNew: Type.Boolean(), member: MemberProfile },
  { additionalProperties: false },
);
export type MemberLoginResponse = Static<typeof MemberLoginResponse>;

export const UpdateProfileBody = Type.Object(
  {
    nickname: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 40 }))),
    birthday: Type.Optional(Nullable(CalendarDate)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateProfileBody = Static<typeof UpdateProfileBody>;

export const ConsentBody = Type.Object({ granted: Type.Boolean() }, { additionalProperties: false });
export type ConsentBody = Static<typeof ConsentBody>;

export const ConsentEvent = Type.Object(
  { granted: Type.Boolean(), at: Timestamp, source: Type.String() },
  { additionalProperties: false },
);
export type ConsentEvent = Static<typeof ConsentEvent>;

export const ConsentHistory = Type.Object(
  { current: MarketingConsent, events: Type.Array(ConsentEvent) },
  { additionalProperties: false },
);
export type ConsentHistory = Static<typeof ConsentHistory>;

export const BindPhoneByWechatBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 128, description: 'the code from the getPhoneNumber button' }) },
  { additionalProperties: false },
);
export type BindPhoneByWechatBody = Static<typeof BindPhoneByWechatBody>;

export const ClerkBindPhoneBody = Type.Object(
  {
    phone: Type.String({ minLength: 11, maxLength: 20, description: 'mainland China mobile number' }),
    storeId: Type.Optional(IdOf('store', 'the store the clerk is at; defaults to their only store')),
  },
  { additionalProperties: false },
);
export type ClerkBindPhoneBody = Static<typeof ClerkBindPhoneBody>;

export const MemberListQuery = Type.Object(
  {
    phone: Type.Optional(Type.String({ minLength: 11, maxLength: 20 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type MemberListQuery = Static<typeof MemberListQuery>;

export const MemberCard = Type.Object(
  {
    memberNo: Type.String(),
    /** numeric: shown as QR code and barcode; changes every 30 seconds */
    code: Type.String({ pattern: '^\\d+$' }),
    expiresAt: Timestamp,
    /** when the app should fetch the next code, a little before this one expires */
    refreshAt: Timestamp,
  },
  { additionalProperties: false },
);
export type MemberCard = Static<typeof MemberCard>;

export const CardScanBody = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 40, description: 'the scanned or typed card code' }) },
  { additionalProperties: false },
);
export type CardScanBody = Static<typeof CardScanBody>;
