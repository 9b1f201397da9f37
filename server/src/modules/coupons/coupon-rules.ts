import { COUPON_CODE_ALPHABET, COUPON_CODE_LENGTH, newId, randomCode, type CouponKind, type ErrorCode } from '@memberloop/shared';

/** Pure coupon rules (no I/O): what a template may look like, how long a coupon is valid, what it takes off. */

const DAY_MS = 24 * 60 * 60 * 1000;

export type Detail = { path: string; message: string };

export const newCouponTemplateId = (at: Date) => newId('couponTemplate', at);
export const newCouponId = (at: Date) => newId('coupon', at);

/** A fresh coupon code from crypto randomness (≈79 bits), so codes cannot be guessed from one another. */
export const newCouponCode = () => randomCode(COUPON_CODE_LENGTH, COUPON_CODE_ALPHABET);

/** As a clerk may type or scan it: upper case, without spaces or dashes. */
export const normalizeCode = (input: string) => input.replace(/[\s-]/g, '').toUpperCase();

export interface TemplateOffer {
  kind: CouponKind;
  valueFen: number | null;
  thresholdFen: number;
  percentOff: number | null;
  capFen: number | null;
  giftSku: string | null;
  giftName: string | null;
}

export interface TemplateValidity {
  validityMode: 'fixed' | 'relative';
  validFrom: Date | null;
  validUntil: Date | null;
  validDays: number | null;
}

export interface TemplateDraft extends TemplateOffer, TemplateValidity {}

/** Which fields go with which kind and validity mode; every problem is reported at once. */
export function templateProblems(draft: TemplateDraft, now: Date): Detail[] {
  const problems: Detail[] = [];
  const forbid = (field: keyof TemplateDraft, why: string) => {
    if (draft[field] !== null && draft[field] !== undefined) problems.push({ path: `body/${field}`, message: why });
  };
  const need = (field: keyof TemplateDraft, why: string) => {
    if (draft[field] === null || draft[field] === undefined) problems.push({ path: `body/${field}`, message: why });
  };

  if (draft.kind === 'cash_off') {
    need('valueFen', 'required for a cash_off coupon');
    forbid('percentOff', 'only for percent_off coupons');
    forbid('capFen', 'only for percent_off coupons');
    forbid('giftSku', 'only for gift coupons');
    forbid('giftName', 'only for gift coupons');
    if (draft.valueFen !== null && draft.thresholdFen > 0 && draft.valueFen > draft.thresholdFen) {
      problems.push({ path: 'body/valueFen', message: 'cannot be more than thresholdFen (the order must reach the threshold)' });
    }
  } else if (draft.kind === 'percent_off') {
    need('percentOff', 'required for a percent_off coupon');
    forbid('valueFen', 'only for cash_off coupons');
    forbid('giftSku', 'only for gift coupons');
    forbid('giftName', 'only for gift coupons');
  } else {
    need('giftSku', 'required for a gift coupon');
    need('giftName', 'required for a gift coupon');
    forbid('valueFen', 'only for cash_off coupons');
    forbid('percentOff', 'only for percent_off coupons');
    forbid('capFen', 'only for percent_off coupons');
  }

  if (draft.validFrom && Number.isNaN(draft.validFrom.getTime())) problems.push({ path: 'body/validFrom', message: 'not a valid instant' });
  if (draft.validUntil && Number.isNaN(draft.validUntil.getTime())) problems.push({ path: 'body/validUntil', message: 'not a valid instant' });
  if (problems.some((p) => p.message === 'not a valid instant')) return problems;

  if (draft.validityMode === 'fixed') {
    need('validFrom', 'required for fixed validity');
    need('validUntil', 'required for fixed validity');
    forbid('validDays', 'only for relative validity');
    if (draft.validFrom && draft.validUntil && draft.validFrom >= draft.validUntil) {
      problems.push({ path: 'body/validUntil', message: 'must be after validFrom' });
    }
  } else {
    need('validDays', 'required for relative validity');
    forbid('validFrom', 'only for fixed validity (relative coupons are valid from their issue)');
  }
  if (draft.validUntil && draft.validUntil <= now) problems.push({ path: 'body/validUntil', message: 'must be in the future' });
  return problems;
}

/**
 * The validity of a coupon issued at `at`: the template's window when fixed; when relative, `validDays` × 24 h
 * from issue, cut at the template's `validUntil`. Null when nothing of it would lie in the future.
 */
export function couponValidity(template: TemplateValidity, at: Date): { validFrom: Date; validUntil: Date } | null {
  if (template.validityMode === 'fixed') {
    const validFrom = template.validFrom!;
    const validUntil = template.validUntil!;
    return validUntil > at ? { validFrom, validUntil } : null;
  }
  let validUntil = new Date(at.getTime() + template.validDays! * DAY_MS);
  if (template.validUntil && template.validUntil < validUntil) validUntil = template.validUntil;
  return validUntil > at ? { validFrom: at, validUntil } : null;
}

/** True when issuing is over for good because the template's validity has passed. */
export const templateValidityOver = (template: TemplateValidity, at: Date) => template.validUntil !== null && template.validUntil <= at;

/**
 * What one coupon takes off an order of `grossFen` (before any discount): cash_off its value, percent_off the
 * floor of gross × percent / 100 up to the cap, gift nothing; never more than the gross.
 */
export function couponDiscount(offer: TemplateOffer, grossFen: number): number {
  let discount: number;
  if (offer.kind === 'cash_off') discount = offer.valueFen!;
  else if (offer.kind === 'percent_off') {
    // integer floor of an integer ratio: the percent is a whole number and gross is in fen
    discount = Math.floor((grossFen * offer.percentOff!) / 100);
    if (offer.capFen !== null) discount = Math.min(discount, offer.capFen);
  } else discount = 0;
  return Math.max(0, Math.min(discount, grossFen));
}

/** Whether a template's store scope allows use at one of `storeIds`; an empty list means no store (online). */
export function storeAllowed(templateStoreIds: string[] | null, storeIds: string[]): boolean {
  if (templateStoreIds === null) return true;
  return storeIds.some((id) => templateStoreIds.includes(id));
}

export interface CouponState {
  status: 'available' | 'redeemed' | 'expired' | 'revoked';
  validFrom: Date;
  validUntil: Date;
}

/** Why a coupon cannot be used now (status and validity only), or null. */
export function stateProblem(coupon: CouponState, at: Date): ErrorCode | null {
  if (coupon.status === 'redeemed') return 'COUPON_ALREADY_REDEEMED';
  if (coupon.status === 'revoked') return 'COUPON_NOT_USABLE';
  if (coupon.status === 'expired' || coupon.validUntil <= at) return 'COUPON_EXPIRED';
  if (coupon.validFrom > at) return 'COUPON_NOT_YET_VALID';
  return null;
}

/** The status a member or clerk sees: an available coupon past its validity is expired even before the nightly job. */
export const effectiveStatus = (coupon: CouponState, at: Date): CouponState['status'] =>
  coupon.status === 'available' && coupon.validUntil <= at ? 'expired' : coupon.status;
