import {
  businessDate,
  isCalendarDate,
  maskPhone,
  newId,
  normalizeCnMobile,
  type ConsentHistory,
  type JoinScene,
  type MemberCard,
  type MemberListQuery,
  type MemberLoginBody,
  type MemberProfile,
  type MemberStaffView,
  type UpdateProfileBody,
} from '@memberloop/shared';
import type { ServiceDeps } from '../../deps';
import type { Db } from '../../db/client';
import { isUniqueViolation, withTransaction, type Tx } from '../../db/transaction';
import { storeForClerk, type MemberClaims, type MemberContext, type RequestContext, type StaffContext } from '../../http/auth';
import { AppError } from '../../http/errors';
import { auditActor, recordAudit } from '../audit';
import type { BrandsService } from '../brands';
import { wechatFailure, type WechatSession } from '../wechat';
import { cardCodeFor, checkCardOtp, parseCardCode } from './card-code';
import * as repo from './members.repository';

/** The app fetches the next card code this long before the current one expires. */
const CARD_REFRESH_LEAD_MS = 5_000;

function memberFields(row: repo.MemberRow) {
  return {
    id: row.id,
    memberNo: String(row.memberNo),
    brandId: row.brandId,
    nickname: row.nickname,
    birthday: row.birthday,
    phoneBoundAt: row.phoneBoundAt?.toISOString() ?? null,
    marketingConsent: { granted: row.marketingConsent, changedAt: row.consentChangedAt?.toISOString() ?? null },
    joinedAt: row.joinedAt.toISOString(),
    joinSource: { type: row.joinSceneType, storeId: row.joinStoreId, staffId: row.joinStaffId, campaignId: row.joinCampaignId },
    status: row.status,
  };
}

/** The member's own view: the only place a phone number leaves the server in full. */
export const toProfile = (row: repo.MemberRow): MemberProfile => ({ ...memberFields(row), phone: row.phone });

/** Everyone else's view: the phone masked. */
export const toStaffView = (row: repo.MemberRow): MemberStaffView => ({
  ...memberFields(row),
  maskedPhone: row.phone ? maskPhone(row.phone) : null,
});

export type MembersService = ReturnType<typeof createMembersService>;

export function createMembersService({ db, clock, wechat }: ServiceDeps, brands: BrandsService) {
  async function existingMember(tx: Db, brandId: string, memberId: string, lock = false) {
    const row = lock ? await repo.lockMember(tx, brandId, memberId) : await repo.findMember(tx, brandId, memberId);
    if (!row) throw new AppError('MEMBER_NOT_FOUND');
    return row;
  }

  /** Finds the member of this WeChat user (openid, then unionid) or creates one with the join scene; safe under concurrent logins. */
  async function findOrCreateByWechat(tx: Tx, brandId: string, session: WechatSession, scene: JoinScene | null, join: boolean) {
    const at = clock.now();
    const byOpenid = await repo.findIdentityByOpenid(tx, brandId, wechat.appId, session.openid);
    if (byOpenid) {
      await repo.touchIdentity(tx, brandId, byOpenid.id, { sessionKey: session.sessionKey, unionid: session.unionid, at });
      return { member: await existingMember(tx, brandId, byOpenid.memberId), isNew: false };
    }
    const byUnionid = session.unionid ? await repo.findIdentityByUnionid(tx, brandId, session.unionid) : undefined;
    const identity = { brandId, appId: wechat.appId, openid: session.openid, unionid: session.unionid, sessionKey: session.sessionKey, lastLoginAt: at, createdAt: at };
    if (byUnionid) {
      // the same person through another of the brand's WeChat apps: link the new openid to their membership
      await repo.insertIdentityIfAbsent(tx, { id: newId('memberIdentity', at.getTime()), memberId: byUnionid.memberId, ...identity });
      return { member: await existingMember(tx, brandId, byUnionid.memberId), isNew: false };
    }
    if (!join) throw new AppError('MEMBER_NOT_FOUND', 'Not a member yet: join first');
    const member = await repo.insertMember(tx, {
      id: newId('member', at.getTime()),
      brandId,
      joinSceneType: scene?.type ?? null,
      joinStoreId: scene?.storeId ?? null,
      joinStaffId: scene?.staffId ?? null,
      joinCampaignId: scene?.campaignId ?? null,
      joinedAt: at,
      createdAt: at,
      updatedAt: at,
    });
    const inserted = await repo.insertIdentityIfAbsent(tx, { id: newId('memberIdentity', at.getTime()), memberId: member.id, ...identity });
    if (!inserted) {
      // a concurrent login of the same user created the membership first: drop ours and use theirs
      await repo.deleteMember(tx, brandId, member.id);
      const winner = await repo.findIdentityByOpenid(tx, brandId, wechat.appId, session.openid);
      return { member: await existingMember(tx, brandId, winner!.memberId), isNew: false };
    }
    await recordAudit(tx, {
      brandId,
      actorType: 'member',
      actorId: member.id,
      action: 'member.joined',
      targetType: 'member',
      targetId: member.id,
      data: { sceneType: scene?.type ?? null, storeId: scene?.storeId ?? null, staffId: scene?.staffId ?? null, campaignId: scene?.campaignId ?? null },
      at,
    });
    return { member, isNew: true };
  }

  /** Binds a phone to a member; a phone held by another member of the brand is a conflict, never a merge. */
  async function bindPhone(tx: Tx, context: RequestContext, member: repo.MemberRow, phone: string, countryCode: string, via: 'wechat' | 'clerk', storeId: string | null) {
    if (member.phone === phone) return member;
    const holder = await repo.findMemberByPhone(tx, member.brandId, phone, member.id);
    if (holder) throw new AppError('PHONE_ALREADY_BOUND');
    const at = clock.now();
    const updated = await repo.updateMember(tx, member.brandId, member.id, { phone, phoneCountryCode: countryCode, phoneBoundAt: at, phoneBoundVia: via }, at);
    await recordAudit(tx, {
      brandId: member.brandId,
      ...auditActor(context),
      action: member.phone ? 'member.phone_changed' : 'member.phone_bound',
      targetType: 'member',
      targetId: member.id,
      data: { via, storeId, phone: maskPhone(phone), previous: member.phone ? maskPhone(member.phone) : null },
      at,
    });
    return updated;
  }

  /** Runs a phone binding; the unique index catches the race two concurrent bindings of one phone would otherwise win. */
  async function phoneBinding<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await withTransaction(db, work);
    } catch (error) {
      if (isUniqueViolation(error, 'members_brand_phone_unique')) throw new AppError('PHONE_ALREADY_BOUND');
      throw error;
    }
  }

  const steps = {
    memberStatuses: (tx: Db, brandId: string, memberIds: string[]) => repo.memberStatuses(tx, brandId, memberIds),
    memberIdsAfter: (tx: Db, brandId: string, after: string | null, limit: number) => repo.memberIdsAfter(tx, brandId, after, limit),

    async memberByCardCode(tx: Db, brandId: string, code: string) {
      const parsed = parseCardCode(code);
      if (!parsed) throw new AppError('CARD_CODE_INVALID');
      const member = await repo.findMemberByNo(tx, brandId, parsed.memberNo);
      if (!member) throw new AppError('CARD_CODE_INVALID');
      const check = checkCardOtp(member.cardSecret, parsed.otp, clock.now());
      if (check === 'expired') throw new AppError('CARD_CODE_EXPIRED');
      if (check !== 'valid') throw new AppError('CARD_CODE_INVALID');
      if (member.status !== 'active') throw new AppError('MEMBER_DISABLED');
      return member;
    },

    async activeMember(tx: Db, brandId: string, memberId: string) {
      const member = await existingMember(tx, brandId, memberId);
      if (member.status !== 'active') throw new AppError('MEMBER_DISABLED');
      return member;
    },

    async memberByPhone(tx: Db, brandId: string, phone: string) {
      const normalized = normalizeCnMobile(phone);
      if (!normalized) throw new AppError('PHONE_INVALID');
      const member = await repo.findMemberByPhone(tx, brandId, normalized);
      if (!member) throw new AppError('MEMBER_NOT_FOUND');
      return member;
    },
  };

  return {
    async login(body: MemberLoginBody) {
      const scene = body.scene ? await brands.resolveJoinScene(body.scene) : null;
      let brandId: string;
      if (scene) brandId = scene.brandId;
      else if (body.brandId) brandId = (await brands.activeBrandById(body.brandId)).id;
      else if (body.brandCode) brandId = (await brands.activeBrandByCode(body.brandCode)).id;
      else {
        throw new AppError('VALIDATION_FAILED', 'Give the scanned scene, a brandId or a brandCode', [{ path: 'body', message: 'scene, brandId or brandCode is required' }]);
      }
      let session: WechatSession;
      try {
        session = await wechat.code2session(body.code);
      } catch (error) {
        throw wechatFailure(error);
      }
      const { member, isNew } = await withTransaction(db, (tx) => findOrCreateByWechat(tx, brandId, session, scene, body.join ?? true));
      if (member.status !== 'active') throw new AppError('MEMBER_DISABLED');
      const claims: MemberClaims = { kind: 'member', sub: member.id, brandId };
      return { member: toProfile(member), isNew, claims };
    },

    /** Per-request check of a member token: the membership must still exist and be active. */
    async checkMemberClaims(claims: MemberClaims) {
      const row = await repo.findMember(db, claims.brandId, claims.sub);
      if (!row) throw new AppError('TOKEN_INVALID');
      if (row.status !== 'active') throw new AppError('MEMBER_DISABLED');
    },

    async profile(context: MemberContext) {
      return toProfile(await existingMember(db, context.brandId, context.actor.memberId));
    },

    async updateProfile(context: MemberContext, body: UpdateProfileBody) {
      if (body.birthday && (!isCalendarDate(body.birthday) || body.birthday < '1900-01-01' || body.birthday > businessDate(clock.now()))) {
        throw new AppError('VALIDATION_FAILED', 'birthday must be a real date in the past', [{ path: 'body/birthday', message: 'not a real past date' }]);
      }
      return withTransaction(db, async (tx) => {
        await existingMember(tx, context.brandId, context.actor.memberId, true);
        return toProfile(await repo.updateMember(tx, context.brandId, context.actor.memberId, body, clock.now()));
      });
    },

    /** Opt in or out of marketing; each change is kept with its time and source, a repeat of the current state changes nothing. */
    async setMarketingConsent(context: MemberContext, granted: boolean) {
      return withTransaction(db, async (tx) => {
        const member = await existingMember(tx, context.brandId, context.actor.memberId, true);
        if (member.marketingConsent === granted && member.consentChangedAt) return toProfile(member);
        const at = clock.now();
        await repo.insertConsentEvent(tx, { id: newId('consentEvent', at.getTime()), brandId: member.brandId, memberId: member.id, granted, source: 'member', at });
        return toProfile(await repo.updateMember(tx, member.brandId, member.id, { marketingConsent: granted, consentChangedAt: at }, at));
      });
    },

    async consentHistory(context: MemberContext): Promise<ConsentHistory> {
      const member = await existingMember(db, context.brandId, context.actor.memberId);
      const events = await repo.listConsentEvents(db, context.brandId, member.id);
      return {
        current: { granted: member.marketingConsent, changedAt: member.consentChangedAt?.toISOString() ?? null },
        events: events.map((event) => ({ granted: event.granted, at: event.at.toISOString(), source: event.source })),
      };
    },

    /** The member binds their own phone with the code from WeChat's phone-number button. */
    async bindPhoneByWechat(context: MemberContext, code: string) {
      let phone: { purePhoneNumber: string; countryCode: string };
      try {
        phone = await wechat.phoneNumber(code);
      } catch (error) {
        throw wechatFailure(error);
      }
      const number = phone.countryCode === '86' ? normalizeCnMobile(phone.purePhoneNumber) : phone.purePhoneNumber;
      if (!number) throw new AppError('PHONE_INVALID');
      return phoneBinding(async (tx) => {
        const member = await existingMember(tx, context.brandId, context.actor.memberId, true);
        return toProfile(await bindPhone(tx, context, member, number, phone.countryCode, 'wechat', null));
      });
    },

    /** A clerk types the phone a member tells them at the counter; only a member without a phone can get one this way. */
    async bindPhoneByClerk(context: StaffContext, memberId: string, input: { phone: string; storeId?: string }) {
      const storeId = storeForClerk(context, input.storeId);
      const phone = normalizeCnMobile(input.phone);
      if (!phone) throw new AppError('PHONE_INVALID');
      return phoneBinding(async (tx) => {
        const member = await existingMember(tx, context.brandId, memberId, true);
        if (member.phone && member.phone !== phone) throw new AppError('MEMBER_PHONE_ALREADY_SET');
        return toStaffView(await bindPhone(tx, context, member, phone, '86', 'clerk', storeId));
      });
    },

    /** The member's card: a numeric code that rotates every 30 seconds. */
    async card(context: MemberContext): Promise<MemberCard> {
      const member = await existingMember(db, context.brandId, context.actor.memberId);
      const { code, expiresAt } = cardCodeFor(member.memberNo, member.cardSecret, clock.now());
      return {
        memberNo: String(member.memberNo),
        code,
        expiresAt: expiresAt.toISOString(),
        refreshAt: new Date(expiresAt.getTime() - CARD_REFRESH_LEAD_MS).toISOString(),
      };
    },

    /** A clerk scans a member's card: only members of the clerk's brand resolve, only with a fresh code. */
    async scanCard(context: StaffContext, code: string) {
      return toStaffView(await steps.memberByCardCode(db, context.brandId, code));
    },

    steps,

    async staffView(context: StaffContext, memberId: string) {
      return toStaffView(await existingMember(db, context.brandId, memberId));
    },

    /** Operators browse members; a clerk may only look one up by the phone the member gives. */
    async list(context: StaffContext, query: MemberListQuery) {
      let phone: string | undefined;
      if (query.phone !== undefined) {
        phone = normalizeCnMobile(query.phone) ?? undefined;
        if (!phone) throw new AppError('PHONE_INVALID');
      } else if (context.actor.role === 'clerk') {
        throw new AppError('FORBIDDEN', 'Clerks look members up by phone');
      }
      const { rows, total } = await repo.listMembers(db, context.brandId, { phone, limit: query.limit ?? 50, offset: query.offset ?? 0 });
      return { items: rows.map(toStaffView), total };
    },
  };
}
