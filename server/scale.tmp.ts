import { sql } from 'drizzle-orm';
import { connectPostgres } from './src/db/client';
import { createAnalyticsService } from './src/modules/analytics';
const database = connectPostgres('postgres://postgres@127.0.0.1:54329/analytics_scale', { poolSize: 4 });
const now = new Date('2026-11-24T08:00:00Z');
const deps: any = { db: database.db, clock: { now: () => now } };
const brands: any = { activeBrandById: async () => ({ timeZone: 'Asia/Shanghai' }) };
const members: any = { steps: {}, staffView: async () => ({}) };
const analytics = createAnalyticsService(deps, { brands, members });
const BRAND = 'brd_SCALE000000000000000000000';
(async () => {
  const mode = process.argv[2];
  if (mode === 'score') {
    let t = Date.now(); let last = t;
    const summary = await analytics.scoreBrand(BRAND, now, (p) => { const n = Date.now(); if (p.stage !== 'clv_predict' || p.done === p.total) console.log(`${((n - t) / 1000).toFixed(1)}s (+${((n - last) / 1000).toFixed(1)}s)`, JSON.stringify(p)); last = n; });
    console.log(JSON.stringify(summary));
    t = Date.now();
    const r = await database.db.execute(sql`select count(*), sum(paid_fen - refunded_fen) from orders where brand_id = ${BRAND}`);
    console.log('plain aggregate scan', Date.now() - t, 'ms', JSON.stringify((r as any).rows));
    await database.close();
  }
})();
import { PgDialect } from 'drizzle-orm/pg-core';
import { compileSegmentFilter } from './src/modules/analytics/segment-compiler';
(async () => {
  if (process.argv[2] !== 'count') return;
  const filters: any[] = [
    { all: [{ field: 'rScore', op: 'gte', value: 4 }, { field: 'tierLevel', op: 'gte', value: 2 }, { field: 'purchaseCount', period: { lastDays: 90 }, op: 'gte', value: 1 }] },
    { all: [{ field: 'valueSegment', op: 'in', value: ['high_value', 'potential'] }, { field: 'tierLevel', op: 'gte', value: 1 }, { field: 'purchaseCount', period: { from: '2026-06-01T00:00:00Z', to: '2026-09-01T00:00:00Z' }, op: 'gte', value: 2 }] },
    { field: 'rScore', op: 'gte', value: 4 },
    { all: [{ field: 'marketingConsent', op: 'eq', value: true }, { field: 'birthdayMonth', op: 'eq', value: 12 }] },
    { field: 'boughtCategory', op: 'in', value: ['cat3'], period: { lastDays: 30 } },
    { field: 'eventCount', eventType: 'view_item', lastDays: 7, op: 'gte', value: 1 },
    { not: { field: 'purchaseCount', period: { lastDays: 365 }, op: 'gte', value: 1 } },
  ];
  for (const f of filters) {
    for (let i = 0; i < 3; i++) {
      const t = Date.now();
      const n = await analytics.countSegment(BRAND, f);
      console.log(Date.now() - t, 'ms', n, JSON.stringify(f).slice(0, 150));
    }
  }
  if (process.argv[3] === 'sql') {
    const q = new PgDialect().sqlToQuery(sql`select count(*) ${compileSegmentFilter(filters[0], { brandId: BRAND, now }).body}`);
    console.log(q.sql, JSON.stringify(q.params));
  }
  await database.close();
})();
