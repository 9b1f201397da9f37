/**
 * Decision throughput of a campaign run: a one-off message-only campaign to N generated members, decided by
 * `runDue` in batches (deliveries + outbox rows), on a throwaway database on a real PostgreSQL server. Not a test;
 * the sending is the messaging module's (see its throughput.bench.ts) and end to end is `npm run bench:fanout`.
 *
 *   cd server && BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:54329/postgres \
 *     npx tsx src/modules/campaigns/decide.bench.ts --members 1000000 [--batch 1000] [--holdout 10]
 *
 * Prints one JSON line: members, decided, deliveries, outbox, duplicates, seconds, membersPerSecond.
 */
import { randomBytes } from 'node:crypto';
import { fixedClock, newId } from '@memberloop/shared';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { buildServices } from '../../app';
import { loadConfig } from '../../config';
import { connectPostgres } from '../../db/client';
import type { WechatClient } from '../wechat';
import { rows } from './campaigns.repository';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('set BENCH_DATABASE_URL to a PostgreSQL server where databases can be created');
  const total = arg('members', 200_000);
  const batchSize = arg('batch', 1000);
  const holdout = arg('holdout', 0);
  const name = `memberloop_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = connectPostgres(url.toString(), { poolSize: 4 });
  try {
    await database.migrate();
    const db = database.db;
    const clock = fixedClock('2026-11-24T08:00:00Z');
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/memberloop-bench', DATABASE_URL: 'postgres://unused', JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' });
    const wechat = { appId: config.wechat.appId } as WechatClient;
    const services = buildServices({ db, clock, wechat, config });

    const brandId = newId('brand');
    await db.execute(sql`insert into brands (id, code, name) values (${brandId}, 'bench', '压测品牌')`);
    for (let from = 0; from < total; from += 20_000) {
      const ids = Array.from({ length: Math.min(20_000, total - from) }, () => newId('member'));
      await db.execute(sql`insert into members (id, brand_id, nickname, marketing_consent)
        select x, ${brandId}, '会员', true from json_array_elements_text(${JSON.stringify(ids)}::json) as x`);
    }
    await db.execute(sql`vacuum analyze members`);
    const campaignId = newId('campaign');
    await db.execute(sql`insert into campaigns (id, brand_id, name, kind, status, variants, holdout_percent, channels)
      values (${campaignId}, ${brandId}, 'bench', 'one_off', 'active',
              ${JSON.stringify([{ key: 'a', weight: 1, actions: { message: { inbox: { title: '{{name}}，冬季新品上市', body: '{{brand}} 冬季新品已到店' } } } }])}::jsonb,
              ${holdout}, '{inbox}')`);
    await db.execute(sql`insert into campaign_runs (id, brand_id, campaign_id, run_key, status, started_at, heartbeat_at)
      values (${newId('campaignRun')}, ${brandId}, ${campaignId}, 'once', 'deciding', now(), 'epoch')`);

    const started = Date.now();
    const result = await services.campaigns.runDue({ batchSize });
    const seconds = (Date.now() - started) / 1000;
    const [counts] = rows<{ deliveries: number; members: number; outbox: number }>(
      await db.execute(sql`select (select count(*) from campaign_deliveries where campaign_id = ${campaignId})::int as deliveries,
        (select count(distinct member_id) from campaign_deliveries where campaign_id = ${campaignId})::int as members,
        (select count(*) from message_outbox where brand_id = ${brandId})::int as outbox`),
    );
    console.log(
      JSON.stringify({
        members: total,
        decided: result.decided,
        deliveries: counts!.deliveries,
        outbox: counts!.outbox,
        duplicates: counts!.deliveries - counts!.members,
        batchSize,
        seconds: Number(seconds.toFixed(2)),
        membersPerSecond: Math.round(result.decided / seconds),
      }),
    );
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
