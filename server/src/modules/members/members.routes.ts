import { Type } from '@sinclair/typebox';
import {
  BindPhoneByWechatBody,
  CardScanBody,
  MemberCard,
  ClerkBindPhoneBody,
  ConsentBody,
  ConsentHistory,
  IdOf,
  MemberListQuery,
  MemberLoginBody,
  MemberLoginResponse,
  MemberProfile,
  MemberStaffView,
  Page,
  UpdateProfileBody,
} from '@memberloop/shared';
import { ALL_STAFF_ROLES, memberContext, requireMember, requireStaff, signToken, staffContext } from '../../http/auth';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { MembersService } from './members.service';

const MemberParams = Type.Object({ memberId: IdOf('member') }, { additionalProperties: false });

export const membersRoutes: RoutesPlugin<{ members: MembersService; memberTokenTtlSeconds: number }> = async (app, { services, checks }) => {
  const { members } = services;
  const member = requireMember(checks);
  const anyStaff = requireStaff(checks, ALL_STAFF_ROLES);

  app.post(
    '/auth/member/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Join or sign in with the code from wx.login',
        description:
          'Exchanges the code with WeChat (code2session; the session key stays on the server), finds the member by openid or unionid or creates one with the scanned scene (store, clerk or campaign), and returns a member token.',
        body: MemberLoginBody,
        response: { 200: MemberLoginResponse, ...errorResponses },
      },
    },
    async (request) => {
      const { member: profile, isNew, claims } = await members.login(request.body);
      request.log.info({ memberId: profile.id, brandId: profile.brandId, isNew }, isNew ? 'member joined' : 'member signed in');
      return { ...signToken(app, claims, services.memberTokenTtlSeconds), isNew, member: profile };
    },
  );

  app.get(
    '/members/me',
    { onRequest: member, schema: { tags: ['members'], summary: 'My profile (phone in full)', security: bearerAuth, response: { 200: MemberProfile, ...errorResponses } } },
    async (request) => members.profile(memberContext(request)),
  );

  app.patch(
    '/members/me',
    { onRequest: member, schema: { tags: ['members'], summary: 'Change my nickname or birthday', security: bearerAuth, body: UpdateProfileBody, response: { 200: MemberProfile, ...errorResponses } } },
    async (request) => members.updateProfile(memberContext(request), request.body),
  );

  app.put(
    '/members/me/marketing-consent',
    { onRequest: member, schema: { tags: ['members'], summary: 'Opt in to or out of marketing messages', security: bearerAuth, body: ConsentBody, response: { 200: MemberProfile, ...errorResponses } } },
    async (request) => members.setMarketingConsent(memberContext(request), request.body.granted),
  );

  app.get(
    '/members/me/marketing-consent',
    { onRequest: member, schema: { tags: ['members'], summary: 'My consent and its history', security: bearerAuth, response: { 200: ConsentHistory, ...errorResponses } } },
    async (request) => members.consentHistory(memberContext(request)),
  );

  app.post(
    '/members/me/phone',
    {
      onRequest: member,
      schema: { tags: ['members'], summary: 'Bind my phone with the code from the phone-number button', security: bearerAuth, body: BindPhoneByWechatBody, response: { 200: MemberProfile, ...errorResponses } },
    },
    async (request) => members.bindPhoneByWechat(memberContext(request), request.body.code),
  );

  app.get(
    '/members/me/card',
    { onRequest: member, schema: { tags: ['members'], summary: 'My member card code (rotates every 30 seconds)', security: bearerAuth, response: { 200: MemberCard, ...errorResponses } } },
    async (request, reply) => {
      reply.header('cache-control', 'no-store');
      return members.card(memberContext(request));
    },
  );

  app.post(
    '/members/scan',
    {
      onRequest: anyStaff,
      schema: { tags: ['members'], summary: 'Resolve a scanned member card code (own brand only)', security: bearerAuth, body: CardScanBody, response: { 200: MemberStaffView, ...errorResponses } },
    },
    async (request) => members.scanCard(staffContext(request), request.body.code),
  );

  app.get(
    '/members',
    {
      onRequest: anyStaff,
      schema: { tags: ['members'], summary: 'Members of the brand (clerks: by phone only); phones masked', security: bearerAuth, querystring: MemberListQuery, response: { 200: Page(MemberStaffView), ...errorResponses } },
    },
    async (request) => members.list(staffContext(request), request.query),
  );

  app.get(
    '/members/:memberId',
    { onRequest: anyStaff, schema: { tags: ['members'], summary: 'A member, phone masked', security: bearerAuth, params: MemberParams, response: { 200: MemberStaffView, ...errorResponses } } },
    async (request) => members.staffView(staffContext(request), request.params.memberId),
  );

  app.put(
    '/members/:memberId/phone',
    {
      onRequest: anyStaff,
      schema: { tags: ['members'], summary: 'Bind the phone a member gives at the counter', security: bearerAuth, params: MemberParams, body: ClerkBindPhoneBody, response: { 200: MemberStaffView, ...errorResponses } },
    },
    async (request) => members.bindPhoneByClerk(staffContext(request), request.params.memberId, request.body),
  );
};
