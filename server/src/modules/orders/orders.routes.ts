import { Type } from '@sinclair/typebox';
import { IdOf, Order, OrderListQuery, Page, PurchaseResult, RecordPurchaseBody, RecordRefundBody, RefundResult } from '@memberloop/shared';
import { ALL_STAFF_ROLES, memberContext, requireMember, requireStaff, staffContext } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/idempotency';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { OrdersService } from './orders.service';

const OrderParams = Type.Object({ orderId: IdOf('order') }, { additionalProperties: false });
const MyOrdersQuery = Type.Object(
  { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })), offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })) },
  { additionalProperties: false },
);
const idempotencyHeader = Type.Object({ 'idempotency-key': Type.Optional(Type.String({ description: 'repeat-safe key: a repeat returns the first response' })) });

export const ordersRoutes: RoutesPlugin<{ orders: OrdersService }> = async (app, { services, checks }) => {
  const { orders } = services;
  const anyStaff = requireStaff(checks, ALL_STAFF_ROLES);
  const member = requireMember(checks);

  app.post(
    '/orders',
    {
      onRequest: anyStaff,
      schema: {
        tags: ['orders'],
        summary: 'Record a purchase for a member (clerk at the counter, POS or online channel)',
        description:
          'Identify the member by memberId, the scanned cardCode or phone. Coupons shown are redeemed against the purchase, points are earned and the tier is upgraded in the same transaction. The same channel externalId never records twice.',
        security: bearerAuth,
        headers: idempotencyHeader,
        body: RecordPurchaseBody,
        response: { 201: PurchaseResult, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await orders.recordPurchase(staffContext(request), request.body, idempotencyKeyOf(request))),
  );

  app.post(
    '/orders/:orderId/refunds',
    {
      onRequest: anyStaff,
      schema: {
        tags: ['orders'],
        summary: 'Refund all or part of an order',
        description: 'Points earned are taken back in proportion; a full refund makes the coupons used usable again and returns their budget.',
        security: bearerAuth,
        headers: idempotencyHeader,
        params: OrderParams,
        body: RecordRefundBody,
        response: { 201: RefundResult, ...errorResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await orders.recordRefund(staffContext(request), request.params.orderId, request.body, idempotencyKeyOf(request))),
  );

  app.get(
    '/orders',
    { onRequest: anyStaff, schema: { tags: ['orders'], summary: 'Orders of the brand (a clerk sees their stores)', security: bearerAuth, querystring: OrderListQuery, response: { 200: Page(Order), ...errorResponses } } },
    async (request) => orders.list(staffContext(request), request.query),
  );

  app.get(
    '/orders/:orderId',
    { onRequest: anyStaff, schema: { tags: ['orders'], security: bearerAuth, params: OrderParams, response: { 200: Order, ...errorResponses } } },
    async (request) => orders.get(staffContext(request), request.params.orderId),
  );

  app.get(
    '/members/me/orders',
    { onRequest: member, schema: { tags: ['orders'], summary: 'My orders', security: bearerAuth, querystring: MyOrdersQuery, response: { 200: Page(Order), ...errorResponses } } },
    async (request) => orders.myOrders(memberContext(request), request.query),
  );

  app.get(
    '/members/me/orders/:orderId',
    { onRequest: member, schema: { tags: ['orders'], security: bearerAuth, params: OrderParams, response: { 200: Order, ...errorResponses } } },
    async (request) => orders.myOrder(memberContext(request), request.params.orderId),
  );
};
