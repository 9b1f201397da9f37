import { Type } from '@sinclair/typebox';
import {
  AdjustMallStockBody,
  CancelMallExchangeBody,
  CancelMallExchangeResult,
  CreateMallExchangeBody,
  CreateMallItemBody,
  MallCatalogueItem,
  MallExchange,
  MallExchangeId,
  MallExchangeListQuery,
  MallExchangePage,
  MallExchangeResult,
  MallItem,
  MallItemId,
  MallItemListQuery,
  MyMallExchangesQuery,
  PickupCodeInput,
  PickupLookup,
  PickupLookupQuery,
  ShipMallExchangeBody,
  UpdateMallItemBody,
  VerifyPickupBody,
} from '@memberloop/shared';
import { OFFICE_ROLES, ALL_STAFF_ROLES, memberContext, requireMember, requireStaff, staffContext } from '../../http/auth';
import { idempotencyKeyOf } from '../../http/idempotency';
import { bearerAuth, errorResponses, type RoutesPlugin } from '../../http/route-kit';
import type { MallService } from './mall.service';

const ItemParams = Type.Object({ itemId: MallItemId }, { additionalProperties: false });
const ExchangeParams = Type.Object({ exchangeId: MallExchangeId }, { additionalProperties: false });
const PickupParams = Type.Object({ pickupCode: PickupCodeInput }, { additionalProperties: false });
const idempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: 'repeat the request with the same key to get the first answer instead of a second effect' })),
});

export const mallRoutes: RoutesPlugin<{ mall: MallService }> = async (app, { services, checks }) => {
  const { mall } = services;
  const member = requireMember(checks);
  const anyStaff = requireStaff(checks, ALL_STAFF_ROLES);
  const office = requireStaff(checks, OFFICE_ROLES);
  const tags = ['mall'];

  // ---- items (operators, admins) ----

  app.post(
    '/mall/items',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Put an item in the points mall',
        description: 'coupon goods need couponTemplateId (a template of the brand that has not ended); the window is [availableFrom, availableUntil).',
        security: bearerAuth,
        body: CreateMallItemBody,
        response: { 201: MallItem, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await mall.createItem(staffContext(request), request.body)),
  );

  app.get(
    '/mall/items',
    {
      onRequest: office,
      schema: { tags, summary: 'Items of the mall with stock and units exchanged', security: bearerAuth, querystring: MallItemListQuery, response: { 200: Type.Array(MallItem), ...errorResponses } },
    },
    async (request) => mall.listItems(staffContext(request), request.query),
  );

  app.get(
    '/mall/items/:itemId',
    { onRequest: office, schema: { tags, summary: 'One item', security: bearerAuth, params: ItemParams, response: { 200: MallItem, ...errorResponses } } },
    async (request) => mall.getItem(staffContext(request), request.params.itemId),
  );

  app.patch(
    '/mall/items/:itemId',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Change prices, limit, window, tier or status',
        description: 'Fulfilment and coupon template are fixed; stock moves through POST /mall/items/{itemId}/stock.',
        security: bearerAuth,
        params: ItemParams,
        body: UpdateMallItemBody,
        response: { 200: MallItem, ...errorResponses },
      },
    },
    async (request) => mall.updateItem(staffContext(request), request.params.itemId, request.body),
  );

  app.post(
    '/mall/items/:itemId/stock',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Add or take away stock',
        description: 'delta > 0 adds, delta < 0 takes away; stock never goes below 0 (MALL_OUT_OF_STOCK). Audited. Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        params: ItemParams,
        body: AdjustMallStockBody,
        response: { 200: MallItem, ...errorResponses },
      },
    },
    async (request) => mall.adjustStock(staffContext(request), request.params.itemId, request.body, idempotencyKeyOf(request)),
  );

  // ---- members ----

  app.get(
    '/mall/catalogue',
    {
      onRequest: member,
      schema: { tags, summary: 'Items on offer now, with my limit and whether my tier allows each', security: bearerAuth, response: { 200: Type.Array(MallCatalogueItem), ...errorResponses } },
    },
    async (request) => mall.catalogue(memberContext(request)),
  );

  app.get(
    '/mall/catalogue/:itemId',
    { onRequest: member, schema: { tags, summary: 'One item of the catalogue', security: bearerAuth, params: ItemParams, response: { 200: MallCatalogueItem, ...errorResponses } } },
    async (request) => mall.catalogueItem(memberContext(request), request.params.itemId),
  );

  app.post(
    '/mall/exchanges',
    {
      onRequest: member,
      schema: {
        tags,
        summary: 'Exchange points for an item',
        description:
          'Points and stock move together or not at all. pickup items give a pickup code (optionally at pickupStoreId); shipping items need shippingAddress (MALL_ADDRESS_REQUIRED); coupon goods issue one coupon per unit. Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        body: CreateMallExchangeBody,
        response: { 201: MallExchangeResult, ...errorResponses },
      },
    },
    async (request, reply) => reply.status(201).send(await mall.exchange(memberContext(request), request.body, idempotencyKeyOf(request))),
  );

  app.get(
    '/members/me/exchanges',
    {
      onRequest: member,
      schema: { tags, summary: 'My mall exchanges, newest first', security: bearerAuth, querystring: MyMallExchangesQuery, response: { 200: MallExchangePage, ...errorResponses } },
    },
    async (request) => mall.myExchanges(memberContext(request), request.query),
  );

  app.get(
    '/members/me/exchanges/:exchangeId',
    {
      onRequest: member,
      schema: { tags, summary: 'One of my exchanges, with its pickup code, shipping status or coupons', security: bearerAuth, params: ExchangeParams, response: { 200: MallExchange, ...errorResponses } },
    },
    async (request) => mall.myExchange(memberContext(request), request.params.exchangeId),
  );

  app.post(
    '/members/me/exchanges/:exchangeId/cancel',
    {
      onRequest: member,
      schema: {
        tags,
        summary: 'Cancel one of my exchanges',
        description:
          'Only before pickup or shipment, or coupon goods whose coupons are all unused (EXCHANGE_NOT_CANCELLABLE otherwise). Points go back to the lots they came from, the stock is restored, coupons are revoked. Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        params: ExchangeParams,
        response: { 200: CancelMallExchangeResult, ...errorResponses },
      },
    },
    async (request) => mall.cancelMine(memberContext(request), request.params.exchangeId, idempotencyKeyOf(request)),
  );

  // ---- operators: exchanges ----

  app.get(
    '/mall/exchanges',
    {
      onRequest: office,
      schema: { tags, summary: 'Exchanges of the brand, newest first', security: bearerAuth, querystring: MallExchangeListQuery, response: { 200: MallExchangePage, ...errorResponses } },
    },
    async (request) => mall.listExchanges(staffContext(request), request.query),
  );

  app.get(
    '/mall/exchanges/:exchangeId',
    { onRequest: office, schema: { tags, summary: 'One exchange', security: bearerAuth, params: ExchangeParams, response: { 200: MallExchange, ...errorResponses } } },
    async (request) => mall.getExchange(staffContext(request), request.params.exchangeId),
  );

  app.post(
    '/mall/exchanges/:exchangeId/cancel',
    {
      onRequest: office,
      schema: {
        tags,
        summary: "Cancel a member's exchange, with a reason",
        description: 'Same rules and effects as a member cancelling; audited. Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        params: ExchangeParams,
        body: CancelMallExchangeBody,
        response: { 200: CancelMallExchangeResult, ...errorResponses },
      },
    },
    async (request) => mall.cancelByOperator(staffContext(request), request.params.exchangeId, request.body.reason, idempotencyKeyOf(request)),
  );

  app.post(
    '/mall/exchanges/:exchangeId/ship',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Mark a shipping exchange as shipped',
        description: 'awaiting_shipment → shipped (EXCHANGE_STATUS_INVALID otherwise). Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        params: ExchangeParams,
        body: ShipMallExchangeBody,
        response: { 200: MallExchange, ...errorResponses },
      },
    },
    async (request) => mall.ship(staffContext(request), request.params.exchangeId, request.body, idempotencyKeyOf(request)),
  );

  app.post(
    '/mall/exchanges/:exchangeId/deliver',
    {
      onRequest: office,
      schema: {
        tags,
        summary: 'Mark a shipped exchange as delivered',
        description: 'shipped → delivered (EXCHANGE_STATUS_INVALID otherwise). Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        params: ExchangeParams,
        response: { 200: MallExchange, ...errorResponses },
      },
    },
    async (request) => mall.deliver(staffContext(request), request.params.exchangeId, idempotencyKeyOf(request)),
  );

  // ---- clerks: pickups ----

  app.get(
    '/mall/pickups/:pickupCode',
    {
      onRequest: anyStaff,
      schema: {
        tags,
        summary: 'Look up a pickup code before handing the item over',
        description: 'PICKUP_CODE_INVALID (404) for a code of no exchange of your brand; canPickUp and reason say whether it can be handed over at the store.',
        security: bearerAuth,
        params: PickupParams,
        querystring: PickupLookupQuery,
        response: { 200: PickupLookup, ...errorResponses },
      },
    },
    async (request) => mall.lookupPickup(staffContext(request), request.params.pickupCode, request.query),
  );

  app.post(
    '/mall/pickups',
    {
      onRequest: anyStaff,
      schema: {
        tags,
        summary: 'Hand over a pickup exchange',
        description:
          'The code must be of your brand (PICKUP_CODE_INVALID) and, if the exchange names a store, you must be at it (STORE_NOT_ASSIGNED). A code already picked up answers EXCHANGE_STATUS_INVALID. Idempotency-Key supported.',
        security: bearerAuth,
        headers: idempotencyHeader,
        body: VerifyPickupBody,
        response: { 200: MallExchange, ...errorResponses },
      },
    },
    async (request) => mall.verifyPickup(staffContext(request), request.body, idempotencyKeyOf(request)),
  );
};
