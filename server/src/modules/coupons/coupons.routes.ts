import { Type } from '@sinclair/typebox';
import {
  ClaimableCoupon,
  Coupon,
  CouponCodeInput,
  CouponId,
  CouponLookup,
  CouponLookupQuery,
  CouponPage,
  CouponTemplate,
  CouponTemplateId,
  CouponTemplateListQuery,
  CreateCouponTemplateBody,
  ExchangeCouponResult,
  GrantCouponsBody,
  GrantCouponsResult,
  IdOf,
  MemberCouponsQuery,
  MyCouponsQuery,
  RedeemCouponBody,
  UpdateCouponTemplateBody,
} from '@memberloop/shared';
import { OFFICE_ROLES, ALL_STAFF_ROLES, memberContext, requireMember, requireStaff, staffContext } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/idempotency';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { CouponsService } from './coupons.service';

const TemplateParams = Type.Object({ templateId: CouponTemplateId }, { additionalProperties: false });
const CouponParams = Type.Object({ couponId: CouponId }, { additionalProperties: false });
const MemberParams = Type.Object({ memberId: IdOf('member') }, { additionalProperties: false });
const CodeParams = Type.Object({ code: CouponCodeInput }, { additionalProperties: false });
const idempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: 'repeat the request with the same key to get the first answer instead of a second effect' })),
});

export const couponsRoutes: RoutesPlugin<{ coupons: CouponsService }> = async (app, { services, checks }) => {
  const { coupons } = services;
  const member = requireMember(checks);
  const anyStaff = requireStaff(checks, ALL_STAFF_ROLES);
  const office = requireStaff(checks, OFFICE_ROLES);

  // ---- templates (operators, admins) ----

  app.post(
    '/coupon-templates',
    {
      onRequest: office,
      schema: {
        tags: ['coupons'],
        summary: 'Create a coupon template',
        description:
          'cash_off needs valueFen (满减 with thresholdFen); percent_off needs percentOff 1–99 (optional capFen); gift needs giftSku and giftName. fixed validity needs validFrom < validUntil; relative needs validDays (optionally cut at validUntil).',
        security: bearerAuth,
        body: CreateCouponTemplateBody,
        response: { 201: CouponTemplate, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await coupons.createTemplate(staffContext(request), request.body)),
  );

  app.get(
    '/coupon-templates',
    {
      onRequest: office,
      schema: { tags: ['coupons'], summary: 'Coupon templates of the brand', security: bearerAuth, querystring: CouponTemplateListQuery, response: { 200: Type.Array(CouponTemplate), ...errorResponses } },
    },
    async (request) => coupons.listTemplates(staffContext(request), request.query),
  );

  app.get(
    '/coupon-templates/:templateId',
    {
      onRequest: office,
      schema: { tags: ['coupons'], summary: 'A coupon template with issued, redeemed and spent figures', security: bearerAuth, params: TemplateParams, response: { 200: CouponTemplate, ...errorResponses } },
    },
    async (request) => coupons.getTemplate(staffContext(request), request.params.templateId),
  );

  app.patch(
    '/coupon-templates/:templateId',
    {
      onRequest: office,
      schema: {
        tags: ['coupons'],
        summary: 'Rename, pause, end, or change quantity, budget, stores or limits',
        description: 'totalQuantity cannot go below issuedCount, budgetFen not below spentFen; an ended template stays ended.',
        security: bearerAuth,
        params: TemplateParams,
        body: UpdateCouponTemplateBody,
        response: { 200: CouponTemplate, ...errorResponses },
      },
    },
    async (request) => coupons.updateTemplate(staffContext(request), request.params.templateId, request.body),
  );

  app.post(
    '/coupon-templates/:templateId/grants',
    {
      onRequest: office,
      schema: {
        tags: ['coupons'],
        summary: 'Give a coupon to each of up to 1000 members',
        description: 'Each member succeeds or fails on their own; the answer lists the coupon or the error code per member. Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        params: TemplateParams,
        body: GrantCouponsBody,
        response: { 200: GrantCouponsResult, ...errorResponses },
      },
    },
    async (request) => coupons.grant(staffContext(request), request.params.templateId, request.body, idempotencyKeyOf(request)),
  );

  // ---- members ----

  app.get(
    '/coupons/claimable',
    {
      onRequest: member,
      schema: { tags: ['coupons'], summary: 'Coupons I can take from the coupon centre', security: bearerAuth, response: { 200: Type.Array(ClaimableCoupon), ...errorResponses } },
    },
    async (request) => coupons.claimable(memberContext(request)),
  );

  app.post(
    '/coupon-templates/:templateId/claim',
    {
      onRequest: member,
      schema: {
        tags: ['coupons'],
        summary: 'Claim a free coupon',
        description: 'Idempotency-Key supported: a repeat returns the first coupon.',
        security: bearerAuth,
        headers: idempotencyHeader,
        params: TemplateParams,
        response: { 201: Coupon, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await coupons.claim(memberContext(request), request.params.templateId, idempotencyKeyOf(request))),
  );

  app.post(
    '/coupon-templates/:templateId/exchange',
    {
      onRequest: member,
      schema: {
        tags: ['coupons'],
        summary: 'Exchange points for a voucher',
        description: 'The points are spent and the coupon issued in one transaction. Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        params: TemplateParams,
        response: { 201: ExchangeCouponResult, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await coupons.exchange(memberContext(request), request.params.templateId, idempotencyKeyOf(request))),
  );

  app.get(
    '/members/me/coupons',
    {
      onRequest: member,
      schema: { tags: ['coupons'], summary: 'My coupons', security: bearerAuth, querystring: MyCouponsQuery, response: { 200: CouponPage, ...errorResponses } },
    },
    async (request) => coupons.myCoupons(memberContext(request), request.query),
  );

  app.get(
    '/members/me/coupons/:couponId',
    {
      onRequest: member,
      schema: { tags: ['coupons'], summary: 'One of my coupons, with the code to show at the counter', security: bearerAuth, params: CouponParams, response: { 200: Coupon, ...errorResponses } },
    },
    async (request) => coupons.myCoupon(memberContext(request), request.params.couponId),
  );

  // ---- staff ----

  app.get(
    '/members/:memberId/coupons',
    {
      onRequest: anyStaff,
      schema: {
        tags: ['coupons'],
        summary: "A member's coupons (clerks: those usable now at their stores)",
        security: bearerAuth,
        params: MemberParams,
        querystring: MemberCouponsQuery,
        response: { 200: CouponPage, ...errorResponses },
      },
    },
    async (request) => coupons.memberCoupons(staffContext(request), request.params.memberId, request.query),
  );

  app.get(
    '/coupons/by-code/:code',
    {
      onRequest: anyStaff,
      schema: {
        tags: ['coupons'],
        summary: 'A scanned coupon and whether it can be used here now',
        security: bearerAuth,
        params: CodeParams,
        querystring: CouponLookupQuery,
        response: { 200: CouponLookup, ...errorResponses },
      },
    },
    async (request) => coupons.lookupByCode(staffContext(request), request.params.code, request.query),
  );

  app.post(
    '/coupons/redeem',
    {
      onRequest: anyStaff,
      schema: {
        tags: ['coupons'],
        summary: 'Use a coupon at the counter without a recorded purchase',
        description:
          'For gift coupons, or when the POS records the sale itself. With grossFen the threshold is checked and the discount computed; a percent_off coupon needs it. Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        body: RedeemCouponBody,
        response: { 200: Coupon, ...errorResponses },
      },
    },
    async (request) => coupons.redeemAtCounter(staffContext(request), request.body, idempotencyKeyOf(request)),
  );
};
