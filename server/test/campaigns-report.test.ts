import { newId, type CampaignReport } from '@memberloop/shared';
import { sql } from 'drizzle-orm';
import { startTestServer, type TestServer } from './harness';
import { activate, addMembers, campaignWorld, createCampaign, DAY, deliveriesOf, T0, type CampaignWorld } from './campaigns-fixtures';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

/** mulberry32: seeded, so the generated purchases are the same on every run. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One order per member at `at` (simulated purchases after the decisions). */
async function purchases(brandId: string, memberIds: string[], at: Date, paidFen = 10_000) {
  const rows = memberIds.map((memberId) => ({ id: newId('order', at), memberId }));
  if (rows.length === 0) return;
  await server.database.db.execute(sql`insert into orders (id, brand_id, member_id, channel, external_id, gross_fen, paid_fen, occurred_at)
    select x.id, ${brandId}, x.member_id, 'pos', x.id, ${paidFen}, ${paidFen}, ${at} from json_to_recordset(${JSON.stringify(rows.map((r) => ({ id: r.id, member_id: r.memberId })))}::json) as x(id text, member_id text)`);
}

async function report(world: CampaignWorld, campaignId: string): Promise<CampaignReport> {
  const response = await server.call<CampaignReport>({ method: 'GET', url: `/campaigns/${campaignId}/report`, token: world.token });
  expect(response.status).toBe(200);
  return response.body;
}

describe('campaign report on generated data', () => {
  it('finds a planted effect: variant members convert at 30 %, control at 15 % → significant, positive uplift', async () => {
    server.clock.set(T0);
    const world = await campaignWorld(server, 'planted');
    await addMembers(server, world.brandId, 2000);
    const campaign = await createCampaign(server, world, { holdoutPercent: 50, attributionDays: 7 });
    await activate(server, world, campaign.id);
    await server.app.services.campaigns.runDue({ now: T0 });
    const rows = await deliveriesOf(server, campaign.id);
    const random = prng(6);
    const buyers = rows.filter((row) => random() < (row.variant === 'control' ? 0.15 : 0.3)).map((row) => row.member_id);
    await purchases(world.brandId, buyers, new Date(T0.getTime() + 2 * DAY));
    // a purchase after the attribution window does not count
    await purchases(world.brandId, rows.slice(0, 50).map((row) => row.member_id), new Date(T0.getTime() + 10 * DAY));

    const body = await report(world, campaign.id);
    const [variant, control] = body.variants;
    expect(variant!.variant).toBe('a');
    expect(control!.variant).toBe('control');
    expect(variant!.members + control!.members).toBe(2000);
    expect(variant!.converted + control!.converted).toBe(buyers.length);
    expect(variant!.upliftOverControl!.difference).toBeGreaterThan(0.1);
    expect(variant!.upliftOverControl!.pValue).toBeLessThan(0.05);
    expect(variant!.upliftOverControl!.confidenceInterval.low).toBeGreaterThan(0);
    expect(variant!.revenuePerMemberFen).toBeGreaterThan(control!.revenuePerMemberFen);
    expect(control!.upliftOverControl).toBeNull();
  });

  it('A/A: with purchases independent of the arm, 20 campaigns on the same members are significant at p < 0.05 at most 4 times (expected 1)', async () => {
    server.clock.set(T0);
    const world = await campaignWorld(server, 'aatest');
    const ids = await addMembers(server, world.brandId, 1000);
    const random = prng(20261124);
    await purchases(world.brandId, ids.filter(() => random() < 0.2), new Date(T0.getTime() + 3 * DAY));
    const pValues: number[] = [];
    for (let i = 0; i < 20; i++) {
      const campaign = await createCampaign(server, world, { name: `A/A ${i}`, holdoutPercent: 50, marketing: false });
      await activate(server, world, campaign.id);
      await server.app.services.campaigns.runDue({ now: T0 });
      const body = await report(world, campaign.id);
      expect(body.variants[0]!.members + body.variants[1]!.members).toBe(1000);
      pValues.push(body.variants[0]!.upliftOverControl!.pValue);
    }
    // P(5 or more of 20 below 0.05 | no effect) ≈ 0.3 %
    expect(pValues.filter((p) => p < 0.05).length).toBeLessThanOrEqual(4);
  });
});
