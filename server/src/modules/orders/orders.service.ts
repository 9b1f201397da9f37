import { newId, roundRatio, type Order, type OrderListQuery, type PurchaseResult, type RecordPurchaseBody, type RecordRefundBody, type RefundResult } from '@memberloop/shared';
import type { ServiceDeps } from '../../deps';
import type { Db } from '../../db/client';
import type { Tx } from '../../db/transaction';
import { storeForClerk, type MemberContext, type StaffContext } from '../../http/auth';
import { AppError } from '../../http/errors';
import { runOnce, type IdempotencyKey } from '../../http/idempotency';
import type { CouponsService } from '../coupons';
import type { MembersService } from '../members';
import type { PointsService } from '../points';
import type { TiersService } from '../tiers';
import * as repo from './orders.repository';

/** Purchases may be reported late (a POS that was offline), but not from the future or from long ago. */
const MAX_BACKDATE_MS = 90 * 86_400_000;
const MAX_CLOCK_SKEW_MS = 5 * 60_000;

function toOrder(row: repo.OrderRow, items: repo.OrderItemRow[], refunds: repo.RefundRow[]): Order {
  return {
    id: row.id,
    memberId: row.memberId,
    storeId: row.storeId,
    channel: row.channel,
    externalId: row.externalId,
    grossFen: row.grossFen,
    discountFen: row.discountFen,
    paidFen: row.paidFen,
    refundedFen: row.refundedFen,
    status: row.status,
    pointsEarned: row.pointsEarned,
    couponCodes: row.couponCodes,
    items: items.map((item) => ({
      sku: item.sku,
      name: item.name,
      category: item.category,
      quantity: item.quantity,
      unitPriceFen: item.unitPriceFen,
      amountFen: item.amountFen,
      refundedQuantity: item.refundedQuantity,
    })),
    refunds: refunds.map(toRefund),
    occurredAt: row.occurredAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}

function toRefund(row: repo.RefundRow & { couponsRestored?: number }) {
  return {
    id: row.id,
    orderId: row.orderId,
    externalId: row.externalId,
    amountFen: row.amountFen,
    pointsReversed: row.pointsReversed,
    couponsRestored: row.couponsRestored ?? 0,
    reason: row.reason,
    occurredAt: row.occurredAt.toISOString(),
  };
}

export type OrdersService = ReturnType<typeof createOrdersService>;

export function createOrdersService(
  { db, clock }: ServiceDeps,
  { members, points, coupons, tiers }: { members: MembersService; points: PointsService; coupons: CouponsService; tiers: TiersService },
) {
  async function loadOrder(tx: Db, brandId: string, orderId: string): Promise<Order> {
    const row = await repo.findOrder(tx, brandId, orderId);
    if (!row) throw new AppError('ORDER_NOT_FOUND');
    const [items, refunds] = await Promise.all([repo.itemsOf(tx, brandId, [orderId]), repo.refundsOf(tx, brandId, [orderId])]);
    return toOrder(row, items, refunds);
  }

  function occurredAt(input: string | undefined): Date {
    const now = clock.now();
    if (!input) return now;
    const at = new Date(input);
    if (at.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS || at.getTime() < now.getTime() - MAX_BACKDATE_MS) {
      throw new AppError('VALIDATION_FAILED', 'occurredAt must be within the last 90 days and not in the future', [{ path: 'body/occurredAt', message: 'out of range' }]);
    }
    return at;
  }

  async function resolveMember(tx: Tx, brandId: string, body: RecordPurchaseBody) {
    const given = [body.memberId, body.cardCode, body.phone].filter((value) => value !== undefined);
    if (given.length !== 1) {
      throw new AppError('VALIDATION_FAILED', 'Identify the member with exactly one of memberId, cardCode or phone', [{ path: 'body', message: 'one of memberId, cardCode, phone' }]);
    }
    if (body.cardCode) return members.steps.memberByCardCode(tx, brandId, body.cardCode);
    if (body.phone) return members.steps.memberByPhone(tx, brandId, body.phone);
    return members.steps.activeMember(tx, brandId, body.memberId!);
  }

  function sameOrder(existing: repo.OrderRow, memberId: string, grossFen: number) {
    return existing.memberId === memberId && existing.grossFen === grossFen;
  }

  async function page(tx: Db, brandId: string, filter: { memberId?: string; storeIds?: string[]; limit: number; offset: number }) {
    const { rows, total } = await repo.listOrders(tx, brandId, filter);
    const ids = rows.map((row) => row.id);
    const [items, refunds] = await Promise.all([repo.itemsOf(tx, brandId, ids), repo.refundsOf(tx, brandId, ids)]);
    return {
      items: rows.map((row) => toOrder(row, items.filter((item) => item.orderId === row.id), refunds.filter((refund) => refund.orderId === row.id))),
      total,
    };
  }

  return {
    /**
     * Records a purchase for a member: redeems the coupons shown, earns points (at the member's tier before
     * this purchase), and upgrades the tier at once if a threshold is crossed — all in one transaction.
     * The same external id of a channel never records twice: a repeat with the same member and amount
     * returns the first order; with other details it is ORDER_ALREADY_RECORDED.
     */
    async recordPurchase(context: StaffContext, body: RecordPurchaseBody, key: IdempotencyKey | null): Promise<PurchaseResult> {
      const channel = body.channel ?? 'store';
      if (context.actor.role === 'clerk' && channel !== 'store') throw new AppError('FORBIDDEN', 'Clerks record store purchases');
      const storeId = channel === 'store' ? storeForClerk(context, body.storeId) : (body.storeId ?? null);
      if (channel === 'store' && !storeId) {
        throw new AppError('VALIDATION_FAILED', 'storeId is required for a store purchase', [{ path: 'body/storeId', message: 'required' }]);
      }
      if (channel !== 'store' && !body.externalId) {
        throw new AppError('VALIDATION_FAILED', `externalId is required for ${channel} orders`, [{ path: 'body/externalId', message: 'required' }]);
      }
      if (body.items) {
        const total = body.items.reduce((sum, item) => sum + item.quantity * item.unitPriceFen, 0);
        if (total !== body.amountFen) throw new AppError('ORDER_AMOUNT_MISMATCH', `The items add up to ${total} fen, not ${body.amountFen}`);
      }
      const at = occurredAt(body.occurredAt);
      const brandId = context.brandId;

      return runOnce(db, key, async (tx) => {
        const member = await resolveMember(tx, brandId, body);
        const orderId = newId('order', at.getTime());
        const externalId = body.externalId ?? orderId;
        const inserted = await repo.insertOrderIfNew(tx, {
          id: orderId,
          brandId,
          memberId: member.id,
          storeId,
          channel,
          externalId,
          grossFen: body.amountFen,
          paidFen: body.amountFen,
          recordedByStaffId: context.actor.staffId,
          occurredAt: at,
          createdAt: clock.now(),
          updatedAt: clock.now(),
        });
        if (!inserted) {
          const existing = (await repo.findOrderByExternalId(tx, brandId, channel, externalId))!;
          if (!sameOrder(existing, member.id, body.amountFen)) throw new AppError('ORDER_ALREADY_RECORDED');
          const balance = (await points.steps.balanceOf(tx, brandId, member.id)).balance;
          const level = await tiers.steps.effectiveLevel(tx, brandId, member.id, clock.now());
          return { order: await loadOrder(tx, brandId, existing.id), pointsBalance: balance, pointsLockedUntil: null, tier: { level, upgraded: false } };
        }
        if (body.items) {
          await repo.insertItems(
            tx,
            body.items.map((item) => ({
              id: newId('orderItem'),
              brandId,
              orderId,
              sku: item.sku,
              name: item.name ?? null,
              category: item.category ?? null,
              quantity: item.quantity,
              unitPriceFen: item.unitPriceFen,
              amountFen: item.quantity * item.unitPriceFen,
            })),
          );
        }

        let discountFen = 0;
        const couponCodes = body.couponCodes ?? [];
        if (couponCodes.length) {
          const redeemed = await coupons.steps.redeemForOrder(tx, { brandId, memberId: member.id, storeId, codes: couponCodes, grossFen: body.amountFen, orderId, staffId: context.actor.staffId, at });
          discountFen = redeemed.discountFen;
        }
        const paidFen = body.amountFen - discountFen;

        const tierMultiplierPermille = await tiers.steps.pointsMultiplierPermille(tx, brandId, member.id, at);
        const earned = await points.steps.computeOrderPoints(tx, {
          brandId,
          at,
          grossFen: body.amountFen,
          paidFen,
          items: (body.items ?? []).map((item) => ({ sku: item.sku, category: item.category ?? null, amountFen: item.quantity * item.unitPriceFen })),
          tierMultiplierPermille,
        });
        const lockedUntil = earned > 0 ? await points.steps.lockedUntilForPurchase(tx, brandId, at) : null;
        const actor = { type: 'staff' as const, id: context.actor.staffId };
        let balance = (await points.steps.balanceOf(tx, brandId, member.id)).balance;
        if (earned > 0) {
          const earn = await points.steps.earn(tx, { brandId, memberId: member.id, amount: earned, reason: `消费 ${(paidFen / 100).toFixed(2)} 元`, sourceType: 'order', sourceId: orderId, actor, at, lockedUntil });
          balance = earn.balance;
        }
        if (member.referredByMemberId && (await repo.countOrdersOf(tx, brandId, member.id)) === 1) {
          await points.steps.awardReferral(tx, { brandId, inviterId: member.referredByMemberId, inviteeId: member.id, at });
          balance = (await points.steps.balanceOf(tx, brandId, member.id)).balance;
        }
        await repo.updateOrder(tx, brandId, orderId, { discountFen, paidFen, pointsEarned: earned, couponCodes });
        const tier = await tiers.steps.onPurchase(tx, { brandId, memberId: member.id, at });
        return {
          order: await loadOrder(tx, brandId, orderId),
          pointsBalance: balance,
          pointsLockedUntil: lockedUntil?.toISOString() ?? null,
          tier: { level: tier.level, upgraded: tier.upgraded },
        };
      });
    },

    /**
     * Refunds all or part of an order: takes back the points it earned in proportion (what was already
     * spent becomes debt), and when the order is refunded in full, its coupons become usable again.
     * The same external refund id never refunds twice.
     */
    async recordRefund(context: StaffContext, orderId: string, body: RecordRefundBody, key: IdempotencyKey | null): Promise<RefundResult> {
      const brandId = context.brandId;
      const at = occurredAt(body.occurredAt);
      return runOnce(db, key, async (tx) => {
        const order = await repo.findOrder(tx, brandId, orderId, true);
        if (!order) throw new AppError('ORDER_NOT_FOUND');
        if (context.actor.role === 'clerk' && (!order.storeId || !context.actor.storeIds.includes(order.storeId))) throw new AppError('ORDER_NOT_FOUND');
        const left = order.paidFen - order.refundedFen;
        const amountFen = body.amountFen ?? left;
        const refundId = newId('refund', at.getTime());
        const externalId = body.externalId ?? refundId;
        if (body.externalId) {
          const existing = await repo.findRefundByExternalId(tx, brandId, orderId, body.externalId);
          if (existing) {
            if (existing.amountFen !== amountFen && body.amountFen !== undefined) throw new AppError('REFUND_ALREADY_RECORDED');
            return { refund: toRefund(existing), order: await loadOrder(tx, brandId, orderId), pointsBalance: (await points.steps.balanceOf(tx, brandId, order.memberId)).balance };
          }
        }
        if (amountFen <= 0 || amountFen > left) throw new AppError('REFUND_EXCEEDS_ORDER', `At most ${left} fen is left to refund on this order`);

        if (body.items) {
          const items = await repo.itemsOf(tx, brandId, [orderId]);
          for (const wanted of body.items) {
            const item = items.find((candidate) => candidate.sku === wanted.sku && candidate.quantity - candidate.refundedQuantity >= wanted.quantity);
            if (!item || !(await repo.addRefundedQuantity(tx, brandId, item.id, wanted.quantity))) {
              throw new AppError('REFUND_EXCEEDS_ORDER', `No ${wanted.quantity} × ${wanted.sku} left to refund`);
            }
          }
        }

        // points come back in proportion to the money, rounded on the running total so partial refunds add up exactly
        const refundedAfter = order.refundedFen + amountFen;
        const previous = await repo.refundsOf(tx, brandId, [orderId]);
        const alreadyReversed = previous.reduce((sum, refund) => sum + refund.pointsReversed, 0);
        const reverseTotal = order.paidFen === 0 ? order.pointsEarned : roundRatio(order.pointsEarned * refundedAfter, order.paidFen);
        const toReverse = Math.max(0, reverseTotal - alreadyReversed);
        const actor = { type: 'staff' as const, id: context.actor.staffId };
        if (toReverse > 0) {
          await points.steps.reverseEarn(tx, {
            brandId,
            memberId: order.memberId,
            earnSourceType: 'order',
            earnSourceId: orderId,
            amount: toReverse,
            reason: `退款 ${(amountFen / 100).toFixed(2)} 元`,
            sourceType: 'refund',
            sourceId: refundId,
            actor,
            at,
          });
        }
        const full = refundedAfter === order.paidFen;
        const restored = full && order.couponCodes.length ? (await coupons.steps.restoreForOrder(tx, { brandId, orderId, at })).restored : 0;
        const refund = await repo.insertRefund(tx, {
          id: refundId,
          brandId,
          orderId,
          externalId,
          amountFen,
          pointsReversed: toReverse,
          reason: body.reason ?? null,
          recordedByStaffId: context.actor.staffId,
          occurredAt: at,
          createdAt: clock.now(),
        });
        await repo.updateOrder(tx, brandId, orderId, { refundedFen: refundedAfter, status: full ? 'refunded' : 'partially_refunded', updatedAt: clock.now() });
        return {
          refund: toRefund({ ...refund, couponsRestored: restored }),
          order: await loadOrder(tx, brandId, orderId),
          pointsBalance: (await points.steps.balanceOf(tx, brandId, order.memberId)).balance,
        };
      });
    },

    async get(context: StaffContext, orderId: string): Promise<Order> {
      const order = await loadOrder(db, context.brandId, orderId);
      if (context.actor.role === 'clerk' && (!order.storeId || !context.actor.storeIds.includes(order.storeId))) throw new AppError('ORDER_NOT_FOUND');
      return order;
    },

    async list(context: StaffContext, query: OrderListQuery) {
      let storeIds: string[] | undefined = query.storeId ? [query.storeId] : undefined;
      if (context.actor.role === 'clerk') {
        storeIds = (storeIds ?? context.actor.storeIds).filter((id) => context.actor.storeIds.includes(id));
      }
      return page(db, context.brandId, { memberId: query.memberId, storeIds, limit: query.limit ?? 50, offset: query.offset ?? 0 });
    },

    async myOrders(context: MemberContext, query: { limit?: number; offset?: number }) {
      return page(db, context.brandId, { memberId: context.actor.memberId, limit: query.limit ?? 20, offset: query.offset ?? 0 });
    },

    async myOrder(context: MemberContext, orderId: string): Promise<Order> {
      const order = await loadOrder(db, context.brandId, orderId);
      if (order.memberId !== context.actor.memberId) throw new AppError('ORDER_NOT_FOUND');
      return order;
    },

  };
}
