/**
 * Throughput of the outbox sender through the development channels (SMS recorded in sms_messages, inbox),
 * on a throwaway database on a real PostgreSQL server. Not a test.
 *
 *   cd server && BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:54329/postgres \
 *     npx tsx src/modules/messaging/throughput.bench.ts --messages 1000000 --workers 2
 *
 * Prints one JSON line: messages, enqueueSeconds, sendSeconds, rowsPerSecond, and counts that must match.
 */
import { randomBytes } from 'node:crypto';
import { fixedClock, newId } from '@memberloop/shared';
import { sql } from 'drizzle-orm';
import { Client } from 'pg';
import { loadConfig } from '../../config';
import { connectPostgres } from '../../db/client';
import { withTransaction } from '../../db/transaction';
import type { WechatClient } from '../wechat';
import { createMessagingService, type EnqueueMessage } from './messaging.service';

function arg(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

async function main() {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!serverUrl) throw new Error('set BENCH_DATABASE_URL to a PostgreSQL server where databases can be created');
  const total = arg('messages', 200_000);
  const workers = arg('workers', 2);
  const batchSize = arg('batch', 1000);
  const name = `memberloop_bench_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = connectPostgres(url.toString(), { poolSize: workers + 2 });
  try {
    await database.migrate();
    const db = database.db;
    const clock = fixedClock('2026-11-24T08:00:00Z'); // 16:00 in Shanghai: outside quiet hours
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/memberloop-bench', DATABASE_URL: 'postgres://unused', JWT_SECRET: 'x'.repeat(40), LOG_LEVEL: 'silent' });
    const wechat = { appId: config.wechat.appId } as WechatClient; // no openids: WeChat is never called
    const messaging = createMessagingService({ db, clock, wechat, config }, { batchSize, workers });

    const brandId = newId('brand');
    await db.execute(sql`insert into brands (id, code, name) values (${brandId}, 'bench', 'bench')`);
    const members = Math.min(total, arg('members', total));
    const memberIds: string[] = [];
    for (let from = 0; from < members; from += 10_000) {
      const chunk = Array.from({ length: Math.min(10_000, members - from) }, (_, i) => {
        const n = from + i;
        const id = newId('member');
        memberIds.push(id);
        // half of them have a phone (→ SMS), the others get the inbox
        return { id, phone: n % 2 === 0 ? `139${String(n).padStart(8, '0')}` : null };
      });
      await db.execute(sql`
        insert into members (id, brand_id, phone, phone_bound_at, marketing_consent)
        select x.id, ${brandId}, x.phone, case when x.phone is null then null else now() end, true
        from json_to_recordset(${JSON.stringify(chunk)}::json) as x(id text, phone text)`);
    }

    const content = {
      sms: { text: '【{{brand}}】{{name}}，您的{{coupon}}已到账，{{couponExpiresAt}}前有效。退订回T' },
      inbox: { title: '优惠券到账', body: '{{name}}，您的{{coupon}}已到账，{{couponExpiresAt}}前有效' },
    };
    const enqueueStarted = Date.now();
    for (let from = 0; from < total; from += 1000) {
      const messages: EnqueueMessage[] = Array.from({ length: Math.min(1000, total - from) }, (_, i) => ({
        brandId,
        memberId: memberIds[(from + i) % members]!,
        source: 'campaign',
        sourceRef: `bench-${from + i}`,
        marketing: true,
        content,
        variables: { name: `会员${from + i}`, brand: '鞋店', coupon: '满100减20券', couponExpiresAt: '2026-12-31T15:59:59Z' },
        notBefore: clock.now(),
      }));
      await withTransaction(db, (tx) => messaging.steps.enqueue(tx, messages));
    }
    const enqueueSeconds = (Date.now() - enqueueStarted) / 1000;

    const sendStarted = Date.now();
    const results = await Promise.all(Array.from({ length: workers }, () => messaging.sendDue({ batchSize })));
    const sendSeconds = (Date.now() - sendStarted) / 1000;
    const counts = (
      (await db.execute(sql`select
        (select count(*)::int from message_outbox where status = 'sent') as sent,
        (select count(*)::int from message_outbox where status <> 'sent') as not_sent,
        (select count(*)::int from inbox_messages) as inbox,
        (select count(*)::int from sms_messages) as sms`)) as unknown as { rows: { sent: number; not_sent: number; inbox: number; sms: number }[] }
    ).rows[0]!;
    const line = {
      messages: total,
      workers,
      batchSize,
      enqueueSeconds,
      sendSeconds,
      rowsPerSecond: Math.round(total / sendSeconds),
      claimed: results.reduce((sum, r) => sum + r.claimed, 0),
      ...counts,
      duplicates: counts.inbox + counts.sms - counts.sent,
    };
    process.stdout.write(JSON.stringify(line) + '\n');
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
