import { Type } from '@sinclair/typebox';
import {
  CheckinResponse,
  CreatePointMultiplierBody,
  IdOf,
  OkResponse,
  PageQuery,
  PointEntriesPage,
  PointMultiplier,
  PointMultiplierList,
  PointRules,
  PointsAdjustmentBody,
  PointsAdjustmentResponse,
  PointsExpiring,
  PointsExpiringQuery,
  PointsSummary,
  PutPointRulesBody,
} from '@memberloop/shared';
import { OFFICE_ROLES, ALL_STAFF_ROLES, memberContext, requireMember, requireStaff, staffContext } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/idempotency';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { PointsService } from './points.service';


const MemberParams = Type.Object({ memberId: IdOf('member') }, { additionalProperties: false });
const MultiplierParams = Type.Object({ multiplierId: IdOf('pointMultiplier') }, { additionalProperties: false });
const IdempotencyHeaders = Type.Object(
  { 'idempotency-key': Type.Optional(Type.String({ description: 'repeat a request safely: the same key returns the first response' })) },
  { additionalProperties: true },
);

export const pointsRoutes: RoutesPlugin<{ points: PointsService }> = async (app, { services, checks }) => {
  const { points } = services;
  const member = requireMember(checks);
  const anyStaff = requireStaff(checks, ALL_STAFF_ROLES);
  const office = requireStaff(checks, OFFICE_ROLES);
  const tags = ['points'];

  app.get(
    '/members/me/points',
    {
      onRequest: member,
      schema: { tags, summary: 'My points: balance, spendable, locked, expiring within 30 days, debt', security: bearerAuth, response: { 200: PointsSummary, ...errorResponses } },
    },
    async (request) => points.mySummary(memberContext(request)),
  );

  app.get(
    '/members/me/points/entries',
    {
      onRequest: member,
      schema: { tags, summary: 'My points history, newest first', security: bearerAuth, querystring: PageQuery, response: { 200: PointEntriesPage, ...errorResponses } },
    },
    async (request) => points.myEntries(memberContext(request), request.query),
  );

  app.get(
    '/members/me/points/expiring',
    {
      onRequest: member,
      schema: {
        tags,
        summary: 'My points that expire within `days`, by the last day they can be used',
        security: bearerAuth,
        querystring: PointsExpiringQuery,
        response: { 200: PointsExpiring, ...errorResponses },
      },
    },
    async (request) => points.myExpiring(memberContext(request), request.query.days ?? 30),
  );

  app.post(
    '/members/me/checkins',
    {
      onRequest: member,
      schema: {
        tags,
        summary: 'Daily check-in for points (once per day, Asia/Shanghai); ALREADY_CHECKED_IN on the second',
        security: bearerAuth,
        headers: IdempotencyHeaders,
        response: { 200: CheckinResponse, ...errorResponses },
      },
    },
    async (request) => points.checkin(memberContext(request), idempotencyKeyOf(request)),
  );

  app.get(
    '/members/:memberId/points',
    {
      onRequest: anyStaff,
      schema: { tags, summary: 'A member’s points', security: bearerAuth, params: MemberParams, response: { 200: PointsSummary, ...errorResponses } },
    },
    async (request) => points.memberSummary(staffContext(request), request.params.memberId),
  );

  app.get(
    '/members/:memberId/points/entries',
    {
      onRequest: anyStaff,
      schema: {
        tags,
        summary: 'A member’s points history, newest first',
        security: bearerAuth,
        params: MemberParams,
        querystring: PageQuery,
        response: { 200: PointEntriesPage, ...errorResponses },
      },
    },
    async (request) => points.memberEntries(staffContext(request), request.params.memberId, request.query),
  );

  app.post(
    '/members/:memberId/points/adjustments',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Add or take a member’s points by hand, with a reason (audited)',
        description: 'A negative amount takes points soonest-expiring first and fails with POINTS_INSUFFICIENT when they do not cover it. Send an Idempotency-Key to retry safely.',
        security: bearerAuth,
        params: MemberParams,
        headers: IdempotencyHeaders,
        body: PointsAdjustmentBody,
        response: { 200: PointsAdjustmentResponse, ...errorResponses },
      },
    },
    async (request) => points.adjust(staffContext(request), request.params.memberId, request.body, idempotencyKeyOf(request)),
  );

  app.get(
    '/points/rules',
    { onRequest: office, schema: { tags, summary: 'The brand’s points rules (defaults until set)', security: bearerAuth, response: { 200: PointRules, ...errorResponses } } },
    async (request) => points.getRules(staffContext(request)),
  );

  app.put(
    '/points/rules',
    {
      onRequest: office,
      schema: { tags, summary: 'Set the brand’s points rules (audited)', security: bearerAuth, body: PutPointRulesBody, response: { 200: PointRules, ...errorResponses } },
    },
    async (request) => points.putRules(staffContext(request), request.body),
  );

  app.get(
    '/points/multipliers',
    { onRequest: office, schema: { tags, summary: 'Points multipliers: periods, categories, SKUs', security: bearerAuth, response: { 200: PointMultiplierList, ...errorResponses } } },
    async (request) => points.listMultipliers(staffContext(request)),
  );

  app.post(
    '/points/multipliers',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Add a points multiplier (a period needs startsAt < endsAt; a category or SKU needs a target)',
        security: bearerAuth,
        body: CreatePointMultiplierBody,
        response: { 200: PointMultiplier, ...errorResponses },
      },
    },
    async (request) => points.createMultiplier(staffContext(request), request.body),
  );

  app.delete(
    '/points/multipliers/:multiplierId',
    {
      onRequest: office,
      schema: { tags, summary: 'Remove a points multiplier', security: bearerAuth, params: MultiplierParams, response: { 200: OkResponse, ...errorResponses } },
    },
    async (request) => points.deleteMultiplier(staffContext(request), request.params.multiplierId),
  );
};
