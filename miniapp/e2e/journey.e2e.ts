/**
 * One shopper's journey through the H5 build, with a clerk at the counter on another phone: join from
 * a store code, the member card, a purchase recorded by the clerk from the typed card code, the
 * points, a pickup item from the points mall, a coupon from the coupon centre redeemed at the counter,
 * the pickup handed over, and marketing consent withdrawn. Every page is photographed into
 * test-output/screenshots/. Assertions are on what the pages show; the server's state is cross-checked
 * through the API at the end.
 */
import { randomBytes } from 'node:crypto';
import type { ConsentHistory, Coupon, MallExchange, MemberProfile, Order, PointsSummary } from '@memberloop/shared';
import { DEMO, ROUTES, signInClerk, startHarness, type Clerk, type Harness, type Shopper } from './harness';
import { COUPON, MALL_ITEM, PURCHASE, putOffersOnSale, type Offers } from './offers';
import { answerModal, current, expectAttribute, expectChecked, expectNoText, expectText, expectTextOf, expectToast, expectVisible, inputOf, onRoute, queryOf, typeInto } from './ui';

jest.setTimeout(180_000);

let h: Harness;
let shopper: Shopper;
let clerk: Clerk;
let offers: Offers;
const user = `shopper-${randomBytes(4).toString('hex')}`;

/** What the journey learnt on the way, for the later steps and the final cross-check. */
const seen: {
  member?: MemberProfile;
  pointsEarned?: number;
  exchangeId?: string;
  pickupCode?: string;
  couponId?: string;
  couponCode?: string;
  consentWithdrawn?: boolean;
} = {};

/** Steps run in order; once one fails the rest say so instead of failing for a reason of their own. */
let broken: string | null = null;
function step(name: string, body: () => Promise<void>): void {
  it(name, async () => {
    if (broken) {
      const skipped = new Error(`not run: the step "${broken}" failed`);
      skipped.stack = skipped.message;
      throw skipped;
    }
    try {
      await body();
    } catch (error) {
      broken = name;
      throw await withDiagnosis(error, name);
    }
  });
}

/** Adds where each phone was and what the app threw, and photographs both phones as FAILED-*.png. */
async function withDiagnosis(error: unknown, stepName: string): Promise<unknown> {
  if (!(error instanceof Error)) return error;
  const lines: string[] = [];
  for (const [who, phone] of [['shopper', shopper], ['clerk', clerk]] as const) {
    if (!phone || phone.page.isClosed()) continue;
    lines.push(`${who} at ${phone.page.url()}`);
    for (const thrown of phone.errors) lines.push(`  ${who}'s app threw: ${thrown}`);
    await h.screenshot(phone.page, `FAILED-${who}`).then(
      (file) => lines.push(`  picture: ${file}`),
      () => undefined,
    );
  }
  error.message += `\n\n(step "${stepName}")\n${lines.join('\n')}`;
  return error;
}

beforeAll(async () => {
  h = await startHarness();
  offers = await putOffersOnSale(h.api);
  shopper = await h.shopper(user);
  clerk = await h.clerk();
});

afterAll(async () => {
  await h?.close();
});

/** The digits of the rotating card code as the card page shows them now (grouped by four). */
async function cardCodeOnShow(): Promise<string> {
  const shown = await expectTextOf(current(shopper.page).getByTestId('card-code'), /^\d{4}( \d{1,4})+$/);
  return shown.replace(/\s/g, '');
}

describe('a shopper joins at the store, shops, spends points and a coupon, picks up an item and opts out of marketing', () => {
  // ---- joining -------------------------------------------------------------------------------

  step('the join page opened from the store code welcomes a scanning shopper', async () => {
    const page = await shopper.open(ROUTES.join, { scene: DEMO.scenes.jingan });
    const screen = current(page);
    await expectVisible(screen.getByTestId('join-page'));
    await expectText(screen, '欢迎加入会员');
    // the subtitle for a scanned store code, not the one for a plain launch
    await expectText(screen, '扫码入会，专属礼遇马上到手');
    await expectAttribute(screen.getByTestId('join-terms'), 'aria-checked', 'false');
    await expectAttribute(screen.getByTestId('join-marketing'), 'aria-checked', 'false');
    await h.screenshot(page, '01-join');
  });

  step('joining without accepting the terms asks for them first', async () => {
    const page = shopper.page;
    await current(page).getByTestId('join-submit').click();
    await expectTextOf(current(page).getByTestId('join-terms-hint'), '请先阅读并同意会员协议');
    await h.screenshot(page, '02-join-terms-required');
    // nothing was created
    const { code } = h.fake.mintLoginCode({ user });
    const answer = await h.api.call('POST', '/auth/member/login', { body: { code, brandCode: DEMO.brandCode, join: false } });
    expect(answer.status).toBe(404);
    expect(answer.body.code).toBe('MEMBER_NOT_FOUND');
  });

  step('the terms can be read before accepting them', async () => {
    const page = shopper.page;
    await current(page).getByTestId('join-terms-link').click();
    await answerModal(page, { title: '会员协议', text: '我们不会向第三方出售您的个人信息', tap: '我知道了' }, () => h.screenshot(page, '03-join-terms'));
    // reading them does not tick the box
    await expectAttribute(current(page).getByTestId('join-terms'), 'aria-checked', 'false');
  });

  step('accepting the terms and marketing messages and joining opens the member card with a welcome', async () => {
    const page = shopper.page;
    const screen = current(page);
    await screen.getByTestId('join-terms').locator('.check-row__box').click();
    await screen.getByTestId('join-marketing').locator('.check-row__box').click();
    await expectAttribute(screen.getByTestId('join-terms'), 'aria-checked', 'true');
    await expectAttribute(screen.getByTestId('join-marketing'), 'aria-checked', 'true');
    await expectNoText(screen, '请先阅读并同意会员协议');
    await h.screenshot(page, '04-join-accepted');
    await screen.getByTestId('join-submit').click();
    await onRoute(page, ROUTES.card);
    seen.member = await h.api.ok<MemberProfile>('GET', '/members/me', { token: await h.api.memberToken(user) });
    expect(seen.member.joinSource).toMatchObject({ type: 'store' });
    expect(seen.member.marketingConsent.granted).toBe(true);
  });

  step('the member card shows the member number, no points yet, and the code to show at the counter', async () => {
    const page = shopper.page;
    const screen = current(page);
    await expectText(screen.getByTestId('card-welcome'), '欢迎加入会员');
    await expectTextOf(screen.getByTestId('card-member-no'), `NO. ${seen.member!.memberNo}`);
    await expectTextOf(screen.getByTestId('card-points-balance'), '0');
    await expectTextOf(screen.getByTestId('card-phone'), '未绑定');
    const code = await cardCodeOnShow();
    // the code carries the member number
    expect(code.startsWith(seen.member!.memberNo)).toBe(true);
    await expectVisible(screen.getByTestId('card-qr'));
    await expectVisible(screen.getByTestId('card-barcode'));
    await h.screenshot(page, '05-card');
  });

  // ---- at the counter: a purchase -------------------------------------------------------------

  step('the clerk signs in and sees the workbench of their store', async () => {
    const page = await signInClerk(clerk, { username: 'clerk1' }, (filled) => h.screenshot(filled, '06-clerk-login'));
    const screen = current(page);
    await expectTextOf(screen.getByTestId('clerk-staff-name'), '店员 李娜');
    await expectTextOf(screen.getByTestId('clerk-store-name'), '上海静安店');
    await h.screenshot(page, '07-clerk-workbench');
  });

  step('the clerk types the card code the shopper shows and sees the member', async () => {
    const page = clerk.page;
    const screen = current(page);
    const code = await cardCodeOnShow();
    await typeInto(screen.getByTestId('clerk-scan-input'), code);
    await screen.getByTestId('clerk-scan-submit').click();
    const member = screen.getByTestId('clerk-member');
    await expectTextOf(member.getByTestId('clerk-member-no'), seen.member!.memberNo);
    await expectTextOf(member.getByTestId('clerk-member-phone'), '未绑定');
    await expectTextOf(member.getByTestId('clerk-member-points'), '0（共 0）');
    await expectVisible(member.getByTestId('clerk-coupons-empty'));
    await h.screenshot(page, '08-clerk-member');
  });

  step('the clerk records a purchase and sees the points it earned', async () => {
    const page = clerk.page;
    const screen = current(page);
    await typeInto(screen.getByTestId('clerk-purchase-amount'), PURCHASE.shown);
    await screen.getByTestId('clerk-purchase-submit').click();
    await answerModal(page, { title: '确认记录消费', text: `上海静安店：消费 ¥${PURCHASE.shown}.00`, tap: '记录' }, () => h.screenshot(page, '09-clerk-purchase-confirm'));
    const result = screen.getByTestId('clerk-purchase-result');
    // the default rule, 10 points per ¥100 pro rata and floored, base tier ×1: ¥1288 → 128
    seen.pointsEarned = Math.floor((PURCHASE.amountFen * 10) / 10_000);
    await expectText(result, `已记录消费 ¥${PURCHASE.shown}.00`);
    await expectText(result, `获得 ${seen.pointsEarned} 积分`);
    await expectText(result, `积分余额 ${seen.pointsEarned}`);
    // the member panel is refreshed
    await expectTextOf(screen.getByTestId('clerk-member-points'), `${seen.pointsEarned}（共 ${seen.pointsEarned}）`);
    await h.screenshot(page, '10-clerk-purchase-recorded');
  });

  step('the shopper sees the points of the purchase', async () => {
    const page = await shopper.open(ROUTES.points);
    const screen = current(page);
    const earned = seen.pointsEarned!;
    await expectTextOf(screen.getByTestId('points-balance'), String(earned));
    await expectTextOf(screen.getByTestId('points-available'), String(earned));
    await expectTextOf(screen.getByTestId('points-locked'), '0');
    const entry = screen.getByTestId('points-entry').first();
    await expectTextOf(entry.getByTestId('points-entry-title'), '消费得积分');
    await expectTextOf(entry.getByTestId('points-entry-amount'), `+${earned}`);
    await h.screenshot(page, '11-points');
  });

  // ---- the points mall ----------------------------------------------------------------------------

  step('the shopper finds the pickup item in the points mall', async () => {
    const page = await shopper.open(ROUTES.mall);
    const screen = current(page);
    await expectTextOf(screen.getByTestId('mall-points-available'), String(seen.pointsEarned));
    const item = screen.getByTestId('mall-item').filter({ hasText: MALL_ITEM.name });
    await expectTextOf(item.getByTestId('mall-item-price'), `${MALL_ITEM.pointsPrice} 积分`);
    await h.screenshot(page, '12-mall');
    await item.click();
    await onRoute(page, ROUTES.mallItem);
    const detail = current(page);
    await expectTextOf(detail.getByTestId('mall-detail-name'), MALL_ITEM.name);
    await expectTextOf(detail.getByTestId('mall-detail-price'), `${MALL_ITEM.pointsPrice} 积分`);
    await expectTextOf(detail.getByTestId('mall-detail-fulfilment'), '门店自提');
    await expectTextOf(detail.getByTestId('mall-detail-stock'), String(MALL_ITEM.stock));
    await expectTextOf(detail.getByTestId('mall-detail-limit'), '每人 1 件，已兑 0 件');
    await expectTextOf(detail.getByTestId('mall-detail-points'), String(seen.pointsEarned));
    await h.screenshot(page, '13-mall-item');
  });

  step('the shopper exchanges points for it and gets a pickup code', async () => {
    const page = shopper.page;
    await current(page).getByTestId('mall-exchange-submit').click();
    await answerModal(page, { title: '确认兑换', text: `兑换「${MALL_ITEM.name}」×1`, tap: '兑换' });
    await onRoute(page, ROUTES.mallExchange);
    const screen = current(page);
    await expectTextOf(screen.getByTestId('mall-exchange-detail-status'), '待提货');
    seen.pickupCode = await expectTextOf(screen.getByTestId('mall-exchange-detail-pickup-code'), /^\d{8}$/);
    await expectVisible(screen.getByTestId('mall-exchange-detail-qr'));
    seen.exchangeId = queryOf(page, 'id');
    await h.screenshot(page, '14-mall-exchange');
  });

  // ---- the coupon centre --------------------------------------------------------------------------

  step('the shopper claims the coupon in the coupon centre', async () => {
    const page = await shopper.open(ROUTES.coupons);
    const screen = current(page);
    await screen.getByTestId('coupons-tab-claim').click();
    const offer = screen.getByTestId('coupons-claimable-item').filter({ hasText: COUPON.name });
    const claim = offer.getByTestId('coupons-claim-button');
    await expectTextOf(claim, '立即领取');
    await h.screenshot(page, '15-coupon-centre');
    await claim.click();
    await expectToast(page, '领取成功');
    // claimed once, the per-member limit is reached
    await expectTextOf(claim, '已领取');
    await h.screenshot(page, '16-coupon-claimed');
  });

  step('the coupon is in the wallet, with its code to show at the counter', async () => {
    const page = shopper.page;
    const screen = current(page);
    await screen.getByTestId('coupons-tab-available').click();
    const coupon = screen.getByTestId('coupons-item').filter({ hasText: COUPON.name });
    await expectText(coupon, '去使用');
    await coupon.click();
    await onRoute(page, ROUTES.couponDetail);
    const detail = current(page);
    await expectTextOf(detail.getByTestId('coupon-detail-name'), COUPON.name);
    await expectTextOf(detail.getByTestId('coupon-detail-status'), '可使用');
    const shown = await expectTextOf(detail.getByTestId('coupon-detail-code'), /^[0-9A-Z]{4}( [0-9A-Z]{4}){3}$/);
    seen.couponCode = shown;
    seen.couponId = queryOf(page, 'id');
    await expectVisible(detail.getByTestId('coupon-detail-qr'));
    await h.screenshot(page, '17-coupon-detail');
  });

  // ---- at the counter: the coupon and the pickup ----------------------------------------------

  step('the clerk redeems the coupon from its typed code', async () => {
    const page = clerk.page;
    const screen = current(page);
    // typed as the shopper shows it, in groups of four
    await typeInto(screen.getByTestId('clerk-redeem-code'), seen.couponCode!);
    await screen.getByTestId('clerk-redeem-submit').click();
    await answerModal(page, { title: '确认核销优惠券', text: seen.couponCode!.replace(/\s/g, ''), tap: '核销' });
    await expectText(screen.getByTestId('clerk-redeem-result'), `已核销「${COUPON.name}」`);
    await h.screenshot(page, '18-clerk-coupon-redeemed');
  });

  step('the clerk looks up the pickup code and hands the item over', async () => {
    const page = clerk.page;
    const screen = current(page);
    await typeInto(screen.getByTestId('clerk-pickup-code'), seen.pickupCode!);
    await screen.getByTestId('clerk-pickup-lookup').click();
    const info = screen.getByTestId('clerk-pickup-info');
    await expectText(info, `${MALL_ITEM.name} ×1`);
    await expectTextOf(info.getByTestId('clerk-pickup-status'), '待提货');
    await h.screenshot(page, '19-clerk-pickup-found');
    await info.getByTestId('clerk-pickup-submit').click();
    await answerModal(page, { title: '确认提货', text: `将「${MALL_ITEM.name}」×1 交给会员？`, tap: '确认提货' });
    await expectTextOf(screen.getByTestId('clerk-pickup-result'), `提货成功：${MALL_ITEM.name} ×1`);
    await expectTextOf(info.getByTestId('clerk-pickup-status'), '已提货');
    await h.screenshot(page, '20-clerk-pickup-done');
  });

  step('the shopper sees the coupon used, the item picked up and the points spent', async () => {
    let page = await shopper.open(ROUTES.couponDetail, { id: seen.couponId! });
    await expectTextOf(current(page).getByTestId('coupon-detail-status'), '已使用');
    await h.screenshot(page, '21-coupon-used');

    page = await shopper.open(ROUTES.mallExchange, { id: seen.exchangeId! });
    await expectTextOf(current(page).getByTestId('mall-exchange-detail-status'), '已提货');
    await expectNoText(current(page), '到店后向店员出示提货码');
    await h.screenshot(page, '22-exchange-picked-up');

    page = await shopper.open(ROUTES.points);
    const screen = current(page);
    const left = seen.pointsEarned! - MALL_ITEM.pointsPrice;
    await expectTextOf(screen.getByTestId('points-balance'), String(left));
    const latest = screen.getByTestId('points-entry').first();
    await expectTextOf(latest.getByTestId('points-entry-title'), '积分商城兑换');
    await expectTextOf(latest.getByTestId('points-entry-amount'), `-${MALL_ITEM.pointsPrice}`);
    await h.screenshot(page, '23-points-after-exchange');
  });

  // ---- marketing consent -------------------------------------------------------------------------

  step('the shopper withdraws marketing consent on the profile page', async () => {
    const page = await shopper.open(ROUTES.profile);
    const screen = current(page);
    const toggle = screen.getByTestId('profile-consent-switch');
    // given when joining
    await expectTextOf(screen.getByTestId('profile-consent-time'), /^已开启 · 更新于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await expectChecked(inputOf(toggle), true);
    await h.screenshot(page, '24-profile');
    await toggle.click();
    await expectToast(page, '已关闭营销消息');
    await expectTextOf(screen.getByTestId('profile-consent-time'), /^已关闭 · 更新于 /);
    await expectChecked(inputOf(toggle), false);
    await h.screenshot(page, '25-consent-withdrawn');
    seen.consentWithdrawn = true;
    // still off on a fresh load
    const again = current(await shopper.open(ROUTES.profile));
    await expectTextOf(again.getByTestId('profile-consent-time'), /^已关闭 · 更新于 /);
    await expectChecked(inputOf(again.getByTestId('profile-consent-switch')), false);
  });

  // ---- what the server holds --------------------------------------------------------------------

  step('the server holds what the pages showed', async () => {
    const token = await h.api.memberToken(user);
    const points = await h.api.ok<PointsSummary>('GET', '/members/me/points', { token });
    expect(points.balance).toBe(seen.pointsEarned! - MALL_ITEM.pointsPrice);

    const orders = await h.api.ok<{ items: Order[] }>('GET', '/members/me/orders', { token });
    expect(orders.items).toHaveLength(1);
    expect(orders.items[0]).toMatchObject({ channel: 'store', grossFen: PURCHASE.amountFen, pointsEarned: seen.pointsEarned, status: 'completed' });

    const coupon = await h.api.ok<Coupon>('GET', `/members/me/coupons/${seen.couponId}`, { token });
    expect(coupon).toMatchObject({ templateId: offers.template.id, status: 'redeemed', issuedVia: 'claim' });
    expect(coupon.code.replace(/(.{4})(?=.)/g, '$1 ')).toBe(seen.couponCode);

    const exchange = await h.api.ok<MallExchange>('GET', `/members/me/exchanges/${seen.exchangeId}`, { token });
    expect(exchange).toMatchObject({ itemId: offers.item.id, status: 'picked_up', pickupCode: seen.pickupCode, pointsSpent: MALL_ITEM.pointsPrice });

    const consent = await h.api.ok<ConsentHistory>('GET', '/members/me/marketing-consent', { token });
    expect(seen.consentWithdrawn).toBe(true);
    expect(consent.current.granted).toBe(false);
    // given at joining, then withdrawn: both kept
    expect(consent.events.map((event) => event.granted).sort()).toEqual([false, true]);

    // the store recorded on the order is the clerk's
    const clerkToken = await h.api.staffToken('clerk1');
    const staffMe = await h.api.ok<{ staff: { storeIds: string[] } }>('GET', '/staff/me', { token: clerkToken });
    expect(orders.items[0]!.storeId).toBe(staffMe.staff.storeIds[0]);
  });

  step('neither app threw an uncaught error', async () => {
    expect(shopper.errors).toEqual([]);
    expect(clerk.errors).toEqual([]);
  });
});
