import { newId } from '@memberloop/shared';
import { sql } from 'drizzle-orm';
import type { CampaignTrigger } from '@memberloop/shared';
import { withTransaction } from '../src/db/transaction';
import { insertEvents, insertPurchase } from './analytics-fixtures';
import { createTemplate } from './coupons-fixtures';
import { startTestServer, type TestServer } from './harness';
import { activate, addMembers, campaignWorld, createCampaign, DAY, deliveriesOf, HOUR, query, T0, tickAndRun, type CampaignWorld } from './campaigns-fixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());
beforeEach(() => server.clock.set(T0));

let brands = 0;
/** A brand of its own and an active triggered campaign, activated at `activatedAt`. */
async function triggered(
  trigger: CampaignTrigger,
  activatedAt = T0,
  inbox = { title: '{{name}}', body: '积分 {{expiringPoints}} 将于 {{expiringDate}} 过期' },
): Promise<{ world: CampaignWorld; campaignId: string }> {
  const world = await campaignWorld(server, `trg${++brands}`);
  server.clock.set(activatedAt);
  const campaign = await createCampaign(server, world, { kind: 'triggered', trigger, variants: [{ key: 'a', weight: 1, actions: { message: { inbox } } }] });
  await activate(server, world, campaign.id);
  server.clock.set(T0);
  return { world, campaignId: campaign.id };
}

/** Members (by id) decided for the campaign at `at`. */
async function firedAt(campaignId: string, at: Date): Promise<string[]> {
  const before = new Set((await deliveriesOf(server, campaignId)).map((row) => row.id));
  await tickAndRun(server, at);
  return (await deliveriesOf(server, campaignId)).filter((row) => !before.has(row.id)).map((row) => row.member_id);
}

/** 10:00 in Shanghai on a local day. */
const tenAm = (day: string) => new Date(`${day}T02:00:00Z`);

describe('daily triggers fire on their brand-local day at their hour, once', () => {
  it('birthday: on the day at 10:00, not at 09:59 nor the day before or after; Feb 29 on Feb 28 in a common year', async () => {
    const { world, campaignId } = await triggered({ type: 'birthday' }, new Date('2026-11-20T00:00:00Z'));
    const [birthday, other, leap] = await addMembers(server, world.brandId, 3, (i) => ({ birthday: ['1990-11-25', '1990-11-26', '2000-02-29'][i] }));
    expect(await firedAt(campaignId, tenAm('2026-11-24'))).toEqual([]);
    expect(await firedAt(campaignId, new Date('2026-11-25T01:59:00Z'))).toEqual([]);
    expect(await firedAt(campaignId, tenAm('2026-11-25'))).toEqual([birthday]);
    expect(await firedAt(campaignId, new Date('2026-11-25T09:00:00Z'))).toEqual([]);
    expect(await firedAt(campaignId, tenAm('2026-11-26'))).toEqual([other]);
    expect(await firedAt(campaignId, tenAm('2027-02-27'))).toEqual([]);
    expect(await firedAt(campaignId, tenAm('2027-02-28'))).toEqual([leap]);
    expect(await firedAt(campaignId, tenAm('2027-03-01'))).toEqual([]);
  });

  it('inactive 30 days: the last purchase exactly 30 brand-local days ago, once per spell', async () => {
    const { world, campaignId } = await triggered({ type: 'inactive', days: 30 }, new Date('2026-11-20T00:00:00Z'));
    const [lapsed, dayLater, bought] = await addMembers(server, world.brandId, 3);
    // 2026-10-25 23:30 Shanghai = 15:30Z: the local day is the 25th, 30 days before 2026-11-24
    await insertPurchase(server, { brandId: world.brandId, memberId: lapsed!, paidFen: 100, at: new Date('2026-10-25T15:30:00Z') });
    await insertPurchase(server, { brandId: world.brandId, memberId: dayLater!, paidFen: 100, at: new Date('2026-10-25T16:30:00Z') }); // local Oct 26 00:30
    await insertPurchase(server, { brandId: world.brandId, memberId: bought!, paidFen: 100, at: new Date('2026-10-25T10:00:00Z') });
    await insertPurchase(server, { brandId: world.brandId, memberId: bought!, paidFen: 100, at: new Date('2026-11-01T10:00:00Z') });
    expect(await firedAt(campaignId, tenAm('2026-11-23'))).toEqual([]);
    expect(await firedAt(campaignId, tenAm('2026-11-24'))).toEqual([lapsed]);
    expect(await firedAt(campaignId, tenAm('2026-11-25'))).toEqual([dayLater]);
    expect(await firedAt(campaignId, tenAm('2026-11-26'))).toEqual([]);
  });

  it('anniversary: the local join date a year or more later', async () => {
    const { world, campaignId } = await triggered({ type: 'anniversary' }, new Date('2026-11-20T00:00:00Z'));
    const [member] = await addMembers(server, world.brandId, 1, { joinedAt: new Date('2025-11-24T20:00:00Z') }); // local 2025-11-25 04:00
    await addMembers(server, world.brandId, 1, { joinedAt: new Date('2026-11-25T03:00:00Z') }); // joined this year: no anniversary
    expect(await firedAt(campaignId, tenAm('2026-11-24'))).toEqual([]);
    expect(await firedAt(campaignId, tenAm('2026-11-25'))).toEqual([member]);
    expect(await firedAt(campaignId, tenAm('2026-11-26'))).toEqual([]);
  });

  it('points expiring within 7 days: on the first day the lot is within reach, with the amount in the variables', async () => {
    const { world, campaignId } = await triggered({ type: 'points_expiring', days: 7 }, new Date('2026-11-20T00:00:00Z'));
    const [member] = await addMembers(server, world.brandId, 1);
    // expires 2026-12-01 18:00 Shanghai: within 7 local days from the 24th, not from the 23rd
    await withTransaction(server.database.db, (tx) =>
      server.app.services.points.steps.earn(tx, { brandId: world.brandId, memberId: member!, amount: 120, reason: 'test', sourceType: 'test', sourceId: 't1', actor: { type: 'system', id: null }, at: new Date('2026-01-01T00:00:00Z'), expiresAt: new Date('2026-12-01T10:00:00Z') }),
    );
    expect(await firedAt(campaignId, tenAm('2026-11-23'))).toEqual([]);
    expect(await firedAt(campaignId, tenAm('2026-11-24'))).toEqual([member]);
    expect(await firedAt(campaignId, tenAm('2026-11-25'))).toEqual([]);
    const [message] = await query<{ variables: Record<string, unknown> }>(server, sql`select variables from message_outbox where brand_id = ${world.brandId}`);
    expect(message!.variables).toMatchObject({ expiringPoints: 120, expiringDate: '2026-12-01T10:00:00.000Z' });
  });

  it('coupon expiring within 3 days: from the first local day the coupon is within reach, once per coupon, never for a used or expired one', async () => {
    const { world, campaignId } = await triggered({ type: 'coupon_expiring', days: 3 }, new Date('2026-11-20T00:00:00Z'), { title: '{{name}}', body: '您的{{coupon}}将于{{couponExpiresAt}}到期' });
    const template = await createTemplate(server, world.token, { name: '满100减20' });
    const [twoCoupons, afterMidnight, redeemed, expired, revoked] = await addMembers(server, world.brandId, 5);
    const coupon = async (memberId: string, validUntil: string, status: 'available' | 'redeemed' | 'expired' | 'revoked' = 'available') => {
      const id = newId('coupon');
      await server.database.db.execute(sql`insert into coupons (id, brand_id, template_id, member_id, code, status, valid_from, valid_until, issued_via, redeemed_at)
        values (${id}, ${world.brandId}, ${template.id}, ${memberId}, ${'C' + id}, ${status}, ${new Date('2026-11-01T00:00:00Z')}, ${new Date(validUntil)}, 'grant',
                ${status === 'redeemed' ? new Date('2026-11-10T00:00:00Z') : null})`);
      return id;
    };
    const lastSecondOf27th = await coupon(twoCoupons!, '2026-11-27T15:59:59Z'); // 23:59:59 on the 27th in Shanghai
    const noonOf28th = await coupon(twoCoupons!, '2026-11-28T04:00:00Z');
    // 00:30 on the 28th in Shanghai, still the 27th in UTC: within reach from the 25th, not the 24th
    const justPastMidnight = await coupon(afterMidnight!, '2026-11-27T16:30:00Z');
    await coupon(redeemed!, '2026-11-26T04:00:00Z', 'redeemed');
    await coupon(revoked!, '2026-11-26T04:00:00Z', 'revoked');
    // validity ended before the first run: one the expiry job has marked, one it has not reached yet
    await coupon(expired!, '2026-11-22T04:00:00Z', 'expired');
    await coupon(expired!, '2026-11-23T01:00:00Z');

    expect(await firedAt(campaignId, tenAm('2026-11-23'))).toEqual([]);
    expect(await firedAt(campaignId, new Date('2026-11-24T01:59:00Z'))).toEqual([]); // 09:59, before the trigger hour
    expect(await firedAt(campaignId, tenAm('2026-11-24'))).toEqual([twoCoupons]);
    expect(await firedAt(campaignId, new Date('2026-11-24T09:00:00Z'))).toEqual([]); // a later tick the same day
    expect(await firedAt(campaignId, tenAm('2026-11-25'))).toEqual([twoCoupons, afterMidnight].sort());
    expect(await firedAt(campaignId, tenAm('2026-11-26'))).toEqual([]);
    expect(await firedAt(campaignId, tenAm('2026-11-27'))).toEqual([]);

    const decided = await deliveriesOf(server, campaignId);
    expect(decided.map((row) => [row.member_id, row.trigger_ref, row.status]).sort()).toEqual(
      [
        [twoCoupons, `coupon:${lastSecondOf27th}`, 'queued'],
        [twoCoupons, `coupon:${noonOf28th}`, 'queued'],
        [afterMidnight, `coupon:${justPastMidnight}`, 'queued'],
      ].sort(),
    );
    // the message names the coupon that is expiring
    const messages = await query<{ source_ref: string; variables: Record<string, unknown> }>(server, sql`select source_ref, variables from message_outbox where brand_id = ${world.brandId}`);
    const byRef = new Map(decided.map((row) => [row.id, row.trigger_ref]));
    expect(messages.map((m) => [byRef.get(m.source_ref), m.variables]).sort()).toEqual(
      [
        [`coupon:${lastSecondOf27th}`, { name: expect.any(String), coupon: '满100减20', couponExpiresAt: '2026-11-27T15:59:59.000Z' }],
        [`coupon:${noonOf28th}`, { name: expect.any(String), coupon: '满100减20', couponExpiresAt: '2026-11-28T04:00:00.000Z' }],
        [`coupon:${justPastMidnight}`, { name: expect.any(String), coupon: '满100减20', couponExpiresAt: '2026-11-27T16:30:00.000Z' }],
      ].sort(),
    );
  });

  it('repurchase due: the predicted next purchase falls on the local day', async () => {
    const { world, campaignId } = await triggered({ type: 'repurchase_due' }, new Date('2026-11-20T00:00:00Z'));
    const [member] = await addMembers(server, world.brandId, 1);
    await server.database.db.execute(sql`insert into member_scores (brand_id, member_id, computed_at, value_segment, next_purchase_at)
      values (${world.brandId}, ${member}, ${T0}, 'normal', ${new Date('2026-11-25T12:00:00Z')})`);
    expect(await firedAt(campaignId, tenAm('2026-11-24'))).toEqual([]);
    expect(await firedAt(campaignId, tenAm('2026-11-25'))).toEqual([member]);
    expect(await firedAt(campaignId, tenAm('2026-11-26'))).toEqual([]);
  });

  it('tier downgrade soon: the grace period ends within N days, once per grace period', async () => {
    const { world, campaignId } = await triggered({ type: 'tier_downgrade_soon', days: 3 }, new Date('2026-11-20T00:00:00Z'));
    const [member] = await addMembers(server, world.brandId, 1);
    await server.database.db.execute(sql`insert into member_tiers (brand_id, member_id, level, grace_until, level_since)
      values (${world.brandId}, ${member}, 2, ${new Date('2026-11-28T04:00:00Z')}, ${new Date('2026-01-01T00:00:00Z')})`);
    expect(await firedAt(campaignId, tenAm('2026-11-24'))).toEqual([]);
    expect(await firedAt(campaignId, tenAm('2026-11-25'))).toEqual([member]);
    expect(await firedAt(campaignId, tenAm('2026-11-26'))).toEqual([]);
  });
});

describe('event triggers fire at the first scan after the event, once per occurrence', () => {
  it('joined: members who join after activation, once', async () => {
    const { world, campaignId } = await triggered({ type: 'joined' });
    await addMembers(server, world.brandId, 1, { joinedAt: new Date(T0.getTime() - HOUR) });
    const [joined] = await addMembers(server, world.brandId, 1, { joinedAt: new Date(T0.getTime() + 30_000) });
    expect(await firedAt(campaignId, new Date(T0.getTime() + 60_000))).toEqual([joined]);
    expect(await firedAt(campaignId, new Date(T0.getTime() + 120_000))).toEqual([]);
  });

  it('first purchase: the first order only', async () => {
    const { world, campaignId } = await triggered({ type: 'first_purchase' });
    const [member] = await addMembers(server, world.brandId, 1);
    expect(await firedAt(campaignId, new Date(T0.getTime() + 60_000))).toEqual([]);
    await insertPurchase(server, { brandId: world.brandId, memberId: member!, paidFen: 100, at: new Date(T0.getTime() + 90_000) });
    expect(await firedAt(campaignId, new Date(T0.getTime() + 120_000))).toEqual([member]);
    await insertPurchase(server, { brandId: world.brandId, memberId: member!, paidFen: 100, at: new Date(T0.getTime() + 150_000) });
    expect(await firedAt(campaignId, new Date(T0.getTime() + 180_000))).toEqual([]);
  });

  it('cart abandoned after 2 hours: not before the window closes, never after a purchase in it', async () => {
    const { world, campaignId } = await triggered({ type: 'cart_abandoned', hours: 2 });
    const [abandoned, bought] = await addMembers(server, world.brandId, 2);
    const cartAt = new Date(T0.getTime() + HOUR);
    await insertEvents(server, { brandId: world.brandId, memberId: abandoned!, type: 'cart_add', ats: [cartAt] });
    await insertEvents(server, { brandId: world.brandId, memberId: bought!, type: 'cart_add', ats: [cartAt] });
    await insertPurchase(server, { brandId: world.brandId, memberId: bought!, paidFen: 100, at: new Date(cartAt.getTime() + 30 * 60_000) });
    expect(await firedAt(campaignId, new Date(cartAt.getTime() + 2 * HOUR - 60_000))).toEqual([]);
    expect(await firedAt(campaignId, new Date(cartAt.getTime() + 2 * HOUR))).toEqual([abandoned]);
    expect(await firedAt(campaignId, new Date(cartAt.getTime() + 2 * HOUR + 60_000))).toEqual([]);
  });

  it('tier upgraded: each upgrade in tier history, once', async () => {
    const { world, campaignId } = await triggered({ type: 'tier_upgraded' });
    const [member] = await addMembers(server, world.brandId, 1);
    await server.database.db.execute(sql`insert into tier_history (id, brand_id, member_id, from_level, to_level, reason, actor_type, at)
      values (${newId('tierHistory')}, ${world.brandId}, ${member}, 0, 1, 'purchase_upgrade', 'system', ${new Date(T0.getTime() + 30_000)}),
             (${newId('tierHistory')}, ${world.brandId}, ${member}, 1, 0, 'evaluation_downgrade', 'system', ${new Date(T0.getTime() + 40_000)})`);
    expect(await firedAt(campaignId, new Date(T0.getTime() + 60_000))).toEqual([member]);
    expect(await firedAt(campaignId, new Date(T0.getTime() + 120_000))).toEqual([]);
  });
});

describe('guards', () => {
  it('frequency cap across campaigns, budget, end date', async () => {
    const world = await campaignWorld(server, 'guards');
    const ids = await addMembers(server, world.brandId, 6);
    expect((await server.call({ method: 'PUT', url: '/campaigns/settings', token: world.token, payload: { frequencyCapCount: 1, frequencyCapDays: 7 } })).body).toEqual({ frequencyCapCount: 1, frequencyCapDays: 7 });

    // budget: 100 points (100 fen) per member, 250 fen → two members get them, the rest are skipped for budget
    const budget = await createCampaign(server, world, { budgetFen: 250, variants: [{ key: 'a', weight: 1, actions: { points: 100 } }] });
    await activate(server, world, budget.id);
    await server.app.services.campaigns.runDue({ now: T0 });
    const budgetRows = await deliveriesOf(server, budget.id);
    expect(budgetRows.filter((row) => row.status === 'queued').map((row) => row.member_id)).toEqual(ids.slice(0, 2));
    expect(budgetRows.filter((row) => row.status === 'skipped').every((row) => row.skip_reason === 'budget')).toBe(true);
    expect((await server.call({ method: 'GET', url: `/campaigns/${budget.id}`, token: world.token })).body.spentFen).toBe(200);
    const [balance] = await query<{ balance: number }>(server, sql`select balance from point_accounts where brand_id = ${world.brandId} and member_id = ${ids[0]}`);
    expect(balance!.balance).toBe(100);

    // frequency cap 1 in 7 days: the two who got points are skipped by the next marketing campaign
    const next = await createCampaign(server, world);
    await activate(server, world, next.id);
    await server.app.services.campaigns.runDue({ now: new Date(T0.getTime() + 60_000) });
    const capped = await deliveriesOf(server, next.id);
    expect(capped.filter((row) => row.skip_reason === 'frequency_cap').map((row) => row.member_id)).toEqual(ids.slice(0, 2));
    expect(capped.filter((row) => row.status === 'queued')).toHaveLength(4);
    // … and more than a week later everyone is free again
    const later = await createCampaign(server, world);
    server.clock.set(new Date(T0.getTime() + 8 * DAY));
    await activate(server, world, later.id);
    await server.app.services.campaigns.runDue({ now: new Date(T0.getTime() + 8 * DAY) });
    expect((await deliveriesOf(server, later.id)).filter((row) => row.status === 'queued').map((row) => row.member_id)).toEqual(ids);

    // end date: a scheduled campaign past its end is ended by the tick and decides nothing
    server.clock.set(T0);
    const ending = await createCampaign(server, world, { kind: 'scheduled', cron: '* * * * *', endsAt: new Date(T0.getTime() + 30 * 60_000).toISOString() });
    await activate(server, world, ending.id);
    await tickAndRun(server, new Date(T0.getTime() + HOUR));
    expect((await server.call({ method: 'GET', url: `/campaigns/${ending.id}`, token: world.token })).body.status).toBe('ended');
    expect(await deliveriesOf(server, ending.id)).toHaveLength(0);
  });

  it('refuses invalid definitions with clear errors', async () => {
    const world = await campaignWorld(server, 'invalid');
    const post = (payload: object) => server.call({ method: 'POST', url: '/campaigns', token: world.token, payload });
    const base = { name: 'x', kind: 'one_off', variants: [{ key: 'a', weight: 1, actions: { points: 1 } }] };
    expect((await post({ ...base, kind: 'scheduled' })).body.code).toBe('CAMPAIGN_INVALID');
    expect((await post({ ...base, kind: 'scheduled', cron: 'not a cron' })).body.code).toBe('CAMPAIGN_INVALID');
    expect((await post({ ...base, kind: 'triggered' })).body.code).toBe('CAMPAIGN_INVALID');
    expect((await post({ ...base, kind: 'triggered', trigger: { type: 'inactive' } })).body.code).toBe('CAMPAIGN_INVALID');
    expect((await post({ ...base, variants: [...base.variants, ...base.variants] })).body.code).toBe('CAMPAIGN_INVALID');
    expect((await post({ ...base, variants: [{ key: 'control', weight: 1, actions: { points: 1 } }] })).body.code).toBe('CAMPAIGN_INVALID');
    expect((await post({ ...base, endsAt: '2020-01-01T00:00:00Z' })).body.code).toBe('CAMPAIGN_INVALID');
    expect((await post({ ...base, segmentId: newId('segment') })).body.code).toBe('SEGMENT_NOT_FOUND');
    expect((await post({ ...base, variants: [{ key: 'a', weight: 1, actions: { couponTemplateId: newId('couponTemplate') } }] })).body.code).toBe('COUPON_TEMPLATE_NOT_FOUND');
    expect((await post({ ...base, variants: [{ key: 'a', weight: 1, actions: { message: { inbox: { title: '{{nope}}', body: 'x' } } } }] })).body.code).toBe('MESSAGE_TEMPLATE_INVALID');
    const ok = await post(base);
    expect(ok.status).toBe(201);
    await activate(server, world, ok.body.id);
    expect((await server.call({ method: 'PUT', url: `/campaigns/${ok.body.id}`, token: world.token, payload: base })).body.code).toBe('CAMPAIGN_NOT_EDITABLE');
  });
});
