import { Type } from '@sinclair/typebox';
import {
  ClearManualTierBody,
  ClearManualTierQuery,
  IdOf,
  MemberTier,
  Page,
  PageQuery,
  ReplaceTiersBody,
  SetManualTierBody,
  TierHistoryEntry,
  TierLadder,
  TierSettings,
} from '@memberloop/shared';
import { OFFICE_ROLES, ALL_STAFF_ROLES, memberContext, requireMember, requireStaff, staffContext } from '../../http/auth';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { TiersService } from './tiers.service';

const MemberParams = Type.Object({ memberId: IdOf('member') }, { additionalProperties: false });
const TierHistoryPage = Page(TierHistoryEntry);

export const tiersRoutes: RoutesPlugin<{ tiers: TiersService }> = async (app, { services, checks }) => {
  const { tiers } = services;
  const member = requireMember(checks);
  const anyStaff = requireStaff(checks, ALL_STAFF_ROLES);
  const office = requireStaff(checks, OFFICE_ROLES);

  app.get(
    '/tiers',
    { onRequest: office, schema: { tags: ['tiers'], summary: 'The tier ladder with its benefits, by level', security: bearerAuth, response: { 200: TierLadder, ...errorResponses } } },
    async (request) => tiers.ladder(staffContext(request)),
  );

  app.put(
    '/tiers',
    {
      onRequest: office,
      schema: {
        tags: ['tiers'],
        summary: 'Replace the whole ladder',
        description:
          'Levels 0..n without gaps, level 0 at threshold 0, thresholds rising strictly (else TIER_THRESHOLDS_INVALID). Members keep their level by number; members above a shortened ladder come down to its top.',
        security: bearerAuth,
        body: ReplaceTiersBody,
        response: { 200: TierLadder, ...errorResponses },
      },
    },
    async (request) => tiers.replaceLadder(staffContext(request), request.body),
  );

  app.get(
    '/tiers/settings',
    { onRequest: office, schema: { tags: ['tiers'], summary: 'Growth basis, window, downgrade policy and grace days', security: bearerAuth, response: { 200: TierSettings, ...errorResponses } } },
    async (request) => tiers.settings(staffContext(request)),
  );

  app.put(
    '/tiers/settings',
    { onRequest: office, schema: { tags: ['tiers'], summary: 'Change how tiers move', security: bearerAuth, body: TierSettings, response: { 200: TierSettings, ...errorResponses } } },
    async (request) => tiers.updateSettings(staffContext(request), request.body),
  );

  app.get(
    '/members/me/tier',
    { onRequest: member, schema: { tags: ['tiers'], summary: 'My tier, progress to the next level and benefits', security: bearerAuth, response: { 200: MemberTier, ...errorResponses } } },
    async (request) => tiers.myTier(memberContext(request)),
  );

  app.get(
    '/members/me/tier/history',
    {
      onRequest: member,
      schema: { tags: ['tiers'], summary: 'How my tier changed, newest first', security: bearerAuth, querystring: PageQuery, response: { 200: TierHistoryPage, ...errorResponses } },
    },
    async (request) => tiers.myHistory(memberContext(request), request.query),
  );

  app.get(
    '/members/:memberId/tier',
    { onRequest: anyStaff, schema: { tags: ['tiers'], summary: 'A member’s tier', security: bearerAuth, params: MemberParams, response: { 200: MemberTier, ...errorResponses } } },
    async (request) => tiers.memberTier(staffContext(request), request.params.memberId),
  );

  app.get(
    '/members/:memberId/tier/history',
    {
      onRequest: anyStaff,
      schema: { tags: ['tiers'], summary: 'How a member’s tier changed, newest first', security: bearerAuth, params: MemberParams, querystring: PageQuery, response: { 200: TierHistoryPage, ...errorResponses } },
    },
    async (request) => tiers.memberHistory(staffContext(request), request.params.memberId, request.query),
  );

  app.put(
    '/members/:memberId/tier/manual',
    {
      onRequest: office,
      schema: {
        tags: ['tiers'],
        summary: 'Give a member a level until a date',
        description: 'The manual level outranks the earned one until `until` (in the future, at most two years ahead); afterwards the member is at the earned level again.',
        security: bearerAuth,
        params: MemberParams,
        body: SetManualTierBody,
        response: { 200: MemberTier, ...errorResponses },
      },
    },
    async (request) => tiers.setManual(staffContext(request), request.params.memberId, request.body),
  );

  app.delete(
    '/members/:memberId/tier/manual',
    {
      onRequest: office,
      // a DELETE usually comes without a body: validate it as an empty one, so the reason may come in the query alone
      preValidation: async (request) => {
        if (request.body === undefined) request.body = {};
      },
      schema: {
        tags: ['tiers'],
        summary: 'End a member’s manual level now',
        description: 'The reason goes in the query (`?reason=`) or in a JSON body `{ "reason": … }`.',
        security: bearerAuth,
        params: MemberParams,
        querystring: ClearManualTierQuery,
        body: ClearManualTierBody,
        response: { 200: MemberTier, ...errorResponses },
      },
    },
    async (request) => tiers.clearManual(staffContext(request), request.params.memberId, request.query.reason ?? request.body.reason),
  );
};
