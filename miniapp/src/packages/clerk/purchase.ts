import type { OrderItemInput, RecordPurchaseBody } from '@memberloop/shared';
import { fenToYuan, normalizeCnMobile, yuanToFen } from '@memberloop/shared';

export interface ItemDraft {
  sku: string;
  name: string;
  quantity: string;
  /** Yuan, as typed. */
  unitPrice: string;
}

export interface PurchaseDraft {
  /** Yuan, as typed; may be left empty when items are given. */
  amount: string;
  items: ItemDraft[];
  couponCodes: string[];
}

export const MAX_COUPONS_PER_ORDER = 5;
const MAX_FEN = 1_000_000_000;

export type Built<T> = { ok: true; value: T } | { ok: false; error: string };

/** Yuan as typed at a till ("128", "128.5", "¥128.50") → fen, exactly; null when it is not an amount. */
export function parseYuan(input: string): number | null {
  const cleaned = input.trim().replace(/^[¥￥]/, '').trim();
  if (!/^\d+(\.\d{1,2})?$/.test(cleaned)) return null;
  try {
    return yuanToFen(cleaned);
  } catch {
    return null;
  }
}

/** A coupon code as the server compares it: capitals, no spaces or dashes. */
export function normalizeCouponCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

/** A card code as scanned or typed (the card shows it in groups of four). */
export function normalizeCardCode(input: string): string {
  return input.replace(/\s/g, '');
}

function isBlank(item: ItemDraft): boolean {
  return !item.sku.trim() && !item.name.trim() && !item.quantity.trim() && !item.unitPrice.trim();
}

function buildItems(drafts: ItemDraft[]): Built<OrderItemInput[]> {
  const items: OrderItemInput[] = [];
  for (const [index, draft] of drafts.entries()) {
    if (isBlank(draft)) continue;
    const line = `第 ${index + 1} 件商品`;
    const sku = draft.sku.trim();
    if (!sku || sku.length > 64) return { ok: false, error: `${line}：请填写商品编码` };
    const quantity = Number(draft.quantity.trim() || '1');
    if (!Number.isInteger(quantity) || quantity < 1 || quantity > 10_000) return { ok: false, error: `${line}：数量须为 1–10000 的整数` };
    const unitPriceFen = parseYuan(draft.unitPrice);
    if (unitPriceFen === null) return { ok: false, error: `${line}：请填写正确的单价（元，最多两位小数）` };
    const name = draft.name.trim();
    items.push({ sku, quantity, unitPriceFen, ...(name ? { name: name.slice(0, 100) } : {}) });
  }
  return { ok: true, value: items };
}

export function itemsTotalFen(items: OrderItemInput[]): number {
  return items.reduce((sum, item) => sum + item.quantity * item.unitPriceFen, 0);
}

/**
 * The body of POST /orders from the clerk's form: the amount in yuan turned into fen exactly
 * (yuanToFen of @memberloop/shared, never floating point), items optional and adding up to the
 * amount (the amount may be left empty to take their total), coupon codes normalised.
 */
export function buildPurchase(draft: PurchaseDraft, target: { memberId: string; storeId?: string }): Built<RecordPurchaseBody> {
  const items = buildItems(draft.items);
  if (!items.ok) return items;
  let amountFen: number | null;
  if (draft.amount.trim()) {
    amountFen = parseYuan(draft.amount);
    if (amountFen === null) return { ok: false, error: '请输入正确的消费金额（元，最多两位小数）' };
  } else if (items.value.length) {
    amountFen = itemsTotalFen(items.value);
  } else {
    return { ok: false, error: '请输入消费金额' };
  }
  if (amountFen <= 0) return { ok: false, error: '消费金额须大于 0' };
  if (amountFen > MAX_FEN) return { ok: false, error: '消费金额过大，请核对' };
  if (items.value.length && itemsTotalFen(items.value) !== amountFen) {
    return { ok: false, error: `商品合计 ¥${fenToYuan(itemsTotalFen(items.value))} 与消费金额 ¥${fenToYuan(amountFen)} 不一致` };
  }
  const couponCodes = [...new Set(draft.couponCodes.map(normalizeCouponCode).filter(Boolean))];
  if (couponCodes.length > MAX_COUPONS_PER_ORDER) return { ok: false, error: `一笔消费最多使用 ${MAX_COUPONS_PER_ORDER} 张优惠券` };
  return {
    ok: true,
    value: {
      memberId: target.memberId,
      ...(target.storeId ? { storeId: target.storeId } : {}),
      amountFen,
      ...(items.value.length ? { items: items.value } : {}),
      ...(couponCodes.length ? { couponCodes } : {}),
    },
  };
}

/** A phone number given at the counter, normalised; or why it cannot be bound. */
export function parsePhone(input: string): Built<string> {
  const phone = normalizeCnMobile(input);
  return phone ? { ok: true, value: phone } : { ok: false, error: '请输入正确的 11 位手机号' };
}

/** An 8-digit pickup code as read out; spaces and dashes are ignored. */
export function parsePickupCode(input: string): Built<string> {
  const code = input.replace(/[\s-]/g, '');
  return /^\d{8}$/.test(code) ? { ok: true, value: code } : { ok: false, error: '提货码为 8 位数字' };
}
