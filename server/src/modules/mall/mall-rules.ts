import { randomInt } from 'node:crypto';
import { PICKUP_CODE_LENGTH, type ErrorCode, type MallExchangeStatus } from '@memberloop/shared';

// Pure rules of the points mall: no I/O, so they are unit-tested on their own.

export interface Window {
  status: 'active' | 'inactive';
  availableFrom: Date | null;
  availableUntil: Date | null;
}

/** Why an item cannot be exchanged at `at` because of its status or window (from inclusive, until exclusive); null = it can. */
export function unavailability(item: Window, at: Date): string | null {
  if (item.status !== 'active') return 'This item is not offered at the moment';
  if (item.availableFrom && at < item.availableFrom) return `This item can be exchanged from ${item.availableFrom.toISOString()}`;
  if (item.availableUntil && at >= item.availableUntil) return 'The exchange period of this item has ended';
  return null;
}

/** A uniformly random 8-digit code from the system CSPRNG; leading zeros are kept. */
export function newPickupCode(): string {
  return randomInt(0, 10 ** PICKUP_CODE_LENGTH)
    .toString()
    .padStart(PICKUP_CODE_LENGTH, '0');
}

/** The code as typed (spaces and dashes ignored), or null when it cannot be a pickup code. */
export function normalizePickupCode(input: string): string | null {
  const code = input.replace(/[\s-]/g, '');
  return new RegExp(`^\\d{${PICKUP_CODE_LENGTH}}$`).test(code) ? code : null;
}

export interface MemberView {
  stock: number;
  perMemberLimit: number | null;
  minTierLevel: number;
}

/** What a member may still do with an item: the reason is the first obstacle in the order a shopper would want to hear it. */
export function memberOutlook(item: Window & MemberView, held: number, level: number, at: Date) {
  const remainingForMe = item.perMemberLimit === null ? null : Math.max(0, item.perMemberLimit - held);
  const tierAllowed = level >= item.minTierLevel;
  let reason: ErrorCode | null = null;
  if (unavailability(item, at)) reason = 'MALL_ITEM_UNAVAILABLE';
  else if (!tierAllowed) reason = 'MALL_TIER_TOO_LOW';
  else if (remainingForMe === 0) reason = 'MALL_LIMIT_REACHED';
  else if (item.stock === 0) reason = 'MALL_OUT_OF_STOCK';
  return { remainingForMe, tierAllowed, canExchange: reason === null, reason };
}

const CANCELLABLE: readonly MallExchangeStatus[] = ['awaiting_pickup', 'awaiting_shipment', 'issued'];

/**
 * Whether an exchange may still be cancelled: before pickup or shipment, or coupon goods whose coupons are
 * all unused. The cancellation itself re-checks each coupon under its row lock.
 */
export function isCancellable(status: MallExchangeStatus, couponStatuses: string[]): boolean {
  if (!CANCELLABLE.includes(status)) return false;
  return status !== 'issued' || couponStatuses.every((s) => s === 'available' || s === 'expired');
}

/** The message for an exchange that cannot be cancelled, by its status. */
export function notCancellableMessage(status: MallExchangeStatus): string {
  switch (status) {
    case 'cancelled':
      return 'This exchange is already cancelled';
    case 'picked_up':
      return 'This exchange has been picked up and can no longer be cancelled';
    case 'shipped':
    case 'delivered':
      return 'This exchange has been shipped and can no longer be cancelled';
    case 'issued':
      return 'A coupon of this exchange has been used, so it can no longer be cancelled';
    default:
      return 'This exchange can no longer be cancelled';
  }
}

export interface PickupActor {
  role: 'clerk' | 'operator' | 'admin';
  storeIds: string[];
}

/**
 * The store a pickup is handed over at, or a STORE_NOT_ASSIGNED problem. A clerk acts only at their stores;
 * an exchange that names a store is collected there and nowhere else. Without a store given, the exchange's
 * store, else the clerk's only store, else unknown (null).
 */
export function pickupStore(actor: PickupActor, exchangeStoreId: string | null, requested: string | undefined): { storeId: string | null } | { problem: string } {
  const clerk = actor.role === 'clerk';
  if (requested) {
    if (clerk && !actor.storeIds.includes(requested)) return { problem: 'You are not assigned to this store' };
    if (exchangeStoreId && exchangeStoreId !== requested) return { problem: 'This exchange is to be picked up at another store' };
    return { storeId: requested };
  }
  if (exchangeStoreId) {
    if (clerk && !actor.storeIds.includes(exchangeStoreId)) return { problem: 'This exchange is to be picked up at a store you are not assigned to' };
    return { storeId: exchangeStoreId };
  }
  return { storeId: clerk && actor.storeIds.length === 1 ? actor.storeIds[0]! : null };
}
