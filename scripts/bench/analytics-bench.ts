/**
 * `npm run bench:analytics -- [--members 1000000] [--seed 1] [--orders-per-member 10] [--end YYYY-MM-DD] [--no-events]`
 * `npm run bench:analytics -- --database-url URL --brand CODE [--end YYYY-MM-DD] [--segments-only]`
 *
 * On the throwaway PostgreSQL bench-analytics.mjs starts (DATABASE_URL): migrates, generates a brand with
 * N members and about 10 purchases each (scripts/generate). With --database-url and --brand, on that
 * database instead, where `npm run generate -- --brand CODE` already wrote the brand (give the same --end).
 * Then it times
 *   1. full scoring of the brand through the analytics service's `scoreBrand`, next to one plain aggregate
 *      scan of the orders table (`select member_id, count(*), sum(paid_fen) from orders group by member_id`);
 *   2. a live segment count over all members for a filter on score + tier + purchase date (`countSegment`);
 *   3. the recommendations: computing and writing every member's top 10, and hit-rate@10 against the
 *      popularity baseline on a split 90 days before the end of the data.
 * Progress on stderr; the last line of stdout is one JSON object of figures. Runs under the server's tsx.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { fixedClock } from '../../shared/src/time';
import { connectPostgres, type Database } from '../../server/src/db/client';
import { chinaDayStartMs, dayNumber } from '../generate/calendar';
import { generate, todayInChina } from '../generate/generate';

const ROOT = path.resolve(__dirname, '..', '..');
const DAY_MS = 86_400_000;

interface Args {
  members: number;
  seed: number;
  ordersPerMember: number;
  end: string;
  events: boolean;
  /** reuse this database and the brand with this code instead of generating */
  databaseUrl: string | null;
  brand: string | null;
  /** only the segment counts, on a brand scored earlier */
  segmentsOnly: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { members: 1_000_000, seed: 1, ordersPerMember: 10, end: todayInChina(), events: true, databaseUrl: null, brand: null, segmentsOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i]!.replace(/^--/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (name === 'no-events') {
      args.events = false;
      continue;
    }
    if (name === 'segments-only') {
      args.segmentsOnly = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (name === 'members') args.members = Number(value.replace(/_/g, ''));
    else if (name === 'seed') args.seed = Number(value);
    else if (name === 'orders-per-member') args.ordersPerMember = Number(value);
    else if (name === 'end') args.end = value;
    else if (name === 'database-url') args.databaseUrl = value;
    else if (name === 'brand') args.brand = value;
    else throw new Error(`unknown option --${name} (--members, --seed, --orders-per-member, --end, --no-events, --database-url, --brand, --segments-only)`);
  }
  if (!Number.isInteger(args.members) || args.members < 1) throw new Error('--members must be a whole number ≥ 1');
  if ((args.databaseUrl === null) !== (args.brand === null)) throw new Error('--database-url and --brand go together (reuse a generated brand)');
  if (args.segmentsOnly && args.brand === null) throw new Error('--segments-only needs --database-url and --brand (a brand scored earlier)');
  return args;
}

const log = (message: string) => process.stderr.write(`${message}\n`);
const seconds = (from: number) => Math.round((performance.now() - from) / 10) / 100;

function stageReporter(label: string) {
  let last = 0;
  let lastStage = '';
  return (stage: string, done: number, total?: number) => {
    const now = performance.now();
    if (stage === lastStage && now - last < 5000) return;
    last = now;
    lastStage = stage;
    log(`  ${label} ${stage} ${done.toLocaleString('en-US')}${total ? `/${total.toLocaleString('en-US')}` : ''}`);
  };
}

/** The analytics service wired like the server wires it, with the clock at the end of the data; null while the module is not there. */
async function analyticsService(database: Database, now: Date) {
  const index = path.join(ROOT, 'server', 'src', 'modules', 'analytics', 'index.ts');
  if (!existsSync(index)) return { service: null, reason: 'server/src/modules/analytics has no index.ts yet' };
  try {
    // through variables, so the typecheck of scripts/ does not follow the server's whole app
    const appPath = path.join(ROOT, 'server', 'src', 'app');
    const configPath = path.join(ROOT, 'server', 'src', 'config');
    const app = (await import(appPath)) as { buildServices(deps: unknown): Record<string, unknown> };
    const { loadConfig } = (await import(configPath)) as { loadConfig(env: NodeJS.ProcessEnv): unknown };
    const config = loadConfig({ ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'silent', JOBS_ENABLED: 'false' });
    // scoring and counting need no WeChat client
    const services = app.buildServices({ db: database.db, clock: fixedClock(now), wechat: null, config });
    const analytics = services.analytics as
      | { scoreBrand?: (brandId: string, now: Date, progress?: (p: { stage: string; done: number; total: number }) => void) => Promise<unknown>; countSegment?: (brandId: string, filter: unknown) => Promise<number> }
      | undefined;
    if (!analytics || typeof analytics.scoreBrand !== 'function') return { service: null, reason: 'the analytics service has no scoreBrand' };
    return { service: analytics, reason: '' };
  } catch (error) {
    return { service: null, reason: `the analytics module does not load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}` };
  }
}

async function generateBrand(databaseUrl: string, args: Args) {
  log(`generating ${args.members.toLocaleString('en-US')} members (seed ${args.seed}, data up to ${args.end})`);
  return generate({ databaseUrl, members: args.members, seed: args.seed, brandCode: 'bench', end: args.end, ordersPerMember: args.ordersPerMember, events: args.events });
}

/** The counts of a brand generated earlier, in the shape `generate` reports (no generation figures). */
async function existing(admin: Client, code: string) {
  const brand = await admin.query<{ id: string }>('select id from brands where code = $1', [code]);
  const brandId = brand.rows[0]?.id;
  if (!brandId) throw new Error(`no brand with code ${code} in that database (npm run generate -- --brand ${code} first)`);
  const count = async (table: string) => Number((await admin.query<{ n: string }>(`select count(*) as n from ${table} where brand_id = $1`, [brandId])).rows[0]!.n);
  const [members, orders, orderItems, events] = [await count('members'), await count('orders'), await count('order_items'), await count('events')];
  log(`reusing brand ${code}: ${members.toLocaleString('en-US')} members, ${orders.toLocaleString('en-US')} orders`);
  return { brandId, members, orders, orderItems, events, seconds: null, rowsPerSecond: null, rows: null };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const databaseUrl = args.databaseUrl ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('DATABASE_URL is required (npm run bench:analytics starts a throwaway PostgreSQL)');
  const now = new Date(chinaDayStartMs(dayNumber(args.end)));

  // 0. the schema, and a throwaway server tuned for a bulk load (fewer checkpoints)
  const admin = new Client({ connectionString: databaseUrl });
  await admin.connect();
  if (!args.brand) await admin.query(`alter system set max_wal_size = '8GB'`).then(() => admin.query('select pg_reload_conf()')).catch(() => {});
  const database = connectPostgres(databaseUrl, { poolSize: 4 });
  let started = performance.now();
  await database.migrate();
  log(`migrated in ${seconds(started)} s`);

  try {
    // 1. data
    const generated = args.brand ? await existing(admin, args.brand) : await generateBrand(databaseUrl, args);
    if (!args.brand) log(
      `generated ${generated.members.toLocaleString('en-US')} members, ${generated.orders.toLocaleString('en-US')} orders, ${generated.orderItems.toLocaleString('en-US')} items, ` +
        `${generated.events.toLocaleString('en-US')} events: ${generated.rows?.toLocaleString('en-US')} rows in ${generated.seconds} s (${generated.rowsPerSecond?.toLocaleString('en-US')} rows/s)`,
    );
    const brandId = generated.brandId;

    // 2. scoring against one plain aggregate scan of the orders table
    const scan = async () => {
      const from = performance.now();
      await admin.query(`select count(*), sum(n), sum(paid) from (select member_id, count(*) as n, sum(paid_fen) as paid from orders group by member_id) per_member`);
      return seconds(from);
    };
    const firstScan = await scan();
    log(`aggregate scan of orders (select member_id, count(*), sum(paid_fen) from orders group by member_id): ${firstScan} s`);
    const { service, reason } = await analyticsService(database, now);
    let scoringSeconds: number | null = null;
    let segmentCountMs: number | null = null;
    let segmentCount: number | null = null;
    let scoring: unknown = null;
    if (!service) {
      log(`scoring: not available (${reason})`);
    } else if (args.segmentsOnly) {
      log('scoring: skipped (--segments-only: the scores scoring wrote earlier)');
    } else {
      log(`scoring ${args.members.toLocaleString('en-US')} members through the analytics service's scoreBrand`);
      const report = stageReporter('scoring');
      started = performance.now();
      scoring = await service.scoreBrand!(brandId, now, (p) => report(p.stage, p.done, p.total));
      scoringSeconds = seconds(started);
      log(`scoring: ${scoringSeconds} s`);
    }
    const aggregateScanSeconds = Math.min(firstScan, await scan());
    log(`aggregate scan again: best of two ${aggregateScanSeconds} s`);

    // 3. live segment counts: the issue's filter (scored recently active, silver tier or above, bought in the last
    // 90 days), then other shapes an operator builds, each the median of five runs after a warm-up
    const filter = {
      all: [
        { field: 'rScore', op: 'gte', value: 4 },
        { field: 'tierLevel', op: 'gte', value: 1 },
        { field: 'purchaseCount', period: { lastDays: 90 }, op: 'gte', value: 1 },
      ],
    };
    const endMs = now.getTime();
    const isoDaysBefore = (days: number) => new Date(endMs - days * DAY_MS).toISOString();
    const otherShapes: Record<string, unknown> = {
      'value segment + tier + bought in the last 30 days': {
        all: [{ field: 'valueSegment', op: 'in', value: ['high_value', 'potential'] }, { field: 'tierLevel', op: 'gte', value: 1 }, { field: 'purchaseCount', period: { lastDays: 30 }, op: 'gte', value: 1 }],
      },
      'fScore + tier + no purchase in the last 60 days': {
        all: [{ field: 'fScore', op: 'gte', value: 3 }, { field: 'tierLevel', op: 'gte', value: 1 }, { field: 'purchaseCount', period: { lastDays: 60 }, op: 'eq', value: 0 }],
      },
      'rScore + tier + bought since a date': {
        all: [{ field: 'rScore', op: 'gte', value: 3 }, { field: 'tierLevel', op: 'eq', value: 2 }, { field: 'purchaseCount', period: { from: isoDaysBefore(60) }, op: 'gte', value: 1 }],
      },
      'rScore + tier + bought in a closed window 6 to 3 months back': {
        all: [{ field: 'rScore', op: 'gte', value: 3 }, { field: 'tierLevel', op: 'gte', value: 1 }, { field: 'purchaseCount', period: { from: isoDaysBefore(180), to: isoDaysBefore(90) }, op: 'gte', value: 1 }],
      },
      'consent + rScore + tier + bought in the last 90 days': { all: [{ field: 'marketingConsent', op: 'eq', value: true }, ...filter.all] },
      'rScore + tier + spent ≥ ¥500 in the last 90 days': {
        all: [{ field: 'rScore', op: 'gte', value: 4 }, { field: 'tierLevel', op: 'gte', value: 1 }, { field: 'purchaseAmountFen', period: { lastDays: 90 }, op: 'gte', value: 50_000 }],
      },
    };
    const shapes: { filter: string; count: number; ms: number; minMs: number; maxMs: number }[] = [];
    if (service && typeof service.countSegment === 'function') {
      const time = async (name: string, shape: unknown) => {
        const count = await service.countSegment!(brandId, shape); // planner statistics and caches warm, as on a server that runs
        const runs: number[] = [];
        for (let run = 0; run < 5; run++) {
          started = performance.now();
          await service.countSegment!(brandId, shape);
          runs.push(Math.round(performance.now() - started));
        }
        runs.sort((a, b) => a - b);
        const figure = { filter: name, count, ms: runs[2]!, minMs: runs[0]!, maxMs: runs[4]! };
        log(`segment count ${name}: ${count.toLocaleString('en-US')} members in ${figure.ms} ms (median of 5; ${figure.minMs}–${figure.maxMs})`);
        return figure;
      };
      const main = await time(JSON.stringify(filter), filter);
      segmentCount = main.count;
      segmentCountMs = main.ms;
      for (const [name, shape] of Object.entries(otherShapes)) shapes.push(await time(name, shape));
    } else {
      log('segment count: not available (no countSegment)');
    }
    if (args.segmentsOnly) {
      console.log(JSON.stringify({ members: generated.members, purchases: generated.orders, segmentCountMs, segmentCount, segmentShapes: shapes }));
      return;
    }

    // 4. recommendations
    const recommendations = await import('../../server/src/modules/analytics/recommendations');
    const reportRecommend = stageReporter('recommendations');
    started = performance.now();
    const computed = await recommendations.computeRecommendations(database.db, brandId, now, { progress: reportRecommend });
    const recommendSeconds = seconds(started);
    log(`recommendations for ${computed.members.toLocaleString('en-US')} members computed and written in ${recommendSeconds} s`);
    const split = new Date(now.getTime() - 90 * DAY_MS);
    const evaluation = await recommendations.evaluateRecommendations(database.db, brandId, split, { progress: stageReporter('evaluation') });
    log(
      `hit-rate@10 on the split at ${split.toISOString()} (${evaluation.members.toLocaleString('en-US')} members bought before it and in the 90 days after): ` +
        `co-purchase ${evaluation.hitRateAt10}, popularity ${evaluation.popularityHitRateAt10} (${evaluation.seconds} s)`,
    );

    if (scoring) log(`scoring summary: ${JSON.stringify(scoring)}`);
    console.log(
      JSON.stringify({
        members: generated.members,
        purchases: generated.orders,
        orderItems: generated.orderItems,
        events: generated.events,
        generateSeconds: generated.seconds,
        generateRowsPerSecond: generated.rowsPerSecond,
        scoringSeconds,
        aggregateScanSeconds,
        scoringToScanRatio: scoringSeconds === null || aggregateScanSeconds === 0 ? null : Math.round((scoringSeconds / aggregateScanSeconds) * 10) / 10,
        segmentCountMs,
        segmentCount,
        segmentShapes: shapes,
        recommendSeconds,
        hitRateAt10: evaluation.hitRateAt10,
        popularityHitRateAt10: evaluation.popularityHitRateAt10,
        evaluatedMembers: evaluation.members,
      }),
    );
  } finally {
    await database.close();
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
