import {
  newId,
  normalizeCnMobile,
  type AdjustMallStockBody,
  type CancelMallExchangeResult,
  type Coupon,
  type CreateMallExchangeBody,
  type CreateMallItemBody,
  type ErrorCode,
  type MallCatalogueItem,
  type MallExchange,
  type MallExchangeListQuery,
  type MallExchangePage,
  type MallExchangeResult,
  type MallItem,
  type MallItemListQuery,
  type MyMallExchangesQuery,
  type PickupLookup,
  type PickupLookupQuery,
  type ShipMallExchangeBody,
  type UpdateMallItemBody,
  type VerifyPickupBody,
} from '@memberloop/shared';
import type { Db } from '../../db/client';
import { withTransaction, type Tx } from '../../db/transaction';
import type { ServiceDeps } from '../../deps';
import type { MemberContext, RequestContext, StaffContext } from '../../http/auth';
import { AppError, isAppError, validationFailed, type ErrorDetail } from '../../http/errors';
import { runOnce, type IdempotencyKey } from '../../http/idempotency';
import { auditActor, recordAudit } from '../audit';
import type { BrandsService } from '../brands';
import type { CouponsService, IssuedCouponRow } from '../coupons';
import type { PointsService } from '../points';
import type { TiersService } from '../tiers';
import { isCancellable, memberOutlook, newPickupCode, normalizePickupCode, notCancellableMessage, pickupStore, unavailability } from './mall-rules';
import * as repo from './mall.repository';
import { requireOffice } from '../../http/auth';

/** The points ledger's source of an exchange's redemption (the ledger keeps one redemption per source). */
const POINTS_SOURCE = 'mall_exchange';
const POINTS_CANCEL_SOURCE = 'mall_exchange_cancel';
/** 10^8 codes per brand: a clash is rare until a brand has millions of open codes, and then we draw again. */
const PICKUP_CODE_ATTEMPTS = 8;

type Detail = ErrorDetail;

// ---- API shapes ----

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toItem(row: repo.ItemRow): MallItem {
  return {
    id: row.id,
    brandId: row.brandId,
    name: row.name,
    description: row.description,
    imageUrl: row.imageUrl,
    pointsPrice: row.pointsPrice,
    cashPriceFen: row.cashPriceFen,
    stock: row.stock,
    exchangedCount: row.exchangedCount,
    perMemberLimit: row.perMemberLimit,
    availableFrom: iso(row.availableFrom),
    availableUntil: iso(row.availableUntil),
    minTierLevel: row.minTierLevel,
    fulfilment: row.fulfilment,
    couponTemplateId: row.couponTemplateId,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toCatalogueItem(item: repo.ItemRow, held: number, level: number, at: Date): MallCatalogueItem {
  return {
    id: item.id,
    name: item.name,
    description: item.description,
    imageUrl: item.imageUrl,
    pointsPrice: item.pointsPrice,
    cashPriceFen: item.cashPriceFen,
    fulfilment: item.fulfilment,
    stock: item.stock,
    availableFrom: iso(item.availableFrom),
    availableUntil: iso(item.availableUntil),
    perMemberLimit: item.perMemberLimit,
    exchangedByMe: held,
    minTierLevel: item.minTierLevel,
    ...memberOutlook(item, held, level, at),
  };
}

/** A coupon still marked available past its validity is shown as expired, as the coupons module shows it. */
const couponStatus = (coupon: { status: IssuedCouponRow['status']; validUntil: Date }, at: Date) =>
  coupon.status === 'available' && coupon.validUntil <= at ? 'expired' : coupon.status;

function toExchange({ exchange, item }: repo.ExchangeWithItem, couponRows: { id: string; code: string; status: IssuedCouponRow['status']; validUntil: Date }[], at: Date): MallExchange {
  const coupons = couponRows.map((c) => ({ id: c.id, code: c.code, status: couponStatus(c, at), validUntil: c.validUntil.toISOString() }));
  return {
    id: exchange.id,
    memberId: exchange.memberId,
    itemId: exchange.itemId,
    item: { name: item.name, imageUrl: item.imageUrl },
    quantity: exchange.quantity,
    pointsSpent: exchange.pointsSpent,
    cashFen: exchange.cashFen,
    fulfilment: exchange.fulfilment,
    status: exchange.status,
    pickupCode: exchange.pickupCode,
    pickupStoreId: exchange.pickupStoreId,
    pickedUpAt: iso(exchange.pickedUpAt),
    pickedUpByStaffId: exchange.pickedUpByStaffId,
    shippingAddress: exchange.shippingAddress ?? null,
    trackingNo: exchange.trackingNo,
    coupons,
    cancellable: isCancellable(
      exchange.status,
      coupons.map((c) => c.status),
    ),
    cancelledAt: iso(exchange.cancelledAt),
    cancelReason: exchange.cancelReason,
    createdAt: exchange.createdAt.toISOString(),
    updatedAt: exchange.updatedAt.toISOString(),
  };
}

/** What a coupon step's refusal means for a mall exchange of coupon goods: the template is the item's real stock. */
const COUPON_TO_MALL: Partial<Record<ErrorCode, ErrorCode>> = {
  COUPON_OUT_OF_STOCK: 'MALL_OUT_OF_STOCK',
  COUPON_LIMIT_REACHED: 'MALL_LIMIT_REACHED',
  COUPON_NOT_CLAIMABLE: 'MALL_ITEM_UNAVAILABLE',
  COUPON_TEMPLATE_NOT_FOUND: 'MALL_ITEM_UNAVAILABLE',
};

export type MallService = ReturnType<typeof createMallService>;

export function createMallService(
  { db, clock }: ServiceDeps,
  modules: { points: PointsService; coupons: CouponsService; tiers: TiersService; brands: Pick<BrandsService, 'steps'> },
) {
  const { points, coupons, tiers } = modules;

  /** The coupons each exchange issued (one per unit of coupon goods), by exchange id. */
  const couponsOfExchanges = (tx: Db, brandId: string, exchanges: { id: string }[]) =>
    coupons.steps.issuedFor(tx, brandId, 'mall', exchanges.map((exchange) => exchange.id));


  async function existingItem(tx: Db, brandId: string, itemId: string) {
    const row = await repo.findItem(tx, brandId, itemId);
    if (!row) throw new AppError('MALL_ITEM_NOT_FOUND');
    return row;
  }

  function windowProblems(from: Date | null, until: Date | null, path: string): Detail[] {
    return from && until && from >= until ? [{ path: `${path}/availableUntil`, message: 'must be after availableFrom' }] : [];
  }

  /** An exchange with its item and coupons, as the API shows it. */
  async function exchangeView(tx: Db, brandId: string, exchangeId: string, at: Date): Promise<MallExchange | undefined> {
    const row = await repo.findExchange(tx, brandId, exchangeId);
    if (!row) return undefined;
    const byExchange = await couponsOfExchanges(tx, brandId, [row.exchange]);
    return toExchange(row, byExchange.get(row.exchange.id) ?? [], at);
  }

  async function page(brandId: string, filter: repo.ExchangeFilter, query: { limit?: number; offset?: number }): Promise<MallExchangePage> {
    const at = clock.now();
    const { items, total } = await repo.listExchanges(db, brandId, filter, { limit: query.limit ?? 50, offset: query.offset ?? 0 });
    const byExchange = await couponsOfExchanges(db, brandId,
      items.map((row) => row.exchange),
    );
    return { items: items.map((row) => toExchange(row, byExchange.get(row.exchange.id) ?? [], at)), total };
  }

  /** The exchange's inputs for its kind of fulfilment, checked before anything moves. */
  async function fulfilmentInputs(tx: Db, brandId: string, item: repo.ItemRow, body: CreateMallExchangeBody) {
    const details: Detail[] = [];
    if (item.fulfilment !== 'pickup' && body.pickupStoreId) details.push({ path: 'body/pickupStoreId', message: 'only pickup items are collected at a store' });
    if (item.fulfilment !== 'shipping' && body.shippingAddress) details.push({ path: 'body/shippingAddress', message: 'only shipping items are sent to an address' });
    if (details.length) validationFailed(details);
    if (item.fulfilment === 'pickup' && body.pickupStoreId) {
      const status = await modules.brands.steps.storeStatus(tx, brandId, body.pickupStoreId);
      if (status !== 'active') throw new AppError('STORE_NOT_FOUND', status ? 'This store is closed' : undefined);
    }
    if (item.fulfilment === 'shipping') {
      if (!body.shippingAddress) throw new AppError('MALL_ADDRESS_REQUIRED');
      const phone = normalizeCnMobile(body.shippingAddress.phone);
      if (!phone) throw new AppError('PHONE_INVALID', undefined, [{ path: 'body/shippingAddress/phone', message: 'not a mainland China mobile number' }]);
      const trimmed = Object.fromEntries(Object.entries(body.shippingAddress).map(([k, v]) => [k, v.trim()])) as typeof body.shippingAddress;
      const blank = Object.entries(trimmed).filter(([, v]) => v === '');
      if (blank.length) validationFailed(blank.map(([k]) => ({ path: `body/shippingAddress/${k}`, message: 'must not be blank' })));
      return { pickupStoreId: null, shippingAddress: { ...trimmed, phone } };
    }
    return { pickupStoreId: body.pickupStoreId ?? null, shippingAddress: null };
  }

  /** Issues one coupon per unit; a refusal is reported in the mall's own terms. */
  async function issueCoupons(tx: Tx, input: { brandId: string; templateId: string; memberId: string; exchangeId: string; quantity: number; at: Date }): Promise<Coupon[]> {
    const issued: Coupon[] = [];
    try {
      for (let i = 0; i < input.quantity; i++) {
        issued.push(await coupons.steps.issue(tx, { brandId: input.brandId, templateId: input.templateId, memberId: input.memberId, via: 'mall', ref: input.exchangeId, at: input.at }));
      }
    } catch (error) {
      const mapped = isAppError(error) ? COUPON_TO_MALL[error.code] : undefined;
      if (mapped) throw new AppError(mapped, `The coupon of this item cannot be issued: ${error instanceof Error ? error.message : ''}`);
      throw error;
    }
    return issued;
  }

  /**
   * The cancellation of a locked exchange, in the caller's transaction, in the order an exchange takes its locks
   * (member count, points account, coupon template, item), so a cancel and an exchange cannot deadlock.
   */
  async function cancelLocked(tx: Tx, context: RequestContext, exchange: repo.ExchangeRow, reason: string | null, at: Date): Promise<CancelMallExchangeResult> {
    if (exchange.status !== 'awaiting_pickup' && exchange.status !== 'awaiting_shipment' && exchange.status !== 'issued') {
      throw new AppError('EXCHANGE_NOT_CANCELLABLE', notCancellableMessage(exchange.status));
    }
    const { brandId } = exchange;
    const actor = context.actor.type === 'staff' ? { type: 'staff' as const, id: context.actor.staffId } : { type: 'member' as const, id: context.actor.memberId };
    await repo.decrementMemberCount(tx, brandId, exchange.itemId, exchange.memberId, exchange.quantity);
    if (!exchange.pointsEntryId) throw new Error(`exchange ${exchange.id} has no points entry`);
    const restored = await points.steps.restoreRedemption(tx, {
      brandId,
      redeemEntryId: exchange.pointsEntryId,
      reason: '积分商城兑换取消',
      sourceType: POINTS_CANCEL_SOURCE,
      sourceId: exchange.id,
      actor,
      at,
    });
    if (exchange.status === 'issued') {
      const own = (await couponsOfExchanges(tx, brandId, [exchange])).get(exchange.id) ?? [];
      for (const coupon of own) {
        try {
          // the revoke locks the coupon: a redemption at a till either finished before (refused here) or waits and fails
          await coupons.steps.revoke(tx, { brandId, couponId: coupon.id, reason: `mall exchange ${exchange.id} cancelled`, at });
        } catch (error) {
          if (isAppError(error) && error.code === 'COUPON_ALREADY_REDEEMED') throw new AppError('EXCHANGE_NOT_CANCELLABLE', notCancellableMessage('issued'));
          throw error;
        }
      }
    }
    const updated = await repo.updateExchange(tx, brandId, exchange.id, exchange.status, { status: 'cancelled', cancelledAt: at, cancelReason: reason }, at);
    // the row is locked by the caller, so its status cannot have moved
    if (!updated) throw new Error(`exchange ${exchange.id} changed under its lock`);
    // the shared stock row last: it is held only from here to the commit
    await repo.giveBackStock(tx, brandId, exchange.itemId, exchange.quantity, at);
    await recordAudit(tx, {
      brandId,
      ...auditActor(context),
      action: 'mall_exchange.cancelled',
      targetType: 'mall_exchange',
      targetId: exchange.id,
      data: { reason, itemId: exchange.itemId, memberId: exchange.memberId, quantity: exchange.quantity, pointsRestored: restored.amount },
      at,
    });
    return { exchange: (await exchangeView(tx, brandId, exchange.id, at))!, pointsRestored: restored.amount, pointsBalance: restored.balance };
  }

  return {
    // ---- items (operators and admins) ----

    async createItem(context: StaffContext, body: CreateMallItemBody): Promise<MallItem> {
      requireOffice(context);
      const now = clock.now();
      const availableFrom = body.availableFrom ? new Date(body.availableFrom) : null;
      const availableUntil = body.availableUntil ? new Date(body.availableUntil) : null;
      const details = windowProblems(availableFrom, availableUntil, 'body');
      const templateId = body.couponTemplateId ?? null;
      if (body.fulfilment === 'coupon' && !templateId) details.push({ path: 'body/couponTemplateId', message: 'required for coupon goods' });
      if (body.fulfilment !== 'coupon' && templateId) details.push({ path: 'body/couponTemplateId', message: 'only coupon goods have a coupon template' });
      if (details.length) validationFailed(details);
      if (templateId) {
        // the coupons service's own read (brand-scoped, COUPON_TEMPLATE_NOT_FOUND for another brand's template)
        const template = await coupons.getTemplate(context, templateId);
        if (template.status === 'ended') validationFailed([{ path: 'body/couponTemplateId', message: 'this coupon template has ended' }]);
      }
      return withTransaction(db, async (tx) => {
        const row = await repo.insertItem(tx, {
          id: newId('mallItem', now.getTime()),
          brandId: context.brandId,
          name: body.name,
          description: body.description ?? null,
          imageUrl: body.imageUrl ?? null,
          pointsPrice: body.pointsPrice,
          cashPriceFen: body.cashPriceFen ?? 0,
          stock: body.stock,
          perMemberLimit: body.perMemberLimit ?? null,
          availableFrom,
          availableUntil,
          minTierLevel: body.minTierLevel ?? 0,
          fulfilment: body.fulfilment,
          couponTemplateId: templateId,
          status: body.status ?? 'active',
          createdAt: now,
          updatedAt: now,
        });
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'mall_item.created', targetType: 'mall_item', targetId: row.id, data: { ...body }, at: now });
        return toItem(row);
      });
    },

    async listItems(context: StaffContext, query: MallItemListQuery): Promise<MallItem[]> {
      requireOffice(context);
      return (await repo.listItems(db, context.brandId, query.status)).map(toItem);
    },

    async getItem(context: StaffContext, itemId: string): Promise<MallItem> {
      requireOffice(context);
      return toItem(await existingItem(db, context.brandId, itemId));
    },

    async updateItem(context: StaffContext, itemId: string, body: UpdateMallItemBody): Promise<MallItem> {
      requireOffice(context);
      const now = clock.now();
      return withTransaction(db, async (tx) => {
        // locked so the window check below holds against a concurrent change of the other end
        const current = await repo.lockItem(tx, context.brandId, itemId);
        if (!current) throw new AppError('MALL_ITEM_NOT_FOUND');
        const changes: repo.ItemChanges = {};
        if (body.name !== undefined) changes.name = body.name;
        if (body.description !== undefined) changes.description = body.description;
        if (body.imageUrl !== undefined) changes.imageUrl = body.imageUrl;
        if (body.pointsPrice !== undefined) changes.pointsPrice = body.pointsPrice;
        if (body.cashPriceFen !== undefined) changes.cashPriceFen = body.cashPriceFen;
        if (body.perMemberLimit !== undefined) changes.perMemberLimit = body.perMemberLimit;
        if (body.availableFrom !== undefined) changes.availableFrom = body.availableFrom ? new Date(body.availableFrom) : null;
        if (body.availableUntil !== undefined) changes.availableUntil = body.availableUntil ? new Date(body.availableUntil) : null;
        if (body.minTierLevel !== undefined) changes.minTierLevel = body.minTierLevel;
        if (body.status !== undefined) changes.status = body.status;
        const from = changes.availableFrom !== undefined ? changes.availableFrom : current.availableFrom;
        const until = changes.availableUntil !== undefined ? changes.availableUntil : current.availableUntil;
        const problems = windowProblems(from, until, 'body');
        if (problems.length) validationFailed(problems);
        const row = await repo.updateItem(tx, context.brandId, itemId, changes, now);
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'mall_item.updated', targetType: 'mall_item', targetId: itemId, data: { ...body }, at: now });
        return toItem(row);
      });
    },

    /** Adds or takes away stock with one conditional update: it never goes below zero, whatever runs at the same time. */
    async adjustStock(context: StaffContext, itemId: string, body: AdjustMallStockBody, key: IdempotencyKey | null): Promise<MallItem> {
      requireOffice(context);
      if (body.delta === 0) validationFailed([{ path: 'body/delta', message: 'must not be 0' }]);
      const at = clock.now();
      return runOnce(
        db,
        key,
        async (tx) => {
          const row = await repo.adjustStock(tx, context.brandId, itemId, body.delta, at);
          if (!row) {
            const current = await existingItem(tx, context.brandId, itemId);
            throw new AppError('MALL_OUT_OF_STOCK', `Only ${current.stock} in stock: cannot take away ${-body.delta}`);
          }
          await recordAudit(tx, {
            brandId: context.brandId,
            ...auditActor(context),
            action: 'mall_item.stock_adjusted',
            targetType: 'mall_item',
            targetId: itemId,
            data: { delta: body.delta, reason: body.reason, stockAfter: row.stock },
            at,
          });
          return toItem(row);
        },
        at,
      );
    },

    // ---- members ----

    /** Items on offer now, with what I may still exchange of each. */
    async catalogue(context: MemberContext): Promise<MallCatalogueItem[]> {
      const at = clock.now();
      const { brandId, actor } = context;
      const [rows, level] = await Promise.all([repo.catalogue(db, brandId, actor.memberId, at), tiers.steps.effectiveLevel(db, brandId, actor.memberId, at)]);
      return rows.map(({ item, held }) => toCatalogueItem(item, held, level, at));
    },

    /** One item of the catalogue; an item not offered (inactive) does not exist for members, one outside its window says so. */
    async catalogueItem(context: MemberContext, itemId: string): Promise<MallCatalogueItem> {
      const at = clock.now();
      const { brandId, actor } = context;
      const item = await repo.findItem(db, brandId, itemId);
      if (!item || item.status !== 'active') throw new AppError('MALL_ITEM_NOT_FOUND');
      const [held, level] = await Promise.all([repo.heldByMember(db, brandId, itemId, actor.memberId), tiers.steps.effectiveLevel(db, brandId, actor.memberId, at)]);
      return toCatalogueItem(item, held, level, at);
    },

    /**
     * Exchanges points for an item, in one transaction: every check and value move succeeds, or nothing moves.
     * Order: checks on the item as read (window, tier, limit, stock seen) → the member's count (their own row) →
     * points (their own account) → coupons for coupon goods → the exchange row → the stock. The stock row is what
     * every exchanger of the item waits on, so its conditional update comes last and is held only until commit.
     */
    async exchange(context: MemberContext, body: CreateMallExchangeBody, key: IdempotencyKey | null): Promise<MallExchangeResult> {
      const at = clock.now();
      const { brandId } = context;
      const memberId = context.actor.memberId;
      const quantity = body.quantity ?? 1;
      return runOnce(
        db,
        key,
        async (tx) => {
          const item = await repo.findItem(tx, brandId, body.itemId);
          if (!item) throw new AppError('MALL_ITEM_NOT_FOUND');
          const unavailable = unavailability(item, at);
          if (unavailable) throw new AppError('MALL_ITEM_UNAVAILABLE', unavailable);
          const fulfilment = await fulfilmentInputs(tx, brandId, item, body);
          if (item.minTierLevel > 0) {
            const level = await tiers.steps.effectiveLevel(tx, brandId, memberId, at);
            if (level < item.minTierLevel) throw new AppError('MALL_TIER_TOO_LOW', `This item needs tier level ${item.minTierLevel}; yours is ${level}`);
          }
          if (item.perMemberLimit !== null && quantity > item.perMemberLimit) throw new AppError('MALL_LIMIT_REACHED', `At most ${item.perMemberLimit} per member`);
          // sold out as this transaction saw it: fail before touching anything; the conditional update below is the guarantee
          if (item.stock < quantity) throw new AppError('MALL_OUT_OF_STOCK', item.stock > 0 ? `Only ${item.stock} left` : undefined);

          const held = await repo.incrementMemberCount(tx, brandId, item.id, memberId, quantity, item.perMemberLimit);
          if (held === null) throw new AppError('MALL_LIMIT_REACHED', `At most ${item.perMemberLimit} per member`);

          const exchangeId = newId('mallExchange', at.getTime());
          const pointsSpent = item.pointsPrice * quantity;
          const redeemed = await points.steps.redeem(tx, {
            brandId,
            memberId,
            amount: pointsSpent,
            reason: `积分商城兑换：${item.name} ×${quantity}`,
            sourceType: POINTS_SOURCE,
            sourceId: exchangeId,
            actor: { type: 'member', id: memberId },
            at,
          });

          const issued =
            item.fulfilment === 'coupon' ? await issueCoupons(tx, { brandId, templateId: item.couponTemplateId!, memberId, exchangeId, quantity, at }) : [];
          const status = item.fulfilment === 'pickup' ? 'awaiting_pickup' : item.fulfilment === 'shipping' ? 'awaiting_shipment' : 'issued';
          let exchange: repo.ExchangeRow | undefined;
          for (let attempt = 0; !exchange && attempt < PICKUP_CODE_ATTEMPTS; attempt++) {
            exchange = await repo.insertExchangeUnlessCodeTaken(tx, {
              id: exchangeId,
              brandId,
              memberId,
              itemId: item.id,
              quantity,
              pointsSpent,
              cashFen: item.cashPriceFen * quantity,
              fulfilment: item.fulfilment,
              status,
              pickupCode: item.fulfilment === 'pickup' ? newPickupCode() : null,
              pickupStoreId: fulfilment.pickupStoreId,
              shippingAddress: fulfilment.shippingAddress,
              couponId: issued[0]?.id ?? null,
              pointsEntryId: redeemed.entryId,
              createdAt: at,
              updatedAt: at,
            });
          }
          if (!exchange) throw new Error(`could not draw an unused pickup code in ${PICKUP_CODE_ATTEMPTS} attempts`);

          const taken = await repo.takeStock(tx, brandId, item.id, quantity, at);
          if (!taken) {
            // another exchange, a stock change or a status change won since the read above
            const now = await existingItem(tx, brandId, item.id);
            const reason = unavailability(now, at);
            if (reason) throw new AppError('MALL_ITEM_UNAVAILABLE', reason);
            throw new AppError('MALL_OUT_OF_STOCK', now.stock > 0 ? `Only ${now.stock} left` : undefined);
          }
          const view = toExchange(
            { exchange, item: { name: taken.name, imageUrl: taken.imageUrl } },
            issued.map((c) => ({ id: c.id, code: c.code, status: c.status, validUntil: new Date(c.validUntil) })),
            at,
          );
          return { exchange: view, pointsSpent, pointsBalance: redeemed.balance };
        },
        at,
      );
    },

    async myExchanges(context: MemberContext, query: MyMallExchangesQuery): Promise<MallExchangePage> {
      return page(context.brandId, { memberId: context.actor.memberId, status: query.status }, query);
    },

    async myExchange(context: MemberContext, exchangeId: string): Promise<MallExchange> {
      const view = await exchangeView(db, context.brandId, exchangeId, clock.now());
      // another member's exchange does not exist for me
      if (!view || view.memberId !== context.actor.memberId) throw new AppError('EXCHANGE_NOT_FOUND');
      return view;
    },

    async cancelMine(context: MemberContext, exchangeId: string, key: IdempotencyKey | null): Promise<CancelMallExchangeResult> {
      const at = clock.now();
      return runOnce(
        db,
        key,
        async (tx) => {
          const exchange = await repo.lockExchange(tx, context.brandId, exchangeId);
          if (!exchange || exchange.memberId !== context.actor.memberId) throw new AppError('EXCHANGE_NOT_FOUND');
          return cancelLocked(tx, context, exchange, null, at);
        },
        at,
      );
    },

    // ---- operators: exchanges ----

    async listExchanges(context: StaffContext, query: MallExchangeListQuery): Promise<MallExchangePage> {
      requireOffice(context);
      return page(context.brandId, { status: query.status, itemId: query.itemId, memberId: query.memberId }, query);
    },

    async getExchange(context: StaffContext, exchangeId: string): Promise<MallExchange> {
      requireOffice(context);
      const view = await exchangeView(db, context.brandId, exchangeId, clock.now());
      if (!view) throw new AppError('EXCHANGE_NOT_FOUND');
      return view;
    },

    async cancelByOperator(context: StaffContext, exchangeId: string, reason: string, key: IdempotencyKey | null): Promise<CancelMallExchangeResult> {
      requireOffice(context);
      const at = clock.now();
      return runOnce(
        db,
        key,
        async (tx) => {
          const exchange = await repo.lockExchange(tx, context.brandId, exchangeId);
          if (!exchange) throw new AppError('EXCHANGE_NOT_FOUND');
          return cancelLocked(tx, context, exchange, reason, at);
        },
        at,
      );
    },

    async ship(context: StaffContext, exchangeId: string, body: ShipMallExchangeBody, key: IdempotencyKey | null): Promise<MallExchange> {
      requireOffice(context);
      const at = clock.now();
      return runOnce(
        db,
        key,
        async (tx) => {
          const exchange = await repo.lockExchange(tx, context.brandId, exchangeId);
          if (!exchange) throw new AppError('EXCHANGE_NOT_FOUND');
          if (exchange.status !== 'awaiting_shipment') throw new AppError('EXCHANGE_STATUS_INVALID', `Only an exchange awaiting shipment can be shipped; this one is ${exchange.status}`);
          await repo.updateExchange(tx, context.brandId, exchangeId, 'awaiting_shipment', { status: 'shipped', trackingNo: body.trackingNo }, at);
          await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'mall_exchange.shipped', targetType: 'mall_exchange', targetId: exchangeId, data: { trackingNo: body.trackingNo }, at });
          return (await exchangeView(tx, context.brandId, exchangeId, at))!;
        },
        at,
      );
    },

    async deliver(context: StaffContext, exchangeId: string, key: IdempotencyKey | null): Promise<MallExchange> {
      requireOffice(context);
      const at = clock.now();
      return runOnce(
        db,
        key,
        async (tx) => {
          const exchange = await repo.lockExchange(tx, context.brandId, exchangeId);
          if (!exchange) throw new AppError('EXCHANGE_NOT_FOUND');
          if (exchange.status !== 'shipped') throw new AppError('EXCHANGE_STATUS_INVALID', `Only a shipped exchange can be delivered; this one is ${exchange.status}`);
          await repo.updateExchange(tx, context.brandId, exchangeId, 'shipped', { status: 'delivered' }, at);
          await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'mall_exchange.delivered', targetType: 'mall_exchange', targetId: exchangeId, data: {}, at });
          return (await exchangeView(tx, context.brandId, exchangeId, at))!;
        },
        at,
      );
    },

    // ---- clerks: pickups ----

    /** What a pickup code is, and whether it can be handed over here now. */
    async lookupPickup(context: StaffContext, pickupCode: string, query: PickupLookupQuery): Promise<PickupLookup> {
      const { role, storeIds } = context.actor;
      if (query.storeId && role === 'clerk' && !storeIds.includes(query.storeId)) throw new AppError('STORE_NOT_ASSIGNED');
      const at = clock.now();
      const code = normalizePickupCode(pickupCode);
      const row = code ? await repo.findExchangeByPickupCode(db, context.brandId, code) : undefined;
      if (!row) throw new AppError('PICKUP_CODE_INVALID');
      const place = pickupStore({ role, storeIds }, row.exchange.pickupStoreId, query.storeId);
      let reason: ErrorCode | null = null;
      if ('problem' in place) reason = 'STORE_NOT_ASSIGNED';
      else if (row.exchange.status !== 'awaiting_pickup') reason = 'EXCHANGE_STATUS_INVALID';
      return {
        exchange: toExchange(row, [], at),
        storeId: 'storeId' in place ? place.storeId : (query.storeId ?? null),
        canPickUp: reason === null,
        reason,
      };
    },

    /**
     * Hands a pickup exchange over: the code must be of the clerk's brand and awaiting pickup, at the store the
     * exchange names (if it names one). Verifying a code twice is refused with what happened the first time.
     */
    async verifyPickup(context: StaffContext, body: VerifyPickupBody, key: IdempotencyKey | null): Promise<MallExchange> {
      const { brandId } = context;
      const { role, storeIds, staffId } = context.actor;
      if (body.storeId && role === 'clerk' && !storeIds.includes(body.storeId)) throw new AppError('STORE_NOT_ASSIGNED');
      if (body.storeId && role !== 'clerk' && !(await modules.brands.steps.storeStatus(db, brandId, body.storeId))) throw new AppError('STORE_NOT_FOUND');
      const code = normalizePickupCode(body.pickupCode);
      if (!code) throw new AppError('PICKUP_CODE_INVALID');
      const at = clock.now();
      return runOnce(
        db,
        key,
        async (tx) => {
          const exchange = await repo.lockExchangeByPickupCode(tx, brandId, code);
          if (!exchange) throw new AppError('PICKUP_CODE_INVALID');
          const place = pickupStore({ role, storeIds }, exchange.pickupStoreId, body.storeId);
          if ('problem' in place) throw new AppError('STORE_NOT_ASSIGNED', place.problem);
          if (exchange.status === 'picked_up') {
            throw new AppError('EXCHANGE_STATUS_INVALID', `This exchange was already picked up at ${exchange.pickedUpAt?.toISOString() ?? 'an earlier time'}`);
          }
          if (exchange.status === 'cancelled') throw new AppError('EXCHANGE_STATUS_INVALID', 'This exchange was cancelled');
          if (exchange.status !== 'awaiting_pickup') throw new AppError('EXCHANGE_STATUS_INVALID', `This exchange is ${exchange.status}, not awaiting pickup`);
          const updated = await repo.updateExchange(
            tx,
            brandId,
            exchange.id,
            'awaiting_pickup',
            { status: 'picked_up', pickedUpAt: at, pickedUpByStaffId: staffId, pickupStoreId: exchange.pickupStoreId ?? place.storeId },
            at,
          );
          if (!updated) throw new Error(`exchange ${exchange.id} changed under its lock`);
          await recordAudit(tx, {
            brandId,
            ...auditActor(context),
            action: 'mall_exchange.picked_up',
            targetType: 'mall_exchange',
            targetId: exchange.id,
            data: { storeId: updated.pickupStoreId, memberId: exchange.memberId, itemId: exchange.itemId, quantity: exchange.quantity },
            at,
          });
          return (await exchangeView(tx, brandId, exchange.id, at))!;
        },
        at,
      );
    },
  };
}
