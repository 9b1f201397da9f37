import {
  ERRORS,
  type ClaimableCoupon,
  type Coupon,
  type CouponIssueVia,
  type CouponLookup,
  type CouponLookupQuery,
  type CouponPage,
  type CouponTemplate,
  type CouponTemplateListQuery,
  type CouponTemplateSummary,
  type CreateCouponTemplateBody,
  type ErrorCode,
  type ExchangeCouponResult,
  type GrantCouponsBody,
  type GrantCouponsResult,
  type MemberCouponsQuery,
  type MyCouponsQuery,
  type RedeemCouponBody,
  type RedeemedCoupon,
  type UpdateCouponTemplateBody,
} from '@memberloop/shared';
import type { Db } from '../../db/client';
import { sqlState, withTransaction, type Tx } from '../../db/transaction';
import type { ServiceDeps } from '../../deps';
import { storeForClerk, type MemberContext, type StaffContext, requireOffice } from '../../http/auth';
import { AppError, isAppError, validationFailed } from '../../http/errors';
import { runOnce, type IdempotencyKey } from '../../http/idempotency';
import { auditActor, recordAudit } from '../audit';
import type { BrandsService } from '../brands';
import type { MembersService } from '../members';
import type { PointsService } from '../points';
import {
  couponDiscount,
  couponValidity,
  effectiveStatus,
  newCouponCode,
  newCouponId,
  newCouponTemplateId,
  normalizeCode,
  stateProblem,
  storeAllowed,
  templateProblems,
  type Detail,
} from './coupon-rules';
import { expireDue } from './coupons.jobs';
import * as repo from './coupons.repository';

// ---- API shapes ----

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function toSummary(row: repo.TemplateRow): CouponTemplateSummary {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    kind: row.kind,
    valueFen: row.valueFen,
    thresholdFen: row.thresholdFen,
    percentOff: row.percentOff,
    capFen: row.capFen,
    giftSku: row.giftSku,
    giftName: row.giftName,
    validityMode: row.validityMode,
    validFrom: iso(row.validFrom),
    validUntil: iso(row.validUntil),
    validDays: row.validDays,
    storeIds: row.storeIds,
    stackable: row.stackable,
    pointsPrice: row.pointsPrice,
  };
}

function toTemplate(row: repo.TemplateRow): CouponTemplate {
  return {
    ...toSummary(row),
    brandId: row.brandId,
    totalQuantity: row.totalQuantity,
    perMemberLimit: row.perMemberLimit,
    budgetFen: row.budgetFen,
    claimable: row.claimable,
    status: row.status,
    issuedCount: row.issuedCount,
    redeemedCount: row.redeemedCount,
    spentFen: row.spentFen,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function toCoupon({ coupon, template }: repo.CouponWithTemplate, at: Date): Coupon {
  return {
    id: coupon.id,
    templateId: coupon.templateId,
    memberId: coupon.memberId,
    code: coupon.code,
    status: effectiveStatus(coupon, at),
    validFrom: coupon.validFrom.toISOString(),
    validUntil: coupon.validUntil.toISOString(),
    issuedVia: coupon.issuedVia,
    issuedAt: coupon.createdAt.toISOString(),
    redeemedAt: iso(coupon.redeemedAt),
    redeemedOrderId: coupon.redeemedOrderId,
    redeemedStoreId: coupon.redeemedStoreId,
    discountFen: coupon.discountFen,
    template: toSummary(template),
  };
}

const toRedeemed = ({ coupon, template }: repo.CouponWithTemplate, discountFen: number): RedeemedCoupon => ({
  id: coupon.id,
  code: coupon.code,
  templateId: template.id,
  name: template.name,
  kind: template.kind,
  discountFen,
  giftSku: template.giftSku,
  giftName: template.giftName,
});

// ---- step inputs (the contract other modules call) ----

export interface IssueInput {
  brandId: string;
  templateId: string;
  memberId: string;
  via: CouponIssueVia;
  ref: string | null;
  at: Date;
}

export interface RedeemForOrderInput {
  brandId: string;
  memberId: string;
  storeId: string | null;
  codes: string[];
  grossFen: number;
  orderId: string;
  staffId: string | null;
  at: Date;
}

export interface RedeemForOrderResult {
  /** the total taken off the order: never more than grossFen */
  discountFen: number;
  coupons: RedeemedCoupon[];
}

/** Discounts summed per template, in template id order: the order template rows are locked in. */
function byTemplate(items: { templateId: string; discountFen: number }[]): [string, { discountFen: number; count: number }][] {
  const sums = new Map<string, { discountFen: number; count: number }>();
  for (const { templateId, discountFen } of items) {
    const sum = sums.get(templateId) ?? { discountFen: 0, count: 0 };
    sum.discountFen += discountFen;
    sum.count += 1;
    sums.set(templateId, sum);
  }
  return [...sums].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

const TEMPLATE_LEVEL_FAILURES = new Set<ErrorCode>(['COUPON_TEMPLATE_NOT_FOUND', 'COUPON_NOT_CLAIMABLE', 'COUPON_OUT_OF_STOCK']);

export type CouponsService = ReturnType<typeof createCouponsService>;

export function createCouponsService(
  { db, clock }: ServiceDeps,
  modules: { points: PointsService; brands: Pick<BrandsService, 'steps'>; members: Pick<MembersService, 'steps'> },
) {

  async function storeProblems(tx: Db, brandId: string, storeIds: string[] | null | undefined): Promise<Detail[]> {
    if (!storeIds) return [];
    const known = await modules.brands.steps.existingStoreIds(tx, brandId, storeIds);
    return storeIds.flatMap((id, i) => (known.has(id) ? [] : [{ path: `body/storeIds/${i}`, message: 'not a store of this brand' }]));
  }

  async function existingTemplate(tx: Db, brandId: string, templateId: string) {
    const row = await repo.findTemplate(tx, brandId, templateId);
    if (!row) throw new AppError('COUPON_TEMPLATE_NOT_FOUND');
    return row;
  }

  /**
   * Issues one coupon in the caller's transaction. The per-member limit is an upsert that only increments below
   * the limit, the quantity a conditional increment of issued_count: concurrent issues serialize on those rows,
   * so neither can be exceeded. A failure throws and the caller's transaction rolls back whatever was counted.
   * The quantity update comes last: the template row is what every claimer of a popular coupon waits for, so it
   * is held only from that statement to the commit.
   */
  async function issueCoupon(tx: Tx, input: IssueInput, options: { template?: repo.TemplateRow; couponId?: string } = {}): Promise<Coupon> {
    const { brandId, templateId, memberId, via, ref, at } = input;
    const template = options.template ?? (await existingTemplate(tx, brandId, templateId));
    if (template.status !== 'active') throw new AppError('COUPON_NOT_CLAIMABLE', `This coupon is ${template.status}`);
    const validity = couponValidity(template, at);
    if (!validity) throw new AppError('COUPON_NOT_CLAIMABLE', 'The validity of this coupon has ended');
    let counted: number | null;
    try {
      counted = await repo.incrementMemberCount(tx, brandId, templateId, memberId, template.perMemberLimit);
    } catch (error) {
      // the (brand, member) foreign key: no such member in this brand
      if (sqlState(error) === '23503') throw new AppError('MEMBER_NOT_FOUND');
      throw error;
    }
    if (counted === null) throw new AppError('COUPON_LIMIT_REACHED');
    // a sold-out template (as this transaction saw it) fails before the coupon insert; the conditional update
    // below is what guarantees the quantity
    if (template.totalQuantity !== null && template.issuedCount >= template.totalQuantity) throw new AppError('COUPON_OUT_OF_STOCK');

    let coupon: repo.CouponRow | undefined;
    // ~79 random bits per code: a clash is all but impossible, and if it happens we simply draw again
    for (let attempt = 0; !coupon && attempt < 3; attempt++) {
      coupon = await repo.insertCouponUnlessCodeTaken(tx, {
        id: attempt === 0 && options.couponId ? options.couponId : newCouponId(at),
        brandId,
        templateId,
        memberId,
        code: newCouponCode(),
        status: 'available',
        validFrom: validity.validFrom,
        validUntil: validity.validUntil,
        issuedVia: via,
        issuedRef: ref,
        createdAt: at,
        updatedAt: at,
      });
    }
    if (!coupon) throw new Error('could not draw an unused coupon code in 3 attempts');

    const taken = await repo.takeFromQuantity(tx, brandId, templateId);
    if (!taken) {
      const current = await existingTemplate(tx, brandId, templateId);
      if (current.status !== 'active') throw new AppError('COUPON_NOT_CLAIMABLE', `This coupon is ${current.status}`);
      throw new AppError('COUPON_OUT_OF_STOCK');
    }
    return toCoupon({ coupon, template: taken }, at);
  }

  interface UseScope {
    /** the member who must own the coupon; undefined when the code alone identifies it (counter redemption) */
    memberId?: string;
    /** stores the use is at; empty = no store (online); 'any' = do not check */
    storeIds: string[] | 'any';
    /** order amount before discounts; null = unknown (threshold not checked) */
    grossFen: number | null;
    at: Date;
  }

  /** Why a coupon cannot be used in `scope` (budget aside), in the order a clerk would want to hear it; or null. */
  function useProblem(row: repo.CouponWithTemplate, scope: UseScope): ErrorCode | null {
    if (scope.memberId !== undefined && row.coupon.memberId !== scope.memberId) return 'COUPON_WRONG_MEMBER';
    const state = stateProblem(row.coupon, scope.at);
    if (state) return state;
    if (scope.storeIds !== 'any' && !storeAllowed(row.template.storeIds, scope.storeIds)) return 'COUPON_STORE_NOT_ALLOWED';
    if (scope.grossFen !== null && scope.grossFen < row.template.thresholdFen) return 'COUPON_THRESHOLD_NOT_MET';
    return null;
  }

  /** The discount of one coupon; without a known gross only a fixed amount can be counted. */
  function discountOf(row: repo.CouponWithTemplate, grossFen: number | null): number {
    if (grossFen !== null) return couponDiscount(row.template, grossFen);
    if (row.template.kind === 'percent_off') {
      throw new AppError('VALIDATION_FAILED', 'grossFen is needed to use a percent-off coupon', [{ path: 'body/grossFen', message: 'required for a percent_off coupon' }]);
    }
    return row.template.kind === 'cash_off' ? row.template.valueFen! : 0;
  }

  /**
   * Redeems coupons the caller has locked (`select … for update`) and checked: spends each template's budget by a
   * conditional update (templates in id order, so two orders stacking the same templates cannot deadlock), then
   * flips each coupon with `where status = 'available'`, so a second redemption of one coupon cannot also succeed.
   */
  async function redeemLocked(
    tx: Tx,
    brandId: string,
    rows: { row: repo.CouponWithTemplate; discountFen: number }[],
    use: { at: Date; orderId: string | null; storeId: string | null; staffId: string | null },
  ) {
    const templates = new Map<string, repo.TemplateRow>();
    for (const [templateId, spend] of byTemplate(rows.map(({ row, discountFen }) => ({ templateId: row.template.id, discountFen })))) {
      const template = await repo.spendBudget(tx, brandId, templateId, spend.discountFen, spend.count);
      if (!template) throw new AppError('COUPON_BUDGET_EXHAUSTED');
      templates.set(templateId, template);
    }
    const redeemed: repo.CouponWithTemplate[] = [];
    for (const { row, discountFen } of rows) {
      const coupon = await repo.markRedeemed(tx, brandId, row.coupon.id, { ...use, discountFen });
      if (!coupon) throw new AppError('COUPON_ALREADY_REDEEMED');
      redeemed.push({ coupon, template: templates.get(row.template.id)! });
    }
    return redeemed;
  }

  const steps = {
    /** The coupons issued through `via` for each ref (e.g. the units of mall exchanges). */
    issuedFor: (tx: Db, brandId: string, via: repo.CouponRow['issuedVia'], refs: string[]) => repo.couponsIssuedFor(tx, brandId, via, refs),

    /** Issues one coupon of a template to a member (status, quantity and per-member limit enforced atomically). */
    async issue(tx: Tx, input: IssueInput): Promise<Coupon> {
      return issueCoupon(tx, input);
    },

    /**
     * Uses the member's coupons on an order of `grossFen`: each must be theirs, available, valid at `at`, allowed
     * at the store (an online order has no store), and its threshold met on the gross; several coupons only when
     * all are stackable. Each discount is computed on the gross; the total never exceeds it.
     */
    async redeemForOrder(tx: Tx, input: RedeemForOrderInput): Promise<RedeemForOrderResult> {
      const { brandId, memberId, storeId, grossFen, orderId, staffId, at } = input;
      const codes = input.codes.map(normalizeCode);
      if (codes.length === 0) return { discountFen: 0, coupons: [] };
      if (new Set(codes).size !== codes.length) {
        throw new AppError('VALIDATION_FAILED', 'The same coupon is given twice', [{ path: 'body/couponCodes', message: 'duplicate coupon code' }]);
      }
      const locked = await repo.lockCouponsByCode(tx, brandId, codes);
      const byCode = new Map(locked.map((row) => [row.coupon.code, row]));
      const rows = codes.map((code) => {
        const row = byCode.get(code);
        if (!row) throw new AppError('COUPON_NOT_FOUND', `No coupon with code ${code}`);
        return row;
      });
      const scope: UseScope = { memberId, storeIds: storeId ? [storeId] : [], grossFen, at };
      for (const row of rows) {
        const problem = useProblem(row, scope);
        if (problem) throw new AppError(problem, `${row.template.name}: ${ERRORS[problem].message}`);
      }
      if (rows.length > 1 && rows.some((row) => !row.template.stackable)) throw new AppError('COUPON_NOT_STACKABLE');

      let left = grossFen;
      const priced = rows.map((row) => {
        const discountFen = Math.min(couponDiscount(row.template, grossFen), left);
        left -= discountFen;
        return { row, discountFen };
      });
      const redeemed = await redeemLocked(tx, brandId, priced, { at, orderId, storeId, staffId });
      return {
        discountFen: grossFen - left,
        coupons: redeemed.map((row, i) => toRedeemed(row, priced[i]!.discountFen)),
      };
    },

    /**
     * Undoes the redemptions of an order (a full refund): each coupon is available again while still valid, else
     * expired; its template gets the discount and the redemption count back. Running it again restores nothing.
     */
    async restoreForOrder(tx: Tx, input: { brandId: string; orderId: string; at: Date }): Promise<{ restored: number }> {
      const { brandId, orderId, at } = input;
      const rows = await repo.lockCouponsOfOrder(tx, brandId, orderId);
      const given: { templateId: string; discountFen: number }[] = [];
      for (const row of rows) {
        const coupon = await repo.unredeem(tx, brandId, row.coupon.id, at);
        if (!coupon) continue;
        given.push({ templateId: row.template.id, discountFen: row.coupon.discountFen ?? 0 });
        await recordAudit(tx, {
          brandId,
          actorType: 'system',
          actorId: null,
          action: 'coupon.restored',
          targetType: 'coupon',
          targetId: coupon.id,
          data: { orderId, discountFen: row.coupon.discountFen, status: coupon.status },
          at,
        });
      }
      for (const [templateId, back] of byTemplate(given)) await repo.giveBackBudget(tx, brandId, templateId, back.discountFen, back.count);
      return { restored: given.length };
    },

    /**
     * Revokes an unused coupon (a cancelled mall exchange): it can no longer be used, and the template's quantity
     * and the member's count are given back, so the quantity caps coupons that are live or used. A used coupon
     * cannot be revoked (COUPON_ALREADY_REDEEMED); revoking twice is a no-op.
     */
    async revoke(tx: Tx, input: { brandId: string; couponId: string; reason: string; at: Date }): Promise<Coupon> {
      const { brandId, couponId, reason, at } = input;
      const row = await repo.lockCoupon(tx, brandId, couponId);
      if (!row) throw new AppError('COUPON_NOT_FOUND');
      if (row.coupon.status === 'revoked') return toCoupon(row, at);
      if (row.coupon.status === 'redeemed') throw new AppError('COUPON_ALREADY_REDEEMED');
      const coupon = await repo.markRevoked(tx, brandId, couponId, at);
      if (!coupon) throw new AppError('COUPON_ALREADY_REDEEMED');
      // the member's count before the template, the order issuing takes them in, so the two cannot deadlock
      await repo.decrementMemberCount(tx, brandId, row.template.id, row.coupon.memberId);
      await repo.giveBackQuantity(tx, brandId, row.template.id);
      await recordAudit(tx, { brandId, actorType: 'system', actorId: null, action: 'coupon.revoked', targetType: 'coupon', targetId: couponId, data: { reason }, at });
      return toCoupon({ coupon, template: row.template }, at);
    },
  };

  return {
    steps,

    // ---- templates (operators and admins) ----

    async createTemplate(context: StaffContext, body: CreateCouponTemplateBody): Promise<CouponTemplate> {
      requireOffice(context);
      const now = clock.now();
      const draft = {
        kind: body.kind,
        valueFen: body.valueFen ?? null,
        thresholdFen: body.thresholdFen ?? 0,
        percentOff: body.percentOff ?? null,
        capFen: body.capFen ?? null,
        giftSku: body.giftSku ?? null,
        giftName: body.giftName ?? null,
        validityMode: body.validityMode,
        validFrom: body.validFrom ? new Date(body.validFrom) : null,
        validUntil: body.validUntil ? new Date(body.validUntil) : null,
        validDays: body.validDays ?? null,
      };
      const problems = [...templateProblems(draft, now), ...(await storeProblems(db, context.brandId, body.storeIds))];
      if (problems.length) validationFailed(problems);
      return withTransaction(db, async (tx) => {
        const row = await repo.insertTemplate(tx, {
          id: newCouponTemplateId(now),
          brandId: context.brandId,
          name: body.name,
          description: body.description ?? null,
          ...draft,
          totalQuantity: body.totalQuantity ?? null,
          perMemberLimit: body.perMemberLimit ?? 1,
          budgetFen: body.budgetFen ?? null,
          storeIds: body.storeIds ?? null,
          stackable: body.stackable ?? false,
          claimable: body.claimable ?? false,
          pointsPrice: body.pointsPrice ?? null,
          status: body.status ?? 'active',
          createdAt: now,
          updatedAt: now,
        });
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'coupon_template.created', targetType: 'coupon_template', targetId: row.id, data: { ...body }, at: now });
        return toTemplate(row);
      });
    },

    async listTemplates(context: StaffContext, query: CouponTemplateListQuery): Promise<CouponTemplate[]> {
      requireOffice(context);
      return (await repo.listTemplates(db, context.brandId, query.status)).map(toTemplate);
    },

    async getTemplate(context: StaffContext, templateId: string): Promise<CouponTemplate> {
      requireOffice(context);
      return toTemplate(await existingTemplate(db, context.brandId, templateId));
    },

    /** Quantity and budget can only be set at or above what was already issued and spent; ended is final. */
    async updateTemplate(context: StaffContext, templateId: string, body: UpdateCouponTemplateBody): Promise<CouponTemplate> {
      requireOffice(context);
      const now = clock.now();
      return withTransaction(db, async (tx) => {
        await existingTemplate(tx, context.brandId, templateId);
        const stores = await storeProblems(tx, context.brandId, body.storeIds);
        if (stores.length) validationFailed(stores);
        const row = await repo.updateTemplateGuarded(tx, context.brandId, templateId, body, now);
        if (!row) {
          // the guard refused: say which part, from the row as it is now
          const current = await existingTemplate(tx, context.brandId, templateId);
          const details: Detail[] = [];
          if (body.totalQuantity != null && body.totalQuantity < current.issuedCount) {
            details.push({ path: 'body/totalQuantity', message: `cannot be below the ${current.issuedCount} already issued` });
          }
          if (body.budgetFen != null && body.budgetFen < current.spentFen) {
            details.push({ path: 'body/budgetFen', message: `cannot be below the ${current.spentFen} fen already spent` });
          }
          if (body.status !== undefined && body.status !== 'ended' && current.status === 'ended') {
            details.push({ path: 'body/status', message: 'an ended coupon template cannot be reopened' });
          }
          validationFailed(details.length ? details : [{ path: 'body', message: 'changed concurrently, try again' }]);
        }
        await recordAudit(tx, { brandId: context.brandId, ...auditActor(context), action: 'coupon_template.updated', targetType: 'coupon_template', targetId: templateId, data: { ...body }, at: now });
        return toTemplate(row);
      });
    },

    /**
     * Gives one coupon to each member. Each member's issue runs in its own savepoint, so one failing (limit
     * reached, unknown member) does not undo the others; once the template itself refuses (out of stock, paused)
     * the rest are reported with the same code without trying.
     */
    async grant(context: StaffContext, templateId: string, body: GrantCouponsBody, key: IdempotencyKey | null): Promise<GrantCouponsResult> {
      requireOffice(context);
      const at = clock.now();
      return runOnce(
        db,
        key,
        async (tx) => {
          const template = await existingTemplate(tx, context.brandId, templateId);
          const statuses = await modules.members.steps.memberStatuses(tx, context.brandId, body.memberIds);
          const results: GrantCouponsResult['results'] = [];
          let stopped: ErrorCode | null = null;
          for (const memberId of body.memberIds) {
            const status = statuses.get(memberId);
            let error: ErrorCode | null = stopped;
            let couponId: string | null = null;
            if (!error && !status) error = 'MEMBER_NOT_FOUND';
            else if (!error && status !== 'active') error = 'MEMBER_DISABLED';
            if (!error) {
              try {
                const coupon = await tx.transaction((savepoint) =>
                  issueCoupon(savepoint, { brandId: context.brandId, templateId, memberId, via: 'grant', ref: context.actor.staffId, at }, { template }),
                );
                couponId = coupon.id;
              } catch (failure) {
                if (!isAppError(failure)) throw failure;
                error = failure.code;
                if (TEMPLATE_LEVEL_FAILURES.has(error)) stopped = error;
              }
            }
            results.push({ memberId, couponId, error });
          }
          const issued = results.filter((r) => r.couponId).length;
          const failed = results.filter((r) => r.error);
          await recordAudit(tx, {
            brandId: context.brandId,
            ...auditActor(context),
            action: 'coupon_template.granted',
            targetType: 'coupon_template',
            targetId: templateId,
            data: { requested: body.memberIds.length, issued, failed: failed.map((r) => ({ memberId: r.memberId, error: r.error })) },
            at,
          });
          return { issued, failed: failed.length, results };
        },
        at,
      );
    },

    // ---- members ----

    /** Templates members may take themselves, with what is left and whether I can still take one. */
    async claimable(context: MemberContext): Promise<ClaimableCoupon[]> {
      const at = clock.now();
      const rows = await repo.listClaimableTemplates(db, context.brandId, context.actor.memberId, at);
      return rows.map(({ template, claimedByMe }) => {
        const remainingQuantity = template.totalQuantity === null ? null : Math.max(0, template.totalQuantity - template.issuedCount);
        const reason: ErrorCode | null = claimedByMe >= template.perMemberLimit ? 'COUPON_LIMIT_REACHED' : remainingQuantity === 0 ? 'COUPON_OUT_OF_STOCK' : null;
        return { template: toSummary(template), perMemberLimit: template.perMemberLimit, remainingQuantity, claimedByMe, canClaim: reason === null, reason };
      });
    },

    /** A free coupon from the coupon centre; a coupon with a points price is exchanged instead. */
    async claim(context: MemberContext, templateId: string, key: IdempotencyKey | null): Promise<Coupon> {
      const at = clock.now();
      return runOnce(
        db,
        key,
        async (tx) => {
          const template = await existingTemplate(tx, context.brandId, templateId);
          if (!template.claimable) throw new AppError('COUPON_NOT_CLAIMABLE');
          if (template.pointsPrice !== null) throw new AppError('COUPON_NOT_CLAIMABLE', 'This coupon is exchanged for points');
          return issueCoupon(tx, { brandId: context.brandId, templateId, memberId: context.actor.memberId, via: 'claim', ref: null, at }, { template });
        },
        at,
      );
    },

    /** A points-exchange voucher: the points and the coupon move in one transaction, or neither does. */
    async exchange(context: MemberContext, templateId: string, key: IdempotencyKey | null): Promise<ExchangeCouponResult> {
      const at = clock.now();
      const memberId = context.actor.memberId;
      return runOnce(
        db,
        key,
        async (tx) => {
          const template = await existingTemplate(tx, context.brandId, templateId);
          if (!template.claimable || template.pointsPrice === null) throw new AppError('COUPON_NOT_CLAIMABLE', 'This coupon is not exchanged for points');
          // the status and validity are checked again by the issue; checking first spares the points step for nothing
          if (template.status !== 'active') throw new AppError('COUPON_NOT_CLAIMABLE', `This coupon is ${template.status}`);
          const couponId = newCouponId(at);
          // points first: the template row (shared by every claimer) is then locked for the shortest time
          const { entryId, balance } = await modules.points.steps.redeem(tx, {
            brandId: context.brandId,
            memberId,
            amount: template.pointsPrice,
            reason: `兑换优惠券：${template.name}`,
            sourceType: 'coupon',
            sourceId: couponId,
            actor: { type: 'member', id: memberId },
            at,
          });
          const coupon = await issueCoupon(tx, { brandId: context.brandId, templateId, memberId, via: 'points_exchange', ref: entryId, at }, { template, couponId });
          return { coupon, pointsSpent: template.pointsPrice, pointsBalance: balance };
        },
        at,
      );
    },

    async myCoupons(context: MemberContext, query: MyCouponsQuery): Promise<CouponPage> {
      const at = clock.now();
      const { items, total } = await repo.listMemberCoupons(db, context.brandId, context.actor.memberId, query.status ?? 'available', at, {
        limit: query.limit ?? 50,
        offset: query.offset ?? 0,
      });
      return { items: items.map((row) => toCoupon(row, at)), total };
    },

    async myCoupon(context: MemberContext, couponId: string): Promise<Coupon> {
      const row = await repo.findCoupon(db, context.brandId, couponId);
      // another member's coupon does not exist for me
      if (!row || row.coupon.memberId !== context.actor.memberId) throw new AppError('COUPON_NOT_FOUND');
      return toCoupon(row, clock.now());
    },

    // ---- staff ----

    /** A member's coupons: clerks see those usable now at their stores; operators may ask for any status. */
    async memberCoupons(context: StaffContext, memberId: string, query: MemberCouponsQuery): Promise<CouponPage> {
      const at = clock.now();
      const status = (await modules.members.steps.memberStatuses(db, context.brandId, [memberId])).get(memberId);
      if (!status) throw new AppError('MEMBER_NOT_FOUND');
      const clerk = context.actor.role === 'clerk';
      const wanted = clerk ? 'usable' : (query.status ?? 'usable');
      const filter: repo.CouponFilter = wanted === 'usable' ? { usableAtStores: clerk ? context.actor.storeIds : null } : wanted;
      const { items, total } = await repo.listMemberCoupons(db, context.brandId, memberId, filter, at, { limit: query.limit ?? 50, offset: query.offset ?? 0 });
      return { items: items.map((row) => toCoupon(row, at)), total };
    },

    /** What a scanned code is, and whether it can be used now at the clerk's store (any of theirs when not given). */
    async lookupByCode(context: StaffContext, code: string, query: CouponLookupQuery): Promise<CouponLookup> {
      const { role, storeIds } = context.actor;
      if (query.storeId && role === 'clerk' && !storeIds.includes(query.storeId)) throw new AppError('STORE_NOT_ASSIGNED');
      const at = clock.now();
      const row = await repo.findCouponByCode(db, context.brandId, normalizeCode(code));
      if (!row) throw new AppError('COUPON_NOT_FOUND');
      const scopeStores: string[] | 'any' = query.storeId ? [query.storeId] : role === 'clerk' ? storeIds : 'any';
      let reason: ErrorCode | null = useProblem(row, { storeIds: scopeStores, grossFen: null, at });
      const { template } = row;
      if (!reason && template.budgetFen !== null) {
        const least = template.kind === 'cash_off' ? template.valueFen! : template.kind === 'percent_off' ? 1 : 0;
        if (template.spentFen + least > template.budgetFen) reason = 'COUPON_BUDGET_EXHAUSTED';
      }
      const storeId = query.storeId ?? (role === 'clerk' && storeIds.length === 1 ? storeIds[0]! : null);
      return { coupon: toCoupon(row, at), storeId, usable: reason === null, reason };
    },

    /**
     * Uses a coupon at the counter without a recorded purchase (a gift, or a sale the POS records itself). The code
     * identifies the member; the clerk's store must be one of the coupon's stores.
     */
    async redeemAtCounter(context: StaffContext, body: RedeemCouponBody, key: IdempotencyKey | null): Promise<Coupon> {
      const storeId = storeForClerk(context, body.storeId);
      // a clerk's store is one of theirs already; an operator's must at least be one of the brand's
      if (storeId && context.actor.role !== 'clerk' && !(await modules.brands.steps.existingStoreIds(db, context.brandId, [storeId])).has(storeId)) {
        throw new AppError('STORE_NOT_FOUND');
      }
      const at = clock.now();
      const code = normalizeCode(body.code);
      return runOnce(
        db,
        key,
        async (tx) => {
          const [row] = await repo.lockCouponsByCode(tx, context.brandId, [code]);
          if (!row) throw new AppError('COUPON_NOT_FOUND');
          const grossFen = body.grossFen ?? null;
          const problem = useProblem(row, { storeIds: storeId ? [storeId] : [], grossFen, at });
          if (problem) throw new AppError(problem);
          const discountFen = discountOf(row, grossFen);
          const [redeemed] = await redeemLocked(tx, context.brandId, [{ row, discountFen }], {
            at,
            orderId: body.orderId ?? null,
            storeId,
            staffId: context.actor.staffId,
          });
          await recordAudit(tx, {
            brandId: context.brandId,
            ...auditActor(context),
            action: 'coupon.redeemed',
            targetType: 'coupon',
            targetId: row.coupon.id,
            data: { storeId, orderId: body.orderId ?? null, discountFen, memberId: row.coupon.memberId },
            at,
          });
          return toCoupon(redeemed!, at);
        },
        at,
      );
    },

    /** Marks available coupons past their validity as expired (the nightly job; reads treat them as expired already). */
    async expireDue(now: Date): Promise<{ expired: number }> {
      return expireDue(db, now);
    },
  };
}
