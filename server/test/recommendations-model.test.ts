/**
 * Recommendations on data from the generator (scripts/generate): its planted co-purchase bundles, favourite
 * SKUs and persona category mixes are what the co-purchase model has to find better than popularity does.
 */
import { newId } from '@memberloop/shared';
import { Client } from 'pg';
import { brokenReferences, generate, idMarks, type GenerateSummary } from '../../scripts/generate/generate';
import { buildCatalog } from '../../scripts/generate/catalog';
import { sql } from 'drizzle-orm';
import { computeRecommendations, evaluateRecommendations, loadHistories, trainCoPurchase } from '../src/modules/analytics/recommendations';
import { createTestDatabase, urlForDatabase } from './test-database';

jest.setTimeout(180_000);

const END = '2026-11-24';
const NOW = new Date('2026-11-23T16:00:00Z'); // 00:00 on the end date in China
const DAY_MS = 86_400_000;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let generated: GenerateSummary;

beforeAll(async () => {
  database = await createTestDatabase();
  generated = await generate({ databaseUrl: urlForDatabase(database.name), members: 1500, seed: 11, brandCode: 'rec', end: END, progress: false, connections: 1 });
});

afterAll(() => database.drop());

const rows = async <T>(query: ReturnType<typeof sql>) => ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;

describe('recommendations on generated purchases', () => {
  it('generated a brand whose rows keep every constraint', async () => {
    expect(generated.members).toBe(1500);
    expect(generated.orders).toBeGreaterThan(10_000);
    const [check] = await rows<{ bad_amounts: number; bad_items: number; members: number }>(sql`
      select (select count(*)::int from orders where brand_id = ${generated.brandId} and paid_fen <> gross_fen - discount_fen) as bad_amounts,
             (select count(*)::int from orders o where brand_id = ${generated.brandId}
                and gross_fen <> (select sum(amount_fen) from order_items i where i.brand_id = o.brand_id and i.order_id = o.id)) as bad_items,
             (select count(*)::int from members where brand_id = ${generated.brandId}) as members`);
    expect(check).toEqual({ bad_amounts: 0, bad_items: 0, members: 1500 });
  });

  it('leaves every buyer’s purchase summary equal to their orders (loaded with the summary triggers silenced)', async () => {
    const [check] = await rows<{ buyers: number; summaries: number; mismatched: number }>(sql`
      with truth as (
        select member_id, count(*) filter (where status <> 'refunded')::int as n,
               coalesce(sum(paid_fen - refunded_fen) filter (where status <> 'refunded'), 0)::bigint as fen,
               min(occurred_at) filter (where status <> 'refunded') as first_at, max(occurred_at) filter (where status <> 'refunded') as last_at
          from orders where brand_id = ${generated.brandId} group by member_id)
      select (select count(*)::int from truth) as buyers,
             (select count(*)::int from member_purchase_summaries where brand_id = ${generated.brandId}) as summaries,
             (select count(*)::int from truth t full join (select * from member_purchase_summaries where brand_id = ${generated.brandId}) s using (member_id)
               where (t.n, t.fen, t.first_at, t.last_at) is distinct from (s.order_count, s.net_paid_fen, s.first_purchase_at, s.last_purchase_at)) as mismatched`);
    expect(check!.buyers).toBeGreaterThan(1000);
    expect(check).toEqual({ buyers: check!.buyers, summaries: check!.buyers, mismatched: 0 });
  });

  it('checks the references it loaded without triggers, and would find a broken one', async () => {
    const client = new Client({ connectionString: urlForDatabase(database.name) });
    await client.connect();
    try {
      const marks = idMarks();
      expect(Object.values(await brokenReferences(client, generated.brandId, marks)).every((n) => n === 0)).toBe(true);
      await client.query('begin');
      await client.query('set local session_replication_role = replica');
      const orphan = newId('order');
      await client.query(
        `insert into orders (id, brand_id, member_id, channel, external_id, gross_fen, paid_fen, occurred_at) values ($1, $2, 'mbr_nobody', 'online', $1, 100, 100, now())`,
        [orphan, generated.brandId],
      );
      expect(await brokenReferences(client, generated.brandId, marks)).toMatchObject({ order_members: 1, order_stores: 0, order_items: 0 });
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });

  it('generates the same data from the same seed (ids aside)', async () => {
    const url = urlForDatabase(database.name);
    const small = { databaseUrl: url, members: 200, end: END, progress: false };
    const a = await generate({ ...small, seed: 11, brandCode: 'same-a' });
    const b = await generate({ ...small, seed: 11, brandCode: 'same-b' });
    const other = await generate({ ...small, seed: 12, brandCode: 'other' });
    const fingerprint = async (brandId: string) =>
      (
        await rows<{ print: string }>(sql`
          select md5(string_agg(concat_ws('|', m.joined_at, m.birthday, o.occurred_at, o.channel, o.gross_fen, o.discount_fen, o.refunded_fen, i.sku, i.quantity), ',' order by m.member_no, o.occurred_at, i.sku)) as print
          from members m join orders o on o.brand_id = m.brand_id and o.member_id = m.id join order_items i on i.brand_id = o.brand_id and i.order_id = o.id
          where m.brand_id = ${brandId}`)
      )[0]!.print;
    expect(a.orders).toBe(b.orders);
    expect(await fingerprint(a.brandId)).toBe(await fingerprint(b.brandId));
    expect(await fingerprint(other.brandId)).not.toBe(await fingerprint(a.brandId));
  });

  it('beats the popularity baseline on a time split', async () => {
    const split = new Date(NOW.getTime() - 90 * DAY_MS);
    const result = await evaluateRecommendations(database.db, generated.brandId, split);
    expect(result.members).toBeGreaterThan(200);
    expect(result.hitRateAt10).toBeGreaterThan(result.popularityHitRateAt10 + 0.05);
  });

  it('finds the planted bundles: each bundle SKU\'s closest neighbour is a partner from its bundle', async () => {
    const catalog = buildCatalog();
    const histories = await loadHistories(database.db, generated.brandId, NOW, NOW);
    const model = trainCoPurchase(histories, NOW.getTime());
    for (const bundle of catalog.bundles) {
      const codes = bundle.map((i) => catalog.skus[i]!.sku);
      for (const code of codes) {
        const i = model.skus.indexOf(code);
        const others = Array.from(model.neighbour.subarray(model.neighbourStart[i]!, model.neighbourStart[i + 1]!), (j) => model.skus[j]!).filter((sku) => sku !== code);
        expect([code, codes.filter((c) => c !== code).includes(others[0]!)]).toEqual([code, true]);
      }
    }
  });

  it('writes ten distinct SKUs per buyer, best first, none bought in the last 30 days', async () => {
    const summary = await computeRecommendations(database.db, generated.brandId, NOW);
    const [counts] = await rows<{ buyers: number; stored: number; not_ten: number }>(sql`
      select (select count(distinct member_id)::int from orders where brand_id = ${generated.brandId} and status <> 'refunded') as buyers,
             (select count(*)::int from recommendations where brand_id = ${generated.brandId} and computed_at = ${NOW.toISOString()}::timestamptz) as stored,
             (select count(*)::int from recommendations where brand_id = ${generated.brandId} and jsonb_array_length(items) <> 10) as not_ten`);
    expect(summary.members).toBe(counts!.stored);
    expect(counts!.stored).toBeGreaterThan(counts!.buyers * 0.95);
    expect(counts!.not_ten).toBe(0);

    const stored = await rows<{ member_id: string; items: { sku: string; score: number }[] }>(sql`
      select member_id, items from recommendations where brand_id = ${generated.brandId} order by member_id limit 300`);
    for (const { items } of stored) {
      expect(new Set(items.map((item) => item.sku)).size).toBe(items.length);
      for (let i = 1; i < items.length; i++) expect(items[i]!.score).toBeLessThanOrEqual(items[i - 1]!.score);
    }
    const [recent] = await rows<{ n: number }>(sql`
      select count(*)::int as n
      from recommendations r, jsonb_array_elements(r.items) as item
      where r.brand_id = ${generated.brandId}
        and exists (select 1 from orders o join order_items i on i.brand_id = o.brand_id and i.order_id = o.id
                    where o.brand_id = r.brand_id and o.member_id = r.member_id and i.sku = item->>'sku' and i.refunded_quantity < i.quantity
                      and o.status <> 'refunded'
                      and o.occurred_at >= ${new Date(NOW.getTime() - 30 * DAY_MS).toISOString()}::timestamptz and o.occurred_at < ${NOW.toISOString()}::timestamptz)`);
    expect(recent!.n).toBe(0);
  });

  it('replaces the previous run: members without purchases at the new time lose their rows', async () => {
    const earlier = new Date('2025-06-01T00:00:00Z');
    const summary = await computeRecommendations(database.db, generated.brandId, earlier);
    expect(summary.removed).toBeGreaterThan(0);
    const [left] = await rows<{ n: number; other: number }>(sql`
      select count(*)::int as n, count(*) filter (where computed_at <> ${earlier.toISOString()}::timestamptz)::int as other
      from recommendations where brand_id = ${generated.brandId}`);
    expect(left).toEqual({ n: summary.members, other: 0 });
  });
});
