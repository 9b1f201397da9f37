import { sql } from 'drizzle-orm';
import type { CampaignRunList } from '@memberloop/shared';
import { assign } from '../src/modules/campaigns/assignment';
import { startTestServer, type TestServer } from './harness';
import { activate, addMembers, campaignWorld, createCampaign, deliveriesOf, inboxMessage, query, T0, tickAndRun, type CampaignWorld } from './campaigns-fixtures';

let server: TestServer;
let world: CampaignWorld;

beforeAll(async () => {
  server = await startTestServer();
  world = await campaignWorld(server, 'runs');
});
afterAll(() => server.close());
beforeEach(() => server.clock.set(T0));

describe('a one-off campaign run', () => {
  it('decides every member once: variants by weight, control held out, no consent skipped, messages in the outbox', async () => {
    const consenting = await addMembers(server, world.brandId, 60, { consent: true });
    const refusing = await addMembers(server, world.brandId, 5, { consent: false });
    const campaign = await createCampaign(server, world, {
      holdoutPercent: 20,
      variants: [
        { key: 'a', weight: 1, actions: { message: inboxMessage('{{name}}，A') } },
        { key: 'b', weight: 3, actions: { message: inboxMessage('{{name}}，B') } },
      ],
    });
    expect(campaign.status).toBe('draft');
    expect((await activate(server, world, campaign.id)).status).toBe('active');

    const { runs, decided } = await server.app.services.campaigns.runDue({ now: T0, batchSize: 7 });
    expect(runs).toBe(1);
    expect(decided).toBe(65);

    const rows = await deliveriesOf(server, campaign.id);
    expect(rows).toHaveLength(65);
    expect(new Set(rows.map((row) => row.member_id)).size).toBe(65);
    for (const row of rows) expect(row.variant).toBe(assign(campaign.id, row.member_id, { holdoutPercent: 20, variants: campaign.variants }));
    expect(rows.filter((row) => refusing.includes(row.member_id)).every((row) => row.status === 'skipped' && row.skip_reason === 'no_consent')).toBe(true);
    const decidedConsenting = rows.filter((row) => consenting.includes(row.member_id));
    expect(decidedConsenting.every((row) => (row.variant === 'control' ? row.status === 'held_out' && row.outbox_id === null : row.status === 'queued' && row.outbox_id !== null))).toBe(true);

    const outbox = await query<{ source_ref: string; variables: Record<string, unknown>; content: { inbox: { title: string } } }>(
      server,
      sql`select source_ref, variables, content from message_outbox where brand_id = ${world.brandId} and source = 'campaign'`,
    );
    const queued = rows.filter((row) => row.status === 'queued');
    expect(outbox).toHaveLength(queued.length);
    const byRef = new Map(outbox.map((row) => [row.source_ref, row]));
    for (const row of queued) {
      const message = byRef.get(row.id)!;
      expect(message.content.inbox.title).toBe(row.variant === 'a' ? '{{name}}，A' : '{{name}}，B');
      expect(message.variables).toEqual({ name: expect.stringMatching(/^会员\d+$/), brand: '品牌 runs' });
    }

    const list = await server.call<CampaignRunList>({ method: 'GET', url: `/campaigns/${campaign.id}/runs`, token: world.token });
    expect(list.status).toBe(200);
    const [run] = list.body.items;
    expect(run).toMatchObject({ status: 'done', audienceCount: 65, decidedCount: 65, skipReasons: { no_consent: 5 } });
    expect(run!.counts.queued + run!.counts.heldOut + run!.counts.skipped).toBe(65);
    expect(run!.counts.heldOut).toBeGreaterThan(0);
    const one = await server.call({ method: 'GET', url: `/campaigns/${campaign.id}/runs/${run!.id}`, token: world.token });
    expect(one.body).toEqual(run);
    // a one-off ends with its run
    expect((await server.call({ method: 'GET', url: `/campaigns/${campaign.id}`, token: world.token })).body.status).toBe('ended');
    await server.database.db.execute(sql`delete from members where brand_id = ${world.brandId} and id not in (select member_id from campaign_deliveries)`);
  });

  it('resumes a run its worker left mid-way (crash): no member twice, none missed; a failed batch rolls back whole', async () => {
    const world2 = await campaignWorld(server, 'resume');
    const ids = await addMembers(server, world2.brandId, 95);
    const campaign = await createCampaign(server, world2, { holdoutPercent: 10 });
    await activate(server, world2, campaign.id);
    const service = server.app.services.campaigns;

    // a worker decides 3 batches of 10, then "dies" holding the run (its heartbeat is fresh)
    expect(await service.runDue({ now: T0, batchSize: 10, maxBatches: 3 })).toEqual({ runs: 1, decided: 30 });
    expect(await deliveriesOf(server, campaign.id)).toHaveLength(30);
    // nobody takes a run whose holder is alive
    expect(await service.runDue({ now: new Date(T0.getTime() + 5_000), batchSize: 10 })).toEqual({ runs: 0, decided: 0 });

    // the next batch fails half-way (after its outbox insert): that batch leaves nothing behind and is decided again
    const steps = server.app.services.messaging.steps;
    const enqueue = steps.enqueue;
    let calls = 0;
    steps.enqueue = async (tx, messages) => {
      const ids = await enqueue(tx, messages);
      if (++calls === 1) throw new Error('simulated crash after the outbox insert');
      return ids;
    };
    try {
      const later = new Date(T0.getTime() + 60_000);
      const resumed = await service.runDue({ now: later, batchSize: 10 });
      expect(resumed.runs).toBe(1);
      expect(resumed.decided).toBe(65);
    } finally {
      steps.enqueue = enqueue;
    }
    const rows = await deliveriesOf(server, campaign.id);
    expect(rows.map((row) => row.member_id)).toEqual(ids);
    const [outbox] = await query<{ n: number; distinct_refs: number }>(
      server,
      sql`select count(*)::int as n, count(distinct source_ref)::int as distinct_refs from message_outbox where brand_id = ${world2.brandId}`,
    );
    expect(outbox).toEqual({ n: rows.filter((row) => row.status === 'queued').length, distinct_refs: rows.filter((row) => row.status === 'queued').length });
    const [run] = await query<{ status: string; decided_count: number; error: string | null }>(server, sql`select status, decided_count, error from campaign_runs where campaign_id = ${campaign.id}`);
    expect(run).toEqual({ status: 'done', decided_count: 95, error: null });
  });

  it('schedules: a future one-off at its send time, a cron campaign on matching brand-local minutes, each once', async () => {
    const world3 = await campaignWorld(server, 'sched');
    await addMembers(server, world3.brandId, 3);
    const sendAt = new Date(T0.getTime() + 2 * 3_600_000);
    const later = await createCampaign(server, world3, { sendAt: sendAt.toISOString() });
    await activate(server, world3, later.id);
    // 10:00 Asia/Shanghai = 02:00Z, every day
    const cron = await createCampaign(server, world3, { kind: 'scheduled', cron: '0 10 * * *' });
    await activate(server, world3, cron.id);

    expect((await tickAndRun(server, T0)).created).toBe(0);
    expect(await deliveriesOf(server, later.id)).toHaveLength(0);
    const atSend = await tickAndRun(server, sendAt);
    expect(atSend.created).toBe(1);
    expect(await deliveriesOf(server, later.id)).toHaveLength(3);
    expect((await tickAndRun(server, sendAt)).created).toBe(0);

    const tenAm = new Date('2026-11-25T02:00:00Z');
    expect((await tickAndRun(server, new Date(tenAm.getTime() - 60_000))).created).toBe(0);
    expect((await tickAndRun(server, tenAm)).created).toBe(1);
    expect((await tickAndRun(server, tenAm)).created).toBe(0);
    expect((await tickAndRun(server, new Date(tenAm.getTime() + 60_000))).created).toBe(0);
    expect(await deliveriesOf(server, cron.id)).toHaveLength(3);
    expect((await tickAndRun(server, new Date(tenAm.getTime() + 86_400_000))).created).toBe(1);
    const rows = await deliveriesOf(server, cron.id);
    expect(rows).toHaveLength(6);
    expect(new Set(rows.map((row) => row.run_id)).size).toBe(2);
  });

  it('issues coupons through the coupons module (quantity enforced, idempotent per delivery) and names them in the message', async () => {
    const world4 = await campaignWorld(server, 'coupon');
    const ids = await addMembers(server, world4.brandId, 5);
    const template = await server.call({
      method: 'POST',
      url: '/coupon-templates',
      token: world4.token,
      payload: { name: '满100减20', kind: 'cash_off', valueFen: 2000, thresholdFen: 10000, validityMode: 'relative', validDays: 7, totalQuantity: 3 },
    });
    expect(template.status).toBe(201);
    const campaign = await createCampaign(server, world4, {
      budgetFen: 100_000,
      variants: [{ key: 'a', weight: 1, actions: { couponTemplateId: template.body.id, message: inboxMessage('{{coupon}} {{couponValue}}', '有效期至 {{couponExpiresAt}}') } }],
    });
    await activate(server, world4, campaign.id);
    await server.app.services.campaigns.runDue({ now: T0 });
    const rows = await deliveriesOf(server, campaign.id);
    expect(rows.filter((row) => row.status === 'queued').map((row) => row.member_id)).toEqual(ids.slice(0, 3));
    expect(rows.filter((row) => row.status === 'skipped').map((row) => row.skip_reason)).toEqual(['coupon:coupon_out_of_stock', 'coupon:coupon_out_of_stock']);
    const coupons = await query<{ id: string; member_id: string; issued_via: string; issued_ref: string }>(server, sql`select id, member_id, issued_via, issued_ref from coupons where brand_id = ${world4.brandId} order by member_id`);
    expect(coupons.map((c) => [c.member_id, c.issued_via])).toEqual(ids.slice(0, 3).map((id) => [id, 'campaign']));
    expect(coupons.map((c) => c.issued_ref)).toEqual(rows.filter((row) => row.status === 'queued').map((row) => row.id));
    const [message] = await query<{ variables: Record<string, unknown> }>(server, sql`select variables from message_outbox where brand_id = ${world4.brandId} limit 1`);
    expect(message!.variables).toMatchObject({ coupon: '满100减20', couponValue: '20元', couponExpiresAt: expect.stringMatching(/^2026-12-01T/) });
    expect((await server.call({ method: 'GET', url: `/campaigns/${campaign.id}`, token: world4.token })).body.spentFen).toBe(6000);
  });
});

describe('the campaign worker loop', () => {
  it('decides a due run, then idles; stopWorkers wakes it instead of waiting out the idle time', async () => {
    const world5 = await campaignWorld(server, 'worker');
    await addMembers(server, world5.brandId, 5);
    const campaigns = server.app.services.campaigns;
    await campaigns.runDue({ now: T0 }); // nothing else due: the loop sees only this test's run
    const campaign = await createCampaign(server, world5);
    await activate(server, world5, campaign.id);
    // a ten-minute idle wait: a stop that waited it out would fail the test by its timeout
    campaigns.startWorkers({ idleMs: 600_000 });
    let stopped = false;
    try {
      const deadline = Date.now() + 10_000;
      while ((await deliveriesOf(server, campaign.id)).length < 5 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await deliveriesOf(server, campaign.id)).toHaveLength(5);
      // let the loop look once more, find nothing and go idle
      await new Promise((resolve) => setTimeout(resolve, 300));
      const stopping = Date.now();
      await campaigns.stopWorkers();
      stopped = true;
      expect(Date.now() - stopping).toBeLessThan(2_000);
    } finally {
      if (!stopped) await campaigns.stopWorkers();
    }
  });
});
